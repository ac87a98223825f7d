// TEST ONLY: removes one audit event from the chain, the way someone with database access might.
// params: seq
MATCH (e:AuditEvent {seq: $seq})
DELETE e
RETURN count(*) AS deleted
