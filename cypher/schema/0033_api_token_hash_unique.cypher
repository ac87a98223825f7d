// Migration 33: An API token is found by the sha256 of its secret; the secret itself is never stored.
CREATE CONSTRAINT api_token_hash_unique IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.token_hash IS UNIQUE
