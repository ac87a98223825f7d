// Migration 40: auditTrail by kind and natural key (denied attempts at an operation, a dataset's history) seeks, not scans.
CREATE INDEX audit_event_target_kind_key IF NOT EXISTS FOR (n:AuditEvent) ON (n.target_kind, n.target_key)
