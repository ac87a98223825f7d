// Webhook subscriptions (all, or the one named), by name, without their secrets, each with how many
// deliveries are pending and the oldest pending one's next attempt.
// params: name
MATCH (s:WebhookSubscription)
WHERE $name IS NULL OR s.name = $name
CALL (s) {
  OPTIONAL MATCH (d:WebhookDelivery {subscription_id: s.id})
  WHERE d.status = 'PENDING'
  RETURN count(d) AS pending, min(d.created_at) AS oldest_pending_at
}
RETURN s {.*, secret: null} AS subscription, pending, oldest_pending_at
ORDER BY s.name
