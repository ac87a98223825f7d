// Migration 31: One value per (model version, metric, dataset version it was measured on).
CREATE CONSTRAINT evaluation_natural_key IF NOT EXISTS FOR (n:Evaluation) REQUIRE (n.model_version_id, n.metric, n.dataset_version_id) IS UNIQUE
