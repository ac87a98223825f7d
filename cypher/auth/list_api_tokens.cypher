// Tokens (never their secrets), optionally of one principal, newest first, after a creation time.
// params: principal, limit
MATCH (t:ApiToken)
WHERE $principal IS NULL OR t.principal = $principal
RETURN t {.id, .principal, .description, .expires_at, .created_at, .created_by, .revoked_at, .revoked_by} AS token
ORDER BY t.created_at DESC, t.id
LIMIT $limit
