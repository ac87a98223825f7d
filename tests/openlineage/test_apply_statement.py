"""The apply statement and its warm-up: one map parameter instead of a list per kind, the same graph.

apply_batch.cypher takes a batch's rows in one map (`batch`) so that Neo4j caches one plan for it
whichever kinds a batch holds (a plan is cached per parameter types, and an empty list is not typed
like a list of maps). tests/cypher/openlineage/apply_batch_lists.cypher is the statement as it was,
one list parameter per kind: the same events, cut into the same batches, must give the same graph
through both. And the statements an event's write transaction runs must all be planned by the
warm-up after a restart, the apply statement with the types a real batch sends.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, note, settings as hypothesis_settings, strategies as st

from app.core.cypher import statement_of
from app.core.db import Database
from app.http.app import HOT_STATEMENTS, WARM_UP_PARAMS
from app.openlineage import repository
from app.openlineage.inputs import GraphChanges, read_event
from tests.catalog.fingerprint import graph_fingerprint
from tests.openlineage.story import daily_pipeline

# Late enough that no story event is "from the future".
NOW = datetime(2030, 1, 1, tzinfo=UTC)
STORY = daily_pipeline(3)


class _Capture:
    """Stands in for the transaction: keeps the parameters `repository.apply` sends."""

    def __init__(self):
        self.params: dict = {}

    async def single(self, name: str, **params):
        assert name == "openlineage.apply_batch"
        self.params = params
        return None


def _sent(changes: GraphChanges) -> dict:
    capture = _Capture()
    asyncio.run(repository.apply(capture, changes, "ingest-test"))  # type: ignore[arg-type]
    return capture.params


def _batches(events: list[dict], cuts: list[int]) -> list[GraphChanges]:
    bounds = [0, *sorted(set(cut % (len(events) + 1) for cut in cuts)), len(events)]
    out = []
    for start, end in zip(bounds, bounds[1:]):
        if start < end:
            merged = GraphChanges()
            for event in events[start:end]:
                merged.merge(read_event(event, now=NOW))
            out.append(merged)
    return out


def _through_reference(run_cypher, batches: list[GraphChanges]) -> None:
    for changes in batches:
        params = _sent(changes)
        [record] = run_cypher("openlineage.apply_batch_lists", principal=params["principal"],
                              stage_id=params["stage_id"], **params["batch"])
        assert record["refused_digests"] == [] and record["moved_runs"] == []


def _through_service_statement(settings, queries, batches: list[GraphChanges]) -> None:
    async def run() -> None:
        db = Database.connect(settings, queries)
        try:
            for changes in batches:
                await db.write(repository.apply, changes, "ingest-test")
        finally:
            await db.close()

    asyncio.run(run())


@hypothesis_settings(max_examples=8, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, len(STORY)),
       cuts=st.lists(st.integers(0, len(STORY)), max_size=6))
def test_the_map_parameter_statement_writes_the_graph_the_list_parameter_one_did(graph, settings, queries,
                                                                                 seed, count, cuts):
    events = random.Random(seed).sample(STORY, count)  # a subset, in any order
    batches = _batches(events, cuts)
    note(f"{len(events)} events in {len(batches)} batches")

    graph("admin.wipe_registry")
    _through_reference(graph, batches)
    reference = graph_fingerprint(graph)

    graph("admin.wipe_registry")
    _through_service_statement(settings, queries, batches)
    assert graph_fingerprint(graph) == reference


def test_the_reference_differs_from_the_service_statement_only_in_how_rows_travel(queries):
    # What the graph comparison above vouches for: the bodies, once the rows are read from the map,
    # are the same text (so a change to one without the other fails here, loudly).
    service = queries["openlineage.apply_batch"].text
    reference = queries["openlineage.apply_batch_lists"].text
    for name in _sent(_batches(STORY, [])[0])["batch"]:
        reference = reference.replace(f"UNWIND ${name} AS row", f"UNWIND $batch.{name} AS row")

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("//")]

    assert body(service) == body(reference)


def test_warm_up_plans_the_apply_statement_with_the_types_a_real_batch_sends():
    # Neo4j caches a plan under the statement and its parameters' types: the warm-up's parameters
    # (before the statement's first run) must be typed as every real batch's, whatever it holds.
    warm = WARM_UP_PARAMS[statement_of(repository.apply_batch)]()
    for changes in [*_batches(STORY, list(range(0, len(STORY), 5))), GraphChanges()]:
        sent = _sent(changes)
        assert {name: type(value) for name, value in sent.items()} == {name: type(v) for name, v in warm.items()}
        assert set(sent["batch"]) == set(warm["batch"])
        assert all(isinstance(rows, list) for rows in sent["batch"].values())


@pytest.fixture
def every_statement_recorded(client):
    """The service's Database remembers the parameters of every statement run (not only the hot ones)."""
    db = client.app.state.db
    hot, db.hot_statements = db.hot_statements, frozenset(db.queries)
    yield db
    db.hot_statements = hot


# The webhook deliverer's own loop, which runs beside the requests (not part of an event's write).
DELIVERY_LOOP = {"events.claim_deliveries", "events.release_claims", "events.prune_deliveries",
                 "events.record_attempts"}


def test_the_warm_up_after_a_restart_plans_every_statement_an_event_write_runs(graph, client, principal_headers,
                                                                            every_statement_recorded):
    # A stored token (not the bootstrap one), so the write re-reads the token and the owners as well.
    headers = principal_headers("olga", roles=["admin"])
    every_statement_recorded.last_params.clear()
    for event in STORY[:6]:
        assert client.post("/api/v1/lineage", json=event, headers=headers).status_code == 201, event
    ran = set(every_statement_recorded.last_params) - DELIVERY_LOOP
    hot = {statement_of(used) for used in HOT_STATEMENTS}
    assert "openlineage.apply_batch" in ran and "audit.append_events" in ran
    assert sorted(ran - hot) == []
    # And the write path comes first in the warm-up, before the reads.
    order = [statement_of(used) for used in HOT_STATEMENTS]
    assert max(order.index(name) for name in ran) < order.index("lineage.impact")
