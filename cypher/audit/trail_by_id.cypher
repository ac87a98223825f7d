// The audit events of the entity with this id, newest first, those before seq $before (null: from the newest).
// params: target_id, before, limit
MATCH (e:AuditEvent)
WHERE e.target_id = $target_id AND ($before IS NULL OR e.seq < $before)
RETURN e {.*} AS event
ORDER BY e.seq DESC
LIMIT $limit
