// Migration 41: webhook subscriptions by id (deliveries name theirs).
CREATE CONSTRAINT webhook_subscription_id_unique IF NOT EXISTS FOR (n:WebhookSubscription) REQUIRE n.id IS UNIQUE
