"""Idempotent and order-independent ingestion: the same events in any order, any number of times,
from concurrent senders, give the identical graph."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx

from tests.catalog.fingerprint import graph_fingerprint
from tests.conftest import ADMIN_HEADERS
from tests.openlineage.story import T0, daily_pipeline, dataset_event

FACTS = """{
  dataset(namespace: "s3://raw", name: "transactions") { ownerName owner { name } description schema { name type } }
  modelVersion(model: "fraud-detector", version: "15") { artifactDigest aliases framework
    metrics { metric value } producedBy { state parameters { name value } } }
  run(runId: "%s") { state startedAt endedAt }
}"""


def _story() -> list[dict]:
    events = daily_pipeline(15) + [dataset_event(T0 + timedelta(hours=hour), f"curated description {hour}")
                                   for hour in range(5)]
    assert len(events) == 200
    return events


def _send_in_order(client, events) -> None:
    for event in events:
        response = client.post("/api/v1/lineage", json=event)
        assert response.status_code == 201, response.text


def _send_concurrently(base_url: str, events: list[dict], senders: int = 8) -> None:
    with httpx.Client(base_url=base_url, timeout=30, headers=ADMIN_HEADERS) as http, ThreadPoolExecutor(senders) as pool:
        statuses = list(pool.map(lambda event: http.post("/api/v1/lineage", json=event).status_code, events))
    assert set(statuses) == {201}


def test_a_shuffled_replay_with_duplicates_gives_the_same_graph_as_the_ordered_one(graph, client, gql, live_service):
    from tests.openlineage.story import _run_id

    events = _story()
    _send_in_order(client, events)
    ordered = graph_fingerprint(graph)
    features_run = _run_id("fraud_daily.features", 0)  # failed, then completed, on day 0
    facts = gql(FACTS % features_run)
    assert "errors" not in facts, facts

    graph("admin.wipe_registry")
    rng = random.Random(20261127)
    replay = events + rng.sample(events, 100)
    rng.shuffle(replay)
    _send_concurrently(live_service, replay)

    assert graph_fingerprint(graph) == ordered
    assert gql(FACTS % features_run) == facts
    # The rules the graph agrees on, whatever the order (README "OpenLineage ingestion"):
    data = facts["data"]
    assert data["dataset"]["ownerName"] == "risk-data"  # the latest ownership facet
    assert data["dataset"]["owner"] == {"name": "risk-data"}
    assert data["dataset"]["description"] == "raw card transactions (as of day 14)"
    assert data["modelVersion"]["aliases"] == ["champion"]
    assert data["modelVersion"]["artifactDigest"] == "sha256:" + f"{14:064x}"
    assert data["modelVersion"]["producedBy"]["state"] == "COMPLETE"
    assert data["modelVersion"]["producedBy"]["parameters"] == [{"name": "max_depth", "value": "6"}]
    assert data["run"]["state"] == "COMPLETE"  # a terminal state, the latest one
    assert data["run"]["startedAt"].startswith("2026-03-01T05:20:00")  # the earliest event
    assert data["run"]["endedAt"].startswith("2026-03-01T05:28:00")  # the latest terminal event


def test_sending_everything_again_changes_nothing(graph, client):
    events = _story()
    _send_in_order(client, events)
    before = graph_fingerprint(graph)
    _send_in_order(client, list(reversed(events)))
    assert graph_fingerprint(graph) == before


def test_a_run_cannot_move_to_another_job_and_the_refusal_writes_nothing(graph, client):
    event = daily_pipeline(1)[1]
    assert client.post("/api/v1/lineage", json=event).status_code == 201
    before = graph_fingerprint(graph)
    moved = {**event, "job": {"namespace": "airflow", "name": "another.job"}}
    response = client.post("/api/v1/lineage", json=moved)
    assert response.status_code == 409, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert graph_fingerprint(graph) == before


def test_one_refused_event_does_not_fail_the_others_sharing_its_transaction(graph, live_service):
    events = daily_pipeline(2)
    digest_change = {**events[-1], "outputs": [{**events[-1]["outputs"][0]}]}
    facets = dict(digest_change["outputs"][0]["facets"])
    facets["lineagegraph_modelVersion"] = {**facets["lineagegraph_modelVersion"], "artifactDigest": "sha256:" + "f" * 64}
    digest_change["outputs"][0]["facets"] = facets
    _send_concurrently(live_service, events)
    before = graph_fingerprint(graph)

    with httpx.Client(base_url=live_service, timeout=30, headers=ADMIN_HEADERS) as http, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda event: http.post("/api/v1/lineage", json=event).status_code,
                                 [*events, digest_change, *events]))
    assert statuses.count(409) == 1 and statuses.count(201) == 2 * len(events)
    assert graph_fingerprint(graph) == before


def test_an_event_naming_a_registered_model_version_keeps_the_fields_it_does_not_state(graph, client, gql):
    assert gql("""mutation { registerModel(input: {name: "fraud-detector"}) { __typename } }""")["data"]
    registered = gql("""mutation { registerModelVersion(input: {model: "fraud-detector", version: "1",
        framework: "xgboost", license: "Apache-2.0", artifactUri: "s3://models/fraud/1", description: "first"}) {
        __typename } }""")
    assert registered["data"]["registerModelVersion"]["__typename"] == "ModelVersionRegistration"
    event = daily_pipeline(1)[-1]
    model = event["outputs"][0]["facets"]["lineagegraph_modelVersion"]
    event["outputs"][0]["facets"]["lineagegraph_modelVersion"] = {
        key: model[key] for key in ("_producer", "_schemaURL", "modelName", "version")} | {"framework": "lightgbm"}
    assert client.post("/api/v1/lineage", json=event).status_code == 201

    version = gql("""{ modelVersion(model: "fraud-detector", version: "1") {
        framework license artifactUri description producedBy { runId } } }""")["data"]["modelVersion"]
    assert version == {"framework": "lightgbm", "license": "Apache-2.0", "artifactUri": "s3://models/fraud/1",
                       "description": "first", "producedBy": {"runId": event["run"]["runId"]}}
