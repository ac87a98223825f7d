// Migration 16: The natural key of a Model: (name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT model_natural_key IF NOT EXISTS FOR (n:Model) REQUIRE n.name IS UNIQUE
