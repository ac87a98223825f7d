// Migration 45: a subscription's deliveries (its queue, its pending count, its recent deliveries) seek, not scan.
CREATE INDEX webhook_delivery_subscription IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.subscription_id)
