// Migration 42: a webhook subscription's natural key is its name, so concurrent registrations MERGE one node.
CREATE CONSTRAINT webhook_subscription_name_unique IF NOT EXISTS FOR (n:WebhookSubscription) REQUIRE n.name IS UNIQUE
