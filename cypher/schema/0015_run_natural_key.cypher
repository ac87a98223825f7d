// Migration 15: The natural key of a Run: (run_id); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT run_natural_key IF NOT EXISTS FOR (n:Run) REQUIRE n.run_id IS UNIQUE
