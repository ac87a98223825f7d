// TEST ONLY: edits one stored audit event's `after` and `actor` in place, the way someone with
// database access might, without touching its hash (verifyAudit must notice).
// params: seq, after, actor
MATCH (e:AuditEvent {seq: $seq})
SET e.after = coalesce($after, e.after), e.actor = coalesce($actor, e.actor)
RETURN e.seq AS seq
