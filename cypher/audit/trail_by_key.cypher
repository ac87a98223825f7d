// The audit events of the target with this kind and natural key text, newest first, those before
// seq $before (null: from the newest). Denied attempts are kind Operation, key the operation's name.
// params: target_kind, target_key, before, limit
MATCH (e:AuditEvent)
WHERE e.target_kind = $target_kind AND e.target_key = $target_key AND ($before IS NULL OR e.seq < $before)
RETURN e {.*} AS event
ORDER BY e.seq DESC
LIMIT $limit
