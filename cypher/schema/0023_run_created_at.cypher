// Migration 23: Lists of Run nodes filter and page by creation time.
CREATE RANGE INDEX run_created_at IF NOT EXISTS FOR (n:Run) ON (n.created_at)
