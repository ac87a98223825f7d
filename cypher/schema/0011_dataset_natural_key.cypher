// Migration 11: The natural key of a Dataset: (namespace, name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT dataset_natural_key IF NOT EXISTS FOR (n:Dataset) REQUIRE (n.namespace, n.name) IS UNIQUE
