"""The tamper-evident audit trail: hash-chained events appended in the transaction they describe."""
