// Migration 4: Every Feature has its own stable id.
CREATE CONSTRAINT feature_id_unique IF NOT EXISTS FOR (n:Feature) REQUIRE n.id IS UNIQUE
