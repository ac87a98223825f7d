// Migration 17: The natural key of a ModelVersion: (model_name, version); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT model_version_natural_key IF NOT EXISTS FOR (n:ModelVersion) REQUIRE (n.model_name, n.version) IS UNIQUE
