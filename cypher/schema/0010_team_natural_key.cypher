// Migration 10: The natural key of a Team: (name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT team_natural_key IF NOT EXISTS FOR (n:Team) REQUIRE n.name IS UNIQUE
