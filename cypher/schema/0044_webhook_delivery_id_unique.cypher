// Migration 44: webhook deliveries by id (subscription id and event id), acknowledged by it.
CREATE CONSTRAINT webhook_delivery_id_unique IF NOT EXISTS FOR (n:WebhookDelivery) REQUIRE n.id IS UNIQUE
