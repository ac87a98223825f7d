"""Refused incident-response calls on the demo registry: each changes nothing, so they share one load."""

from __future__ import annotations

import pytest

from tests.catalog.fingerprint import graph_fingerprint
from tests.conftest import load_demo
from tests.incident import support


@pytest.fixture(scope="module")
def loaded(client, settings, queries, neo4j_driver):
    neo4j_driver.execute_query(queries["admin.wipe_registry"].text, database_=settings.neo4j_database)
    load_demo(settings, queries)


@pytest.fixture
def demo_registry(loaded, run_cypher):
    return run_cypher


def test_a_budget_too_small_quarantines_nothing(demo_registry, gql):
    before = graph_fingerprint(demo_registry)
    refused = support.quarantine(gql, datasetVersion=support.CORRUPTED, nodeBudget=3)
    assert refused["__typename"] == "InvalidInputError" and refused["field"] == "nodeBudget"
    assert graph_fingerprint(demo_registry) == before


def test_bad_inputs_are_refused(demo_registry, gql):
    assert support.quarantine(gql)["__typename"] == "InvalidInputError"
    assert support.quarantine(gql, datasetVersion=support.CORRUPTED, reason=" ")["__typename"] == "InvalidInputError"
    missing = support.quarantine(gql, datasetVersion={**support.CORRUPTED, "version": "1999-01-01"})
    assert missing["__typename"] == "NotFoundError"
    no_window = support.quarantine(gql, dataset={"namespace": "s3://raw", "name": "transactions"})
    assert no_window["__typename"] == "InvalidInputError" and no_window["field"] == "window"
    unknown = gql(support.RELEASE, {"input": {"incident": "nope", "note": "x"}})["data"]["releaseQuarantine"]
    assert unknown["__typename"] == "NotFoundError"


def test_a_viewer_may_read_incidents_but_not_quarantine(demo_registry, gql, principal_headers):
    viewer = principal_headers("vera", roles=["viewer"])
    before = graph_fingerprint(demo_registry)
    for document, input in ((support.QUARANTINE, {"reason": support.REASON, "datasetVersion": support.CORRUPTED}),
                            (support.RELEASE, {"incident": "any", "note": "x"}),
                            (support.ROLLBACK, support.PRODUCTION)):
        answer = gql(document, {"input": input}, headers=viewer)["data"]
        (result,) = answer.values()
        assert result["__typename"] == "ForbiddenError", result
    assert graph_fingerprint(demo_registry) == before
    assert gql("{ incidents { nodes { id } } }", headers=viewer)["data"]["incidents"]["nodes"] == []

    steward = principal_headers("stella", roles=["data_steward"])
    assert support.quarantine(gql, headers=steward, datasetVersion=support.CORRUPTED)["__typename"] == "Quarantine"
