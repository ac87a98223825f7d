// Migration 48: deployments by endpoint: an alert carrying only `lineagegraph_endpoint` is matched by a seek.
CREATE INDEX deployment_endpoint IF NOT EXISTS FOR (n:Deployment) ON (n.endpoint)
