// Audit events with seq above $after, in seq order, at most $limit (verifyAudit pages with it).
// params: after, limit
MATCH (e:AuditEvent)
WHERE e.seq > $after
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit
