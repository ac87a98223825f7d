// Migration 13: The natural key of a Feature: (group, name); concurrent registrations cannot duplicate it.
CREATE CONSTRAINT feature_natural_key IF NOT EXISTS FOR (n:Feature) REQUIRE (n.group, n.name) IS UNIQUE
