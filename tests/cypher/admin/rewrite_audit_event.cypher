// TEST ONLY: rewrites one stored audit event's `after` and both its hashes, the way someone with
// database access who knows the hash rule might, so the chain still holds on its own.
// params: seq, after, prev_hash, hash
MATCH (e:AuditEvent {seq: $seq})
SET e.after = $after, e.prev_hash = $prev_hash, e.hash = $hash
RETURN e.seq AS seq
