// Issues an API token to an existing principal. Only the sha256 of the secret is stored.
// params: principal, token_id, token_hash, description, expires_at, now, by
MATCH (p:Principal {name: $principal})
CREATE (t:ApiToken {id: $token_id, token_hash: $token_hash, principal: $principal, description: $description,
                    expires_at: $expires_at, created_at: $now, created_by: $by})
CREATE (t)-[:AUTHENTICATES]->(p)
RETURN t {.id, .principal, .description, .expires_at, .created_at, .created_by, .revoked_at, .revoked_by} AS token
