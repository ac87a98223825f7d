// Migration 3: Every DatasetVersion has its own stable id.
CREATE CONSTRAINT dataset_version_id_unique IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE n.id IS UNIQUE
