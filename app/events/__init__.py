"""Change events out: every audited change as a CloudEvent in an outbox, delivered to webhook subscriptions."""
