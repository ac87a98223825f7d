// Removes up to $limit deliveries delivered before $before, and the change events no delivery is left
// for: the outbox keeps what is pending, and what was delivered for as long as it is worth showing.
// Returns how many deliveries were removed.
// params: before, limit
MATCH (d:WebhookDelivery)
WHERE d.status = 'DELIVERED' AND d.delivered_at < $before
WITH d LIMIT $limit
MATCH (d)-[:DELIVERS]->(ev:ChangeEvent)
DETACH DELETE d
WITH ev, count(*) AS removed
OPTIONAL MATCH (other:WebhookDelivery)-[:DELIVERS]->(ev)
WITH ev, removed, count(other) AS left
FOREACH (_ IN CASE WHEN left = 0 THEN [1] ELSE [] END | DETACH DELETE ev)
RETURN sum(removed) AS removed
