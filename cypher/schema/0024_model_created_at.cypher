// Migration 24: Lists of Model nodes filter and page by creation time.
CREATE RANGE INDEX model_created_at IF NOT EXISTS FOR (n:Model) ON (n.created_at)
