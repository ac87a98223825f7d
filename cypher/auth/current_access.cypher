// What the principals of these tokens (by the sha256 of their secrets) may do right now: current
// roles and teams of each token that is still valid (not revoked, not expired). Every write
// re-reads its caller's token with it inside its write transaction, so a revocation, an expiry or a
// demotion holds at once on every process, whatever their authentication caches say. A token
// missing from the answer is no longer valid. One unique-index seek per token.
// params: token_hashes, now
UNWIND $token_hashes AS token_hash
MATCH (t:ApiToken {token_hash: token_hash})-[:AUTHENTICATES]->(p:Principal)
WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $now)
RETURN t.token_hash AS token_hash, t.id AS token_id, p.name AS name, p.roles AS roles,
       COLLECT { MATCH (p)-[:MEMBER_OF]->(team:Team) RETURN team.name } AS teams
