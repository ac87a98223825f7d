// Migration 20: Lists of DatasetVersion nodes filter and page by creation time.
CREATE RANGE INDEX dataset_version_created_at IF NOT EXISTS FOR (n:DatasetVersion) ON (n.created_at)
