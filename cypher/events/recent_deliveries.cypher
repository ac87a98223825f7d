// The latest $first deliveries of each subscription, newest event first, optionally only those with
// one status (batched: one statement for every subscription a response lists).
// params: subscription_ids, status, first
UNWIND $subscription_ids AS subscription_id
CALL (subscription_id) {
  MATCH (d:WebhookDelivery {subscription_id: subscription_id})
  WHERE $status IS NULL OR d.status = $status
  WITH d ORDER BY d.seq DESC
  LIMIT $first
  RETURN collect(d {.*}) AS deliveries
}
RETURN subscription_id, deliveries
