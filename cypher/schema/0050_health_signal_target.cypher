// Migration 49: a deployment's or model version's signals (its health, its recent signals) seek, not scan.
CREATE INDEX health_signal_target IF NOT EXISTS FOR (n:HealthSignal) ON (n.target_id, n.status)
