// Claims deliveries to send: for each subscription with something due, the oldest undelivered delivery
// of each subject (an undelivered event holds back the later ones of its subject, never others'), when
// its next attempt is due and no live lease holds it; at most $room[subscription id] (what this
// process may still send to it at once; $per_subscription when absent) a subscription and $limit in
// all, oldest first. Each subscription is write-locked (in id order, as acknowledgements lock them)
// before its queue is read, so claims from several processes queue there and never lease one
// delivery twice; the claimed get this
// process's lease. Only the first $scan pending deliveries of a subscription (by event order) are
// looked at: subjects whose oldest lies further back wait until the queue before them clears.
// params: now, owner, lease_until, room, per_subscription, scan, limit
MATCH (s:WebhookSubscription)
WHERE coalesce($room[s.id], $per_subscription) > 0
  AND EXISTS { MATCH (d:WebhookDelivery {subscription_id: s.id}) WHERE d.status = 'PENDING' AND d.next_attempt_at <= $now }
WITH s ORDER BY s.id
SET s.claimed_at = $now
WITH s
CALL (s) {
  MATCH (d:WebhookDelivery {subscription_id: s.id})
  WHERE d.status = 'PENDING'
  WITH d ORDER BY d.seq
  LIMIT $scan
  WITH d.subject AS subject, min(d.seq) AS oldest, collect(d) AS queued
  WITH [x IN queued WHERE x.seq = oldest][0] AS d
  WHERE d.next_attempt_at <= $now AND (d.lease_until IS NULL OR d.lease_until <= $now)
  WITH d, coalesce($room[s.id], $per_subscription) AS room ORDER BY d.seq
  WITH room, collect(d) AS sendable
  UNWIND sendable[..room] AS d
  RETURN d
}
WITH s, d ORDER BY d.seq
LIMIT $limit
SET d.lease_owner = $owner, d.lease_until = $lease_until
WITH s, d
MATCH (d)-[:DELIVERS]->(ev:ChangeEvent)
RETURN d.id AS id, d.attempts AS attempts, s.id AS subscription_id, s.url AS url, s.secret AS secret,
       ev.id AS event_id, ev.body AS body
ORDER BY ev.seq
