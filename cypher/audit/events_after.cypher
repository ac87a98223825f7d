// Audit events with seq in ($after, $until], in seq order, at most $limit (verifyAudit pages with it).
// params: after, until, limit
MATCH (e:AuditEvent)
WHERE e.seq > $after AND e.seq <= $until
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit
