// The principal a token secret's hash stands for, with its roles and teams and when the token
// expires (the authentication cache keeps that and checks it on every hit); no row when the token
// is unknown, revoked or expired.
// params: token_hash, now
MATCH (t:ApiToken {token_hash: $token_hash})-[:AUTHENTICATES]->(p:Principal)
WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $now)
RETURN t.id AS token_id, t.expires_at AS expires_at, p.name AS name, p.roles AS roles,
       COLLECT { MATCH (p)-[:MEMBER_OF]->(team:Team) RETURN team.name } AS teams
