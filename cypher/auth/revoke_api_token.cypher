// Revokes a token (kept, with who revoked it and when, for the record). Revoking it again keeps
// the first revocation. No row when no token has this id.
// params: token_id, now, by
MATCH (t:ApiToken {id: $token_id})
WITH t, t.revoked_at IS NULL AS revoking
SET t.revoked_at = coalesce(t.revoked_at, $now), t.revoked_by = coalesce(t.revoked_by, $by)
RETURN t {.id, .principal, .description, .expires_at, .created_at, .created_by, .revoked_at, .revoked_by} AS token,
       revoking
