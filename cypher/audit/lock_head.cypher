// Write-locks the audit chain's head (created on the first append) and returns the last seq and hash.
// The head is seq 0 of AuditEvent so that its unique constraint makes this MERGE race-free; the
// SET takes the write lock before the values are read, so concurrent appends queue here.
// params: genesis
MERGE (h:AuditEvent {seq: 0})
ON CREATE SET h:AuditHead, h.last_seq = 0, h.last_hash = $genesis
SET h.locked = true
WITH h
RETURN h.last_seq AS last_seq, h.last_hash AS last_hash
