// Migration 8: Every ModelVersion has its own stable id.
CREATE CONSTRAINT model_version_id_unique IF NOT EXISTS FOR (n:ModelVersion) REQUIRE n.id IS UNIQUE
