// Migration 25: Lists of ModelVersion nodes filter and page by creation time.
CREATE RANGE INDEX model_version_created_at IF NOT EXISTS FOR (n:ModelVersion) ON (n.created_at)
