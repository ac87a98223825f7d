// Every registry node with its label and properties (tests fingerprint the whole graph with it).
// The audit log (AuditEvent, its AuditHead) is left out: it records arrival order and times, which
// differ between replays that give the same graph; tests compare it separately (audit_events).
MATCH (n)
WHERE NOT n:SchemaMigration AND NOT n:AuditEvent
RETURN labels(n) AS labels, properties(n) AS props
