// The audit chain's head: the last seq and hash appended (no row before the first append).
MATCH (h:AuditHead:AuditEvent {seq: 0})
RETURN h.last_seq AS last_seq, h.last_hash AS last_hash
