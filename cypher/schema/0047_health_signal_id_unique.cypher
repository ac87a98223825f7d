// Migration 46: health signals by id.
CREATE CONSTRAINT health_signal_id_unique IF NOT EXISTS FOR (n:HealthSignal) REQUIRE n.id IS UNIQUE
