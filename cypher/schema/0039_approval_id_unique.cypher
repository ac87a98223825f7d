// Migration 39: Approvals of model versions, by id.
CREATE CONSTRAINT approval_id_unique IF NOT EXISTS FOR (n:Approval) REQUIRE n.id IS UNIQUE
