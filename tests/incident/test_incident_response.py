"""Incident response on the demo registry: quarantine the corrupted raw snapshot and exactly its
downstream, roll production back to the last good version, release; all idempotent. Every test
here changes the registry, so each one gets a freshly loaded demo."""

from __future__ import annotations

import pytest

from tests.catalog.fingerprint import graph_fingerprint
from tests.conftest import load_demo
from tests.incident import support


@pytest.fixture
def demo_registry(client, settings, queries, graph):
    load_demo(settings, queries)
    return graph

def test_quarantining_the_corrupted_snapshot_flags_exactly_its_downstream_and_rollback_restores_version_1(
        demo_registry, gql):
    impact = support.impact(gql, {"datasetVersion": support.CORRUPTED})
    result = support.quarantine(gql, datasetVersion=support.CORRUPTED)
    assert result["__typename"] == "Quarantine", result
    assert result["created"] is True
    incident = result["incident"]
    assert incident["status"] == "OPEN" and incident["reason"] == support.REASON
    assert incident["startKind"] == "DatasetVersion" and incident["startKey"] == "s3://raw/transactions@2026-03-08"
    (start,) = incident["starts"]

    # AFFECTS: exactly the lineage assets the impact query finds downstream.
    assert support.affected(incident) == {k: impact[k] for k in ("DatasetVersion", "Feature", "Run", "ModelVersion")}
    assert {c["kind"]: c["count"] for c in incident["counts"]} == {k: len(v) for k, v in support.affected(incident).items()}
    # The flag: the start and every downstream dataset and model version, nothing else in the registry.
    assert support.flagged(gql) == {start["id"]} | impact["DatasetVersion"] | impact["ModelVersion"]
    assert result["flaggedCount"] == 1 + len(impact["DatasetVersion"]) + len(impact["ModelVersion"])
    # Every deployment serving an affected version is to be rolled back, production first.
    rollbacks = incident["rollbacks"]
    assert [(r["deployment"]["environment"], r["deployment"]["name"]) for r in rollbacks] == [
        ("PRODUCTION", "credit-scoring-api"), ("STAGING", "credit-scoring-staging")]
    assert all(r["servesAffectedVersion"] and not r["rolledBack"] for r in rollbacks)

    # Version 1 was trained on the 03-01 snapshots, so it is not downstream, and it reached support.PRODUCTION.
    rolled = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert rolled["__typename"] == "DeploymentRolledBack", rolled
    assert rolled["changed"] is True
    assert rolled["rolledBackFrom"] == {"modelName": "credit-scoring", "version": "2"}
    assert rolled["deployment"]["modelVersion"] == {"modelName": "credit-scoring", "version": "1"}
    assert rolled["deployment"]["status"] == "ACTIVE"
    assert [i["id"] for i in rolled["incidents"]] == [incident["id"]]
    assert support.serving(gql) == "credit-scoring@1"

    after = gql("query($id: ID!) { incident(id: $id) { %s } }" % support.INCIDENT_FIELDS, {"id": incident["id"]})["data"]["incident"]
    production = after["rollbacks"][0]
    assert production["rolledBack"] is True and production["servesAffectedVersion"] is False
    assert production["rolledBackFrom"]["version"] == "2" and production["rolledBackTo"]["version"] == "1"
    assert after["rollbacks"][1]["rolledBack"] is False

    # Quarantining again, and rolling back again, change nothing.
    before = graph_fingerprint(demo_registry)
    again = support.quarantine(gql, datasetVersion=support.CORRUPTED)
    assert again["created"] is False and again["flaggedCount"] == 0
    assert again["incident"]["id"] == incident["id"]
    again = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert again["changed"] is False and again["rolledBackFrom"] is None
    assert graph_fingerprint(demo_registry) == before


def test_release_clears_the_flags_and_is_idempotent(demo_registry, gql):
    incident = support.quarantine(gql, datasetVersion=support.CORRUPTED)["incident"]
    assert support.flagged(gql)
    released = gql(support.RELEASE, {"input": {"incident": incident["id"], "note": "false alarm"}})["data"]["releaseQuarantine"]
    assert released["__typename"] == "QuarantineRelease", released
    assert released["changed"] is True and released["clearedCount"] == 3
    assert released["incident"]["status"] == "RELEASED" and released["incident"]["releaseNote"] == "false alarm"
    assert support.flagged(gql) == set()

    before = graph_fingerprint(demo_registry)
    again = gql(support.RELEASE, {"input": {"incident": incident["id"], "note": "again"}})["data"]["releaseQuarantine"]
    assert again["changed"] is False and again["clearedCount"] == 0
    assert graph_fingerprint(demo_registry) == before

    # Once released, the same start opens a new incident.
    reopened = support.quarantine(gql, datasetVersion=support.CORRUPTED)
    assert reopened["created"] is True and reopened["incident"]["id"] != incident["id"]


def test_release_keeps_what_another_open_incident_covers(demo_registry, gql):
    by_snapshot = support.quarantine(gql, datasetVersion=support.CORRUPTED)["incident"]
    by_model = support.quarantine(gql, modelVersion={"model": "credit-scoring", "version": "2"})["incident"]
    version_2 = by_model["starts"][0]["id"]
    released = gql(support.RELEASE, {"input": {"incident": by_snapshot["id"], "note": "model incident stays"}})
    assert released["data"]["releaseQuarantine"]["clearedCount"] == 2  # the two snapshots
    assert support.flagged(gql) == {version_2}


def test_a_window_quarantines_the_dataset_versions_created_in_it(demo_registry, gql):
    window = {"from": "2026-03-08T00:00:00Z", "to": "2026-03-09T00:00:00Z"}
    result = support.quarantine(gql, dataset={"namespace": "s3://raw", "name": "transactions"}, window=window)
    assert result["__typename"] == "Quarantine", result
    incident = result["incident"]
    assert incident["startKind"] == "Dataset"
    assert incident["startKey"].startswith("s3://raw/transactions [2026-03-08T00:00:00+00:00")
    impact = support.impact(gql, {"datasetVersion": support.CORRUPTED})
    assert len(incident["starts"]) == 1
    assert support.affected(incident) == {k: impact[k] for k in ("DatasetVersion", "Feature", "Run", "ModelVersion")}
    assert support.quarantine(gql, dataset={"namespace": "s3://raw", "name": "transactions"}, window=window)["created"] is False

    # A wider window takes in version 1's snapshot too (and version 3's): then production has no good
    # version left, and the refusal says why for the one it served before.
    wide = support.quarantine(gql, dataset={"namespace": "s3://raw", "name": "transactions"},
                       window={"from": "2026-03-01T00:00:00Z", "to": "2026-03-16T00:00:00Z"})
    assert wide["created"] is True and len(wide["incident"]["starts"]) == 3
    versions = {i["node"]["id"] for i in wide["incident"]["affected"]["items"] if i["kind"] == "ModelVersion"}
    assert len(versions) == 3
    refused = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert refused["__typename"] == "DeploymentRefused", refused
    assert [c["modelVersion"]["version"] for c in refused["candidates"]] == ["1"]
    assert "QUARANTINED" in {u["kind"] for u in refused["candidates"][0]["unmet"]}

    empty = support.quarantine(gql, dataset={"namespace": "s3://raw", "name": "transactions"},
                        window={"from": "2025-01-01T00:00:00Z", "to": "2025-02-01T00:00:00Z"})
    assert empty["__typename"] == "InvalidInputError" and empty["field"] == "window"


def test_quarantining_a_model_version_covers_its_fine_tunes_and_deployments(demo_registry, gql):
    result = support.quarantine(gql, modelVersion={"model": "base-llm", "version": "7b-v1"})
    assert result["__typename"] == "Quarantine", result
    incident = result["incident"]
    impact = support.impact(gql, {"modelVersion": {"model": "base-llm", "version": "7b-v1"}})
    assert support.affected(incident) == {k: v for k, v in impact.items() if k in ("Run", "ModelVersion")}
    assert [r["deployment"]["name"] for r in incident["rollbacks"]] == ["support-assistant"]
    # support-assistant never served anything else: there is no good version to go back to.
    refused = gql(support.ROLLBACK, {"input": {"environment": "PRODUCTION", "name": "support-assistant",
                                       "reason": "base model withdrawn"}})["data"]["rollbackDeployment"]
    assert refused["__typename"] == "ConflictError", refused
    assert "support-assistant" in refused["message"] and "nothing was changed" in refused["message"]


def test_rollback_without_a_good_previous_version_is_refused_and_changes_nothing(demo_registry, gql):
    support.quarantine(gql, datasetVersion=support.CORRUPTED)
    before = graph_fingerprint(demo_registry)
    refused = gql(support.ROLLBACK, {"input": {"environment": "STAGING", "name": "credit-scoring-staging",
                                       "reason": "corrupted transactions"}})["data"]["rollbackDeployment"]
    assert refused["__typename"] == "ConflictError", refused
    assert "credit-scoring@2" in refused["message"]
    assert graph_fingerprint(demo_registry) == before
    assert support.serving(gql, "STAGING", "credit-scoring-staging") == "credit-scoring@2"


def test_incidents_are_listed_by_status(demo_registry, gql):
    first = support.quarantine(gql, datasetVersion=support.CORRUPTED)["incident"]
    second = support.quarantine(gql, modelVersion={"model": "base-llm", "version": "7b-v1"})["incident"]
    gql(support.RELEASE, {"input": {"incident": second["id"], "note": "resolved"}})
    listing = """query($status: IncidentStatus, $after: String) { incidents(status: $status, first: 1, after: $after) {
        nodes { id status counts { kind count } } pageInfo { hasNextPage endCursor } } }"""
    page = gql(listing, {})["data"]["incidents"]
    assert [n["id"] for n in page["nodes"]] == [first["id"]] and page["pageInfo"]["hasNextPage"] is True
    page = gql(listing, {"after": page["pageInfo"]["endCursor"]})["data"]["incidents"]
    assert [n["id"] for n in page["nodes"]] == [second["id"]]
    assert [n["id"] for n in gql(listing, {"status": "OPEN"})["data"]["incidents"]["nodes"]] == [first["id"]]
    assert [n["id"] for n in gql(listing, {"status": "RELEASED"})["data"]["incidents"]["nodes"]] == [second["id"]]
    paged = gql("""query($id: ID!) { incident(id: $id) { affected(first: 2, kinds: [RUN, FEATURE]) {
        totalCount hasNextPage items { kind } } } }""", {"id": first["id"]})["data"]["incident"]["affected"]
    assert paged["totalCount"] == 4 and paged["hasNextPage"] is True
    assert [i["kind"] for i in paged["items"]] == ["Run", "Run"]
    assert gql('{ incident(id: "nope") { id } }')["data"]["incident"] is None


def test_listing_incidents_with_what_they_affect_costs_the_same_round_trips_for_one_or_many(demo_registry, gql, client):
    listing = """{ incidents(first: 50) { nodes { id affected(first: 3) { totalCount items { kind } } } } }"""

    def statements_for_listing() -> tuple[int, list]:
        before = client.app.state.db.statements_run
        nodes = gql(listing)["data"]["incidents"]["nodes"]
        return client.app.state.db.statements_run - before, nodes

    support.quarantine(gql, datasetVersion=support.CORRUPTED)
    one, nodes = statements_for_listing()
    assert len(nodes) == 1 and nodes[0]["affected"]["totalCount"] > 0
    support.quarantine(gql, modelVersion={"model": "base-llm", "version": "7b-v1"})
    two, nodes = statements_for_listing()
    assert len(nodes) == 2 and all(n["affected"]["totalCount"] > 0 for n in nodes)
    assert two == one  # `affected` is batched across incidents (a DataLoader), not a query per incident
