// Migration 14: The natural key of a Job: (namespace, name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT job_natural_key IF NOT EXISTS FOR (n:Job) REQUIRE (n.namespace, n.name) IS UNIQUE
