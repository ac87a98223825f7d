// Migration 9: Every Deployment has its own stable id.
CREATE CONSTRAINT deployment_id_unique IF NOT EXISTS FOR (n:Deployment) REQUIRE n.id IS UNIQUE
