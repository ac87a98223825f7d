// Migration 22: Lists of Job nodes filter and page by creation time.
CREATE RANGE INDEX job_created_at IF NOT EXISTS FOR (n:Job) ON (n.created_at)
