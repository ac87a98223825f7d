// How many nodes of each registry kind the graph holds: bookkeeping (migrations) and the
// access and audit records (tokens, principals, the audit log) are not registry assets.
MATCH (n)
WHERE NOT (n:SchemaMigration OR n:AuditEvent OR n:ApiToken OR n:Principal)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
