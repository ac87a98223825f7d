// Every webhook delivery with its status and lease, in event order (tests check claims and leases).
MATCH (d:WebhookDelivery)
RETURN d.id AS id, d.subscription_id AS subscription_id, d.seq AS seq, d.status AS status,
       d.lease_owner AS lease_owner, d.lease_until AS lease_until, d.attempts AS attempts
ORDER BY d.seq
