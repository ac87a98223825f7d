"""Stage history recorded without gates (history loaded from elsewhere): spans chain, replays change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.catalog.service import ModelVersionRef
from app.core.db import Database
from app.governance import service

REGISTER = """mutation { registerModel(input: {name: "credit-scoring", riskTier: HIGH}) { __typename }
  registerModelVersion(input: {model: "credit-scoring", version: "5"}) { __typename } }"""
HISTORY = '{ modelVersion(model: "credit-scoring", version: "5") { stage stageHistory { stage since until } } }'


def _record(settings, queries, changes):
    async def run():
        db = Database.connect(settings, queries)
        try:
            for stage, since in changes:
                await service.record_stage_history(db, ModelVersionRef("credit-scoring", "5"), stage, since=since)
        finally:
            await db.close()

    asyncio.run(run())


def test_a_stage_change_keeps_its_history_and_a_replay_changes_nothing(graph, gql, settings, queries):
    assert "errors" not in gql(REGISTER)
    changes = [("STAGING", datetime(2030, 1, 1, tzinfo=UTC)), ("STAGING", datetime(2030, 1, 2, tzinfo=UTC)),
               ("PRODUCTION", datetime(2030, 1, 3, tzinfo=UTC))]
    _record(settings, queries, changes)
    version = gql(HISTORY)["data"]["modelVersion"]
    assert version["stage"] == "PRODUCTION"
    spans = version["stageHistory"]
    assert [s["stage"] for s in spans] == ["DEVELOPMENT", "STAGING", "PRODUCTION"]
    assert [s["until"] is None for s in spans] == [False, False, True]
    assert spans[0]["until"] == spans[1]["since"] and spans[1]["until"] == spans[2]["since"]

    _record(settings, queries, changes)  # older than the open span: already history
    assert gql(HISTORY)["data"]["modelVersion"] == version
