// Migration 19: Lists of Dataset nodes filter and page by creation time.
CREATE RANGE INDEX dataset_created_at IF NOT EXISTS FOR (n:Dataset) ON (n.created_at)
