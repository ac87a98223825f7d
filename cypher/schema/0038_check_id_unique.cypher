// Migration 38: Checks recorded against model versions, by id.
CREATE CONSTRAINT check_id_unique IF NOT EXISTS FOR (n:Check) REQUIRE n.id IS UNIQUE
