// Migration 47: health signals by idempotency key (Alertmanager: fingerprint + startsAt), so a replayed
// notification, or two deliveries of it at once, MERGE into the one signal.
CREATE CONSTRAINT health_signal_key_unique IF NOT EXISTS FOR (n:HealthSignal) REQUIRE n.key IS UNIQUE
