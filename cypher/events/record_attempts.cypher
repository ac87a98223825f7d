// Records how sending claimed deliveries went: a 2xx answer marks one DELIVERED, anything else keeps it
// PENDING until its next attempt; either way this process's lease is released (another's is left). A
// delivery already DELIVERED (sent twice after a lease ran out) is left as it is. The subscription keeps
// its last attempt, last delivery and last error. Returns how many were recorded.
// params: results, owner
UNWIND $results AS r
MATCH (d:WebhookDelivery {id: r.id})
WHERE d.status = 'PENDING'
MATCH (s:WebhookSubscription {id: d.subscription_id})
// Subscriptions are locked before their deliveries, in id order, as claims lock them: no deadlock.
WITH r, d, s ORDER BY s.id, d.seq
SET s.last_attempt_at = r.at,
    s.last_delivered_at = CASE WHEN r.delivered THEN r.at ELSE s.last_delivered_at END,
    s.last_error = CASE WHEN r.delivered THEN s.last_error ELSE r.error END,
    s.last_error_at = CASE WHEN r.delivered THEN s.last_error_at ELSE r.at END,
    s.last_error_status_code = CASE WHEN r.delivered THEN s.last_error_status_code ELSE r.status_code END
WITH r, d, d.lease_owner = $owner AS mine
SET d.attempts = d.attempts + 1, d.last_attempt_at = r.at, d.last_status_code = r.status_code,
    d.last_error = r.error,
    d.status = CASE WHEN r.delivered THEN 'DELIVERED' ELSE 'PENDING' END,
    d.delivered_at = CASE WHEN r.delivered THEN r.at ELSE null END,
    d.next_attempt_at = CASE WHEN r.delivered THEN null ELSE r.next_attempt_at END,
    d.lease_owner = CASE WHEN mine THEN null ELSE d.lease_owner END,
    d.lease_until = CASE WHEN mine THEN null ELSE d.lease_until END
RETURN count(d) AS recorded
