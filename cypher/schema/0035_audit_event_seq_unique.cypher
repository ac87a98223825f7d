// Migration 35: One audit event per sequence number: the chain has no forks.
CREATE CONSTRAINT audit_event_seq_unique IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.seq IS UNIQUE
