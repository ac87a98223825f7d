// Migration 43: change events in the outbox by id (the CloudEvent id, the webhook-id header).
CREATE CONSTRAINT change_event_id_unique IF NOT EXISTS FOR (n:ChangeEvent) REQUIRE n.id IS UNIQUE
