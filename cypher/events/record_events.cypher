// Puts one transaction's change events in the outbox: each event a subscription wants (by type) is
// stored once as a ChangeEvent (its CloudEvents JSON body as sent) with one PENDING WebhookDelivery
// per such subscription; events nobody subscribes to are not stored. Runs inside the changing
// transaction, after its audit append (app/events/outbox.py), so it commits with the change or not
// at all. Returns how many deliveries were queued.
// params: events, now
MATCH (s:WebhookSubscription)
UNWIND [e IN $events WHERE e.type IN s.event_types] AS e
MERGE (ev:ChangeEvent {id: e.id})
ON CREATE SET ev.seq = e.seq, ev.type = e.type, ev.subject = e.subject, ev.body = e.body, ev.created_at = $now
CREATE (d:WebhookDelivery {id: s.id + ':' + e.id, subscription_id: s.id, event_id: e.id, seq: e.seq,
                           type: e.type, subject: e.subject, status: 'PENDING', attempts: 0,
                           created_at: $now, next_attempt_at: $now})
CREATE (d)-[:DELIVERS]->(ev)
RETURN count(d) AS queued
