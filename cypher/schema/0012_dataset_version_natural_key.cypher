// Migration 12: The natural key of a DatasetVersion: (namespace, name, version); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT dataset_version_natural_key IF NOT EXISTS FOR (n:DatasetVersion) REQUIRE (n.namespace, n.name, n.version) IS UNIQUE
