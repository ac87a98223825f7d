// Migration 30: Every Evaluation (a metric measured on a model version) has its own stable id.
CREATE CONSTRAINT evaluation_id_unique IF NOT EXISTS FOR (n:Evaluation) REQUIRE n.id IS UNIQUE
