"""Schema migrations: applied at start-up, recorded in the graph, idempotent."""

from __future__ import annotations

import asyncio

from app.core.db import Database
from app.system.migrations import applied_version, latest_version, migrate


def test_start_up_applies_every_migration_and_records_the_version(client, run_cypher, queries):
    assert run_cypher("system.get_schema_version")[0]["version"] == latest_version(queries)
    names = {row["name"] for row in run_cypher("admin.list_schema_objects")}
    for key in ("dataset_natural_key", "dataset_version_natural_key", "model_version_natural_key",
                "deployment_natural_key", "team_natural_key", "registry_search"):
        assert key in names


def test_a_second_migration_run_changes_nothing(client, settings, queries, run_cypher):
    before = run_cypher("admin.list_schema_objects")

    async def again():
        db = Database.connect(settings, queries)
        try:
            return await migrate(db), await applied_version(db)
        finally:
            await db.close()

    applied, version = asyncio.run(again())
    assert applied == []
    assert version == latest_version(queries)
    assert run_cypher("admin.list_schema_objects") == before
