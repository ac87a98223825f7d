// TEST ONLY: removes every audit event after $seq and moves the chain's head back to it, the way
// someone with database access might hide what was recorded after $seq.
// params: seq, last_hash
MATCH (h:AuditHead:AuditEvent {seq: 0})
SET h.last_seq = $seq, h.last_hash = $last_hash
WITH h
OPTIONAL MATCH (e:AuditEvent)
WHERE e.seq > $seq
DETACH DELETE e
RETURN count(e) AS deleted
