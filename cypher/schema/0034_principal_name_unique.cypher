// Migration 34: One principal (a person or a pipeline) per name.
CREATE CONSTRAINT principal_name_unique IF NOT EXISTS FOR (n:Principal) REQUIRE n.name IS UNIQUE
