// Write-locks the audit chain's head (created on the first append) and returns the last seq and hash,
// and the event types some webhook subscription wants (app/events/outbox.py builds events of those only).
// The head is seq 0 of AuditEvent so that its unique constraint makes this MERGE race-free; the
// SET takes the write lock before the values are read, so concurrent appends queue here.
// The subscriptions are read after the lock (the subquery depends on the locked head, so it runs per
// locked row rather than before it): registering or deleting one is an audited change that queues on
// the same lock, so an event is sent to exactly the subscriptions chained before it.
// params: genesis
MERGE (h:AuditEvent {seq: 0})
ON CREATE SET h:AuditHead, h.last_seq = 0, h.last_hash = $genesis
SET h.locked = true
WITH h
CALL (h) {
  MATCH (s:WebhookSubscription)
  WHERE h.locked
  UNWIND s.event_types AS type
  RETURN collect(DISTINCT type) AS subscribed
}
RETURN h.last_seq AS last_seq, h.last_hash AS last_hash, subscribed
