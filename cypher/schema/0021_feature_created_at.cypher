// Migration 21: Lists of Feature nodes filter and page by creation time.
CREATE RANGE INDEX feature_created_at IF NOT EXISTS FOR (n:Feature) ON (n.created_at)
