// Migration 18: The natural key of a Deployment: (environment, name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT deployment_natural_key IF NOT EXISTS FOR (n:Deployment) REQUIRE (n.environment, n.name) IS UNIQUE
