// Migration 46: artifact verifications by id (a version's `lastVerification` and the gate find its last one by it).
CREATE CONSTRAINT artifact_verification_id_unique IF NOT EXISTS FOR (n:ArtifactVerification) REQUIRE n.id IS UNIQUE
