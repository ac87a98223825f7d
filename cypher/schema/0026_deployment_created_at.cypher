// Migration 26: Lists of Deployment nodes filter and page by creation time.
CREATE RANGE INDEX deployment_created_at IF NOT EXISTS FOR (n:Deployment) ON (n.created_at)
