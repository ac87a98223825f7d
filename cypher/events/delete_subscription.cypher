// Deletes a webhook subscription by name with its deliveries (pending ones are dropped) and the change
// events no other subscription still has to deliver. Returns its id and how many were pending, or
// nothing when there is no such subscription.
// params: name
MATCH (s:WebhookSubscription {name: $name})
SET s.deleting = true  // locked before its deliveries, as claims lock it
WITH s, s.id AS id, count { MATCH (d:WebhookDelivery {subscription_id: s.id}) WHERE d.status = 'PENDING' } AS pending
CALL (s) {
  MATCH (d:WebhookDelivery {subscription_id: s.id})
  OPTIONAL MATCH (d)-[:DELIVERS]->(ev:ChangeEvent)
  DETACH DELETE d
  WITH DISTINCT ev WHERE ev IS NOT NULL
  OPTIONAL MATCH (other:WebhookDelivery)-[:DELIVERS]->(ev)
  WITH ev, count(other) AS left
  FOREACH (_ IN CASE WHEN left = 0 THEN [1] ELSE [] END | DETACH DELETE ev)
}
DETACH DELETE s
RETURN id, pending
