// Every audit event in seq order, without the chain's head (tests read the log with it).
MATCH (e:AuditEvent)
WHERE e.seq >= 1
RETURN e {.*} AS event
ORDER BY e.seq
