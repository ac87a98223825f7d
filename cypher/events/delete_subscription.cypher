// Deletes a webhook subscription by name with its deliveries (pending ones are dropped); change events
// no other subscription still delivers are pruned later. Returns its id and how many were pending, or
// nothing when there is no such subscription.
// params: name
MATCH (s:WebhookSubscription {name: $name})
WITH s, s.id AS id, count { MATCH (d:WebhookDelivery {subscription_id: s.id}) WHERE d.status = 'PENDING' } AS pending
CALL (s) {
  MATCH (d:WebhookDelivery {subscription_id: s.id})
  DETACH DELETE d
}
DETACH DELETE s
RETURN id, pending
