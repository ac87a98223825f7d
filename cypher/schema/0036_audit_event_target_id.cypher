// Migration 36: auditTrail finds an entity's history by its id.
CREATE INDEX audit_event_target_id IF NOT EXISTS FOR (n:AuditEvent) ON (n.target_id)
