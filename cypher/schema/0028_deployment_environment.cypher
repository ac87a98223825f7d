// Migration 28: Deployments are filtered by environment.
CREATE RANGE INDEX deployment_environment IF NOT EXISTS FOR (n:Deployment) ON (n.environment)
