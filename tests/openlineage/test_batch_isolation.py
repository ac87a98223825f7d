"""One bad event in a group commit never fails the others: when a shared batch fails for a reason
the validation could not foresee, each event is written alone and only the bad one is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.core.access import SYSTEM
from app.core.db import Database
from app.openlineage.inputs import FacetValue, read_event
from app.openlineage.service import LineageIngest
from tests.openlineage.story import DATASET_EVENT, PRODUCER, _facet

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _dataset_event(name: str, doc: str) -> dict:
    return {"eventTime": AT.isoformat(), "producer": PRODUCER, "schemaURL": DATASET_EVENT,
            "dataset": {"namespace": "s3://raw", "name": name, "facets": {"documentation": _facet(description=doc)}}}


def test_a_batch_that_fails_in_neo4j_is_retried_event_by_event(settings, queries, graph):
    innocent = read_event(_dataset_event("cards", "card payments, settled daily"))
    poisoned = read_event(_dataset_event("broken", "x"))
    # A value Neo4j cannot store as a property (a map): the statement fails for the whole batch.
    [change] = poisoned.nodes["Dataset"].values()
    change.facets["documentation"] = FacetValue(AT, {"description": {"nested": {"map": 1}}})

    async def scenario():
        db = Database.connect(settings, queries)
        ingest = LineageIngest(db)
        try:
            ingest.start()
            answers = await asyncio.gather(ingest.submit(poisoned, SYSTEM), ingest.submit(innocent, SYSTEM),
                                           return_exceptions=True)
            return ingest, answers
        finally:
            await ingest.stop()
            await db.close()

    ingest, (refused, accepted) = asyncio.run(scenario())
    assert ingest.attempts == 3  # the shared batch, then each event alone
    assert isinstance(refused, Exception) and accepted is None, (refused, accepted)
    names = {row["props"].get("name"): row["props"] for row in graph("admin.all_nodes") if "Dataset" in row["labels"]}
    assert names["cards"]["description"] == "card payments, settled daily"
    assert "broken" not in names
