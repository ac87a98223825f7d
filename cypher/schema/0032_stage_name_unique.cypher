// Migration 32: One node per life-cycle stage; model versions' stage history points at them.
CREATE CONSTRAINT stage_name_unique IF NOT EXISTS FOR (n:Stage) REQUIRE n.name IS UNIQUE
