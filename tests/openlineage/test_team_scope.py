"""OpenLineage ingestion inside team scope: an event may create assets and change only what its
token's teams own (or nobody owns); reading another team's dataset is fine. A refused event is
403 naming the field, audited as a denied attempt, writes nothing, and does not fail the events
batched with it. And no event from the future: eventTime beyond the clock skew is 422."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.service import authenticate
from app.core.db import Database
from app.core.errors import Forbidden
from app.openlineage.inputs import read_event
from app.openlineage.service import LineageIngest
from tests.catalog.fingerprint import graph_fingerprint
from tests.openlineage.story import DATASET_EVENT, MODEL_FACET, PRODUCER, RUN_EVENT, _facet

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _dataset(namespace="s3://raw", name="cards", version="1", *, owner=None, doc=None) -> dict:
    facets = {"version": _facet(datasetVersion=version)}
    if owner:
        facets["ownership"] = _facet(owners=[{"name": f"team:{owner}", "type": "MAINTAINER"}])
    if doc:
        facets["documentation"] = _facet(description=doc)
    return {"namespace": namespace, "name": name, "facets": facets}


def _run_event(job="risk.scoring", inputs=(), outputs=(), at=AT) -> dict:
    return {"eventType": "COMPLETE", "eventTime": at.isoformat(), "producer": PRODUCER, "schemaURL": RUN_EVENT,
            "run": {"runId": str(uuid.uuid4()), "facets": {}}, "job": {"namespace": "airflow", "name": job, "facets": {}},
            "inputs": list(inputs), "outputs": list(outputs)}


def _dataset_event(doc: str, at=AT) -> dict:
    return {"eventTime": at.isoformat(), "producer": PRODUCER, "schemaURL": DATASET_EVENT,
            "dataset": _dataset(doc=doc)}


def _model_output(version: str) -> dict:
    return {"namespace": "s3://models", "name": f"fraud/{version}", "facets": {"lineagegraph_modelVersion": _facet(
        _schemaURL=MODEL_FACET, modelName="fraud", version=version, framework="xgboost")}}


@pytest.fixture
def payments_data(graph, gql):
    """Team payments owns dataset s3://raw/cards (version 1), job airflow/payments.load and model fraud@1."""
    for team in ("risk", "payments"):
        gql("mutation($n: String!) { registerTeam(input: {name: $n}) { __typename } }", {"n": team})
    for document in (
            'registerDataset(input: {namespace: "s3://raw", name: "cards", owner: "payments", description: "card payments"})',
            'registerDatasetVersion(input: {namespace: "s3://raw", name: "cards", version: "1"})',
            'registerJob(input: {namespace: "airflow", name: "payments.load", owner: "payments"})',
            'registerModel(input: {name: "fraud", owner: "payments"})',
            'registerModelVersion(input: {model: "fraud", version: "1"})'):
        body = gql("mutation { %s { __typename } }" % document)
        assert not body["data"][next(iter(body["data"]))]["__typename"].endswith("Error"), body
    return graph


@pytest.fixture
def teams(payments_data, principal_headers):
    return {"risk": principal_headers("rita", roles=["contributor"], teams=["risk"]),
            "payments": principal_headers("pablo", roles=["contributor"], teams=["payments"])}


def _denied(run_cypher) -> list[dict]:
    return [row["event"] for row in run_cypher("admin.audit_events")
            if row["event"]["outcome"] == "denied" and row["event"]["action"] == "lineageEvent"]


def _node(run_cypher, label: str, **key) -> dict:
    found = [row["props"] for row in run_cypher("admin.all_nodes")
             if label in row["labels"] and all(row["props"].get(k) == v for k, v in key.items())]
    assert len(found) == 1, (label, key, found)
    return found[0]


REFUSED = {
    "ownership move": (_run_event(outputs=[_dataset(owner="risk")]), "outputs[0]"),
    "description": (_dataset_event("now risk's"), "dataset"),
    "new version as output": (_run_event(outputs=[_dataset(version="2")]), "outputs[0]"),
    "new version as input": (_run_event(inputs=[_dataset(version="2")]), "inputs[0]"),
    "output claim": (_run_event(inputs=[_dataset("s3://risk", "scores")], outputs=[_dataset()]), "outputs[0]"),
    "run of its job": (_run_event(job="payments.load"), "job"),
    "model version output": (_run_event(outputs=[_model_output("2")]), "outputs[0]"),
}


def test_an_event_changing_another_teams_asset_is_refused_whole_and_audited(teams, client, graph):
    before = graph_fingerprint(graph)
    for case, (event, field) in REFUSED.items():
        response = client.post("/api/v1/lineage", json=event, headers=teams["risk"])
        assert response.status_code == 403, (case, response.text)
        error = response.json()["errors"][0]
        assert error["extensions"] == {"code": "FORBIDDEN", "field": field}, (case, error)
        assert "rita" in error["message"] and "payments" in error["message"], (case, error)
    assert graph_fingerprint(graph) == before
    denied = _denied(graph)
    assert [(e["actor"], e["target_kind"], e["target_key"]) for e in denied] == [
        ("rita", "Operation", "lineageEvent")] * len(REFUSED)
    assert [json.loads(e["after"])["field"] for e in denied] == [field for _, field in REFUSED.values()]

    # The owning team may send every one of them, but giving its dataset to a team it is not in.
    for case, (event, _) in REFUSED.items():
        response = client.post("/api/v1/lineage", json=event, headers=teams["payments"])
        if case == "ownership move":
            assert response.status_code == 403, response.text
            assert response.json()["errors"][0]["extensions"]["field"] == "outputs[0].facets.ownership"
        else:
            assert response.status_code == 201, (case, response.text)
    assert _node(graph, "Dataset", name="cards")["description"] == "now risk's"  # payments' own word now


def test_reading_another_teams_dataset_is_recorded_and_changes_nothing_on_it(teams, client, graph):
    dataset, version = _node(graph, "Dataset", name="cards"), _node(graph, "DatasetVersion", name="cards")
    # Facets on someone else's input (a description, an ownership claim) are the reader's opinion: left out.
    event = _run_event(inputs=[_dataset(owner="risk", doc="hijacked")],
                       outputs=[_dataset("s3://risk", "scores", owner="risk")])
    response = client.post("/api/v1/lineage", json=event, headers=teams["risk"])
    assert response.status_code == 201, response.text
    assert _node(graph, "Dataset", name="cards") == dataset
    assert _node(graph, "DatasetVersion", name="cards") == version
    run = _node(graph, "Run", run_id=event["run"]["runId"])
    used = [edge for edge in graph("admin.all_edges") if edge["type"] == "USED" and edge["source"] == run["id"]]
    assert [edge["target"] for edge in used] == [version["id"]]
    assert _node(graph, "Dataset", name="scores")["owner"] == "risk"  # its own output, created and given to risk


def _one_batch(settings, queries, teams: dict, submissions: list) -> tuple[LineageIngest, list]:
    """Submit (team, changes) pairs to one LineageIngest queue at once, so that they share one
    batch, each as its team's principal; the ingest (for its counters) and each answer."""
    secrets = {team: headers["Authorization"].removeprefix("Bearer ") for team, headers in teams.items()}

    async def scenario():
        db = Database.connect(settings, queries)
        ingest = LineageIngest(db)
        try:
            principals = {team: await authenticate(db, secret, bootstrap_hash=None) for team, secret in secrets.items()}
            ingest.start()
            return ingest, await asyncio.gather(*(ingest.submit(changes, principals[team])
                                                  for team, changes in submissions), return_exceptions=True)
        finally:
            await ingest.stop()
            await db.close()

    return asyncio.run(scenario())


def test_a_refused_event_does_not_fail_the_innocent_one_sharing_its_batch(teams, settings, queries, graph):
    """Both events go through one LineageIngest queue at once, so they share one transaction."""
    intrusion = read_event(_dataset_event("risk was here"))
    innocent = read_event(_dataset_event("card payments, settled daily", at=AT + timedelta(minutes=1)))
    ingest, (refused, accepted) = _one_batch(settings, queries, teams, [("risk", intrusion), ("payments", innocent)])
    assert (ingest.transactions, ingest.attempts, ingest.events) == (1, 1, 1)  # one batch, one try
    assert isinstance(refused, Forbidden) and refused.details == {"field": "dataset"}, refused
    assert accepted is None
    assert _node(graph, "Dataset", name="cards")["description"] == "card payments, settled daily"
    assert [json.loads(e["after"])["field"] for e in _denied(graph)] == ["dataset"]


def test_an_event_from_the_future_is_refused_and_one_within_the_clock_skew_accepted(teams, client, graph):
    before = graph_fingerprint(graph)
    future = _run_event(outputs=[_dataset("s3://risk", "scores")], at=datetime(2099, 1, 1, tzinfo=UTC))
    response = client.post("/api/v1/lineage", json=future, headers=teams["risk"])
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "eventTime"}
    assert graph_fingerprint(graph) == before

    sent = datetime.now(UTC)
    soon = _run_event(outputs=[_dataset("s3://risk", "scores")], at=sent + timedelta(minutes=2))  # a fast clock
    assert client.post("/api/v1/lineage", json=soon, headers=teams["risk"]).status_code == 201
    run = _node(graph, "Run", run_id=soon["run"]["runId"])
    assert run["ended_at"].to_native() <= datetime.now(UTC)  # recorded as received, not ahead of the clock


def test_an_asset_given_to_a_team_earlier_in_the_same_batch_is_that_teams(teams, settings, queries, graph):
    """As if the events ran one after the other: risk creates s3://risk/limits and gives it to risk;
    payments, in the same batch, may not then write a version of it."""
    claim = read_event(_run_event(job="risk.limits", outputs=[_dataset("s3://risk", "limits", "1", owner="risk")]))
    intrusion = read_event(_run_event(job="payments.limits", outputs=[_dataset("s3://risk", "limits", "2")],
                                      at=AT + timedelta(minutes=1)))
    ingest, (accepted, refused) = _one_batch(settings, queries, teams, [("risk", claim), ("payments", intrusion)])
    assert ingest.transactions == 1  # they shared a batch
    assert accepted is None
    assert isinstance(refused, Forbidden) and refused.details == {"field": "outputs[0]"}, refused
    assert _node(graph, "Dataset", namespace="s3://risk", name="limits")["owner"] == "risk"
    versions = [row["props"]["version"] for row in graph("admin.all_nodes") if "DatasetVersion" in row["labels"]
                and row["props"].get("name") == "limits"]
    assert versions == ["1"]
