// Gives back this process's leases on deliveries it claimed but will not send (it is stopping), so
// another process, or this one started again, sends them without waiting for the lease to run out.
// params: ids, owner
MATCH (d:WebhookDelivery)
WHERE d.id IN $ids AND d.lease_owner = $owner
SET d.lease_owner = null, d.lease_until = null
RETURN count(d) AS released
