// Migration 27: Model versions are filtered by stage (which are in production?).
CREATE RANGE INDEX model_version_stage IF NOT EXISTS FOR (n:ModelVersion) ON (n.stage)
