// Writes already-chained audit events (hashed by the caller; `at` as UTC text) and moves the head
// to the last of them. Runs after audit.lock_head in the same transaction.
// params: events, last_seq, last_hash
MATCH (h:AuditHead:AuditEvent {seq: 0})
SET h.last_seq = $last_seq, h.last_hash = $last_hash
WITH h
UNWIND $events AS e
CREATE (n:AuditEvent)
SET n = e, n.at = datetime(e.at)
RETURN count(n) AS written
