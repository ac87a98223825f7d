// TEST ONLY: removes one audit event (seq 0: the chain's head) the way someone with database access might.
// params: seq
MATCH (e:AuditEvent {seq: $seq})
DELETE e
RETURN count(*) AS deleted
