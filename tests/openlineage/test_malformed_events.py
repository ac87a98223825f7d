"""Malformed events: each gets a 4xx with a JSON body naming the problem, and nothing is written."""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from tests.catalog.fingerprint import audit_fingerprint, graph_fingerprint
from tests.openlineage.story import daily_pipeline

RUN_START, TRAIN_COMPLETE = daily_pipeline(1)[1], daily_pipeline(1)[-1]
DATASET_EVENT = {"eventTime": "2026-03-01T05:00:00Z", "producer": "https://x", "schemaURL": "https://x",
                 "dataset": {"namespace": "s3://raw", "name": "t"}}
JOB_EVENT = {"eventTime": "2026-03-01T05:00:00Z", "producer": "https://x", "schemaURL": "https://x",
             "job": {"namespace": "airflow", "name": "j"}}


def changed(base: dict, path: str, value=None, *, delete: bool = False) -> dict:
    """A copy of `base` with the value at a dotted path (list indexes as numbers) replaced or removed."""
    event = copy.deepcopy(base)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target = event
    for part in parents:
        target = target[part]
    if delete:
        del target[last]
    else:
        target[last] = value
    return event


MODEL = "outputs.0.facets.lineagegraph_modelVersion"
# (case, body, expected status, expected field or None)
CASES = [
    ("body is not JSON", b"{not json", 400, None),
    ("body is a JSON array", [RUN_START], 422, None),
    ("body is an empty object", {}, 422, None),
    ("eventTime missing", changed(RUN_START, "eventTime", delete=True), 422, "eventTime"),
    ("eventTime not a date", changed(RUN_START, "eventTime", "yesterday"), 422, "eventTime"),
    ("eventTime without a time zone", changed(RUN_START, "eventTime", "2026-03-01T05:00:00"), 422, "eventTime"),
    ("eventTime a number", changed(RUN_START, "eventTime", 1700000000), 422, "eventTime"),
    ("producer missing", changed(RUN_START, "producer", delete=True), 422, "producer"),
    ("schemaURL missing", changed(RUN_START, "schemaURL", delete=True), 422, "schemaURL"),
    ("eventType unknown", changed(RUN_START, "eventType", "DONE"), 422, "eventType"),
    ("runId missing", changed(RUN_START, "run.runId", delete=True), 422, "run.runId"),
    ("runId not a UUID", changed(RUN_START, "run.runId", "run-42"), 422, "run.runId"),
    ("run facets not an object", changed(RUN_START, "run.facets", []), 422, "run.facets"),
    ("job missing", changed(RUN_START, "job", delete=True), 422, "job"),
    ("job namespace missing", changed(RUN_START, "job.namespace", delete=True), 422, "job.namespace"),
    ("job name empty", changed(RUN_START, "job.name", ""), 422, "job.name"),
    ("job name with a control character", changed(RUN_START, "job.name", "etl\x07"), 422, "job.name"),
    ("job namespace with spaces", changed(RUN_START, "job.namespace", "my airflow"), 422, "job.namespace"),
    ("inputs not a list", changed(RUN_START, "inputs", {"namespace": "a"}), 422, "inputs"),
    ("input without a name", changed(RUN_START, "outputs.0.name", delete=True), 422, "outputs[0].name"),
    ("input namespace invalid", changed(RUN_START, "outputs.0.namespace", "s3 raw"), 422, "outputs[0].namespace"),
    ("dataset name too long", changed(RUN_START, "outputs.0.name", "x" * 501), 422, "outputs[0].name"),
    ("too many inputs", changed(RUN_START, "inputs", [{"namespace": "a", "name": str(i)} for i in range(501)]), 422, "inputs"),
    ("version facet without datasetVersion", changed(RUN_START, "outputs.0.facets.version.datasetVersion", delete=True),
     422, "outputs[0].facets.version.datasetVersion"),
    ("datasetVersion with a space", changed(RUN_START, "outputs.0.facets.version.datasetVersion", "v 1"),
     422, "outputs[0].facets.version.datasetVersion"),
    ("facet without _producer", changed(RUN_START, "outputs.0.facets.version._producer", delete=True),
     422, "outputs[0].facets.version._producer"),
    ("facet without _schemaURL", changed(RUN_START, "outputs.0.facets.schema._schemaURL", delete=True),
     422, "outputs[0].facets.schema._schemaURL"),
    ("schema fields not a list", changed(RUN_START, "outputs.0.facets.schema.fields", "id:string"),
     422, "outputs[0].facets.schema.fields"),
    ("schema field without a name", changed(RUN_START, "outputs.0.facets.schema.fields.0.name", delete=True),
     422, "outputs[0].facets.schema.fields[0].name"),
    ("ownership owner without a name", changed(RUN_START, "outputs.0.facets.ownership.owners.0.name", delete=True),
     422, "outputs[0].facets.ownership.owners[0].name"),
    ("owning team name invalid", changed(RUN_START, "outputs.0.facets.ownership.owners.0.name", "team:Bad Name!"),
     422, "outputs[0].facets.ownership.owners"),
    ("documentation not text", changed(RUN_START, "job.facets.documentation.description", 42),
     422, "job.facets.documentation.description"),
    ("parent facet without run", changed(RUN_START, "run.facets.parent.run", delete=True), 422, "run.facets.parent.run"),
    ("parent runId not a UUID", changed(RUN_START, "run.facets.parent.run.runId", "dag-1"), 422, "run.facets.parent.run.runId"),
    ("run is its own parent", changed(RUN_START, "run.facets.parent.run.runId", RUN_START["run"]["runId"]),
     422, "run.facets.parent.run.runId"),
    ("sourceCodeLocation without url", changed(RUN_START, "run.facets.sourceCodeLocation",
                                               {"_producer": "p", "_schemaURL": "s", "type": "git"}),
     422, "run.facets.sourceCodeLocation.url"),
    ("tags facet tag without value", changed(RUN_START, "job.facets.tags",
                                             {"_producer": "p", "_schemaURL": "s", "tags": [{"key": "pii"}]}),
     422, "job.facets.tags.tags[0].value"),
    ("tag with a space", changed(RUN_START, "job.facets.tags",
                                 {"_producer": "p", "_schemaURL": "s", "tags": [{"key": "has space", "value": ""}]}),
     422, "job.facets.tags"),
    ("model facet without modelName", changed(TRAIN_COMPLETE, f"{MODEL}.modelName", delete=True), 422,
     "outputs[0].facets.lineagegraph_modelVersion.modelName"),
    ("model name invalid", changed(TRAIN_COMPLETE, f"{MODEL}.modelName", "fraud detector"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.modelName"),
    ("model version invalid", changed(TRAIN_COMPLETE, f"{MODEL}.version", "1/2"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.version"),
    ("artifact digest not sha256", changed(TRAIN_COMPLETE, f"{MODEL}.artifactDigest", "md5:abc"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.artifactDigest"),
    ("artifactUri not a URI", changed(TRAIN_COMPLETE, f"{MODEL}.artifactUri", "models/fraud"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.artifactUri"),
    ("metric value is text", changed(TRAIN_COMPLETE, f"{MODEL}.metrics.0.value", "0.9"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.metrics[0].value"),
    ("metric without a dataset", changed(TRAIN_COMPLETE, f"{MODEL}.metrics.0.dataset", delete=True), 422,
     "outputs[0].facets.lineagegraph_modelVersion.metrics[0].dataset"),
    ("metric name invalid", changed(TRAIN_COMPLETE, f"{MODEL}.metrics.0.name", "a b"), 422,
     "outputs[0].facets.lineagegraph_modelVersion.metrics[0].name"),
    ("metric value NaN", json.dumps(TRAIN_COMPLETE).replace('"value": 0.8', '"value": NaN').encode(), 422,
     "outputs[0].facets.lineagegraph_modelVersion.metrics[0].value"),
    ("parameter value not text", changed(TRAIN_COMPLETE, "run.facets.lineagegraph_parameters.parameters.max_depth", 4),
     422, "run.facets.lineagegraph_parameters.parameters.max_depth"),
    ("DatasetEvent dataset without namespace", changed(DATASET_EVENT, "dataset.namespace", delete=True), 422, "dataset.namespace"),
    ("JobEvent job without name", changed(JOB_EVENT, "job.name", delete=True), 422, "job.name"),
]


@pytest.fixture
def registry_with_history(graph, client):
    for event in daily_pipeline(2):
        assert client.post("/api/v1/lineage", json=event).status_code == 201
    return graph


def test_fifty_malformed_events_each_get_a_4xx_naming_the_field_and_write_nothing(registry_with_history, client):
    assert len(CASES) >= 50
    before = graph_fingerprint(registry_with_history)
    audit_before = audit_fingerprint(registry_with_history)  # a refused event is not audited either
    for case, body, status, field in CASES:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = client.post("/api/v1/lineage", content=content, headers={"content-type": "application/json"})
        assert response.status_code == status, (case, response.status_code, response.text)
        error = response.json()["errors"][0]
        assert error["message"], case
        assert error["extensions"]["code"] == ("BAD_REQUEST" if status == 400 else "BAD_USER_INPUT"), case
        if field is not None:
            assert error["extensions"].get("field") == field, (case, error)
    assert graph_fingerprint(registry_with_history) == before
    assert audit_fingerprint(registry_with_history) == audit_before


def test_transport_level_mistakes_get_their_own_4xx(registry_with_history, client):
    before = graph_fingerprint(registry_with_history)
    body = json.dumps(RUN_START).encode()
    wrong_type = client.post("/api/v1/lineage", content=body, headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    bad_gzip = client.post("/api/v1/lineage", content=body,
                           headers={"content-type": "application/json", "content-encoding": "gzip"})
    assert bad_gzip.status_code == 400
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")
    too_big = client.post("/api/v1/lineage", content=bomb,
                          headers={"content-type": "application/json", "content-encoding": "gzip"})
    assert too_big.status_code == 413
    assert client.get("/api/v1/lineage").status_code == 405
    assert graph_fingerprint(registry_with_history) == before


@pytest.mark.parametrize("event_time", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
                                        "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"])
def test_an_impossible_event_time_is_a_422_naming_it(client, graph, event_time):
    before = graph_fingerprint(graph)
    response = client.post("/api/v1/lineage", json={**RUN_START, "eventTime": event_time})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["extensions"]["field"] == "eventTime"
    assert graph_fingerprint(graph) == before


@pytest.mark.parametrize("body", [b"[" * 1000, b"[" * 1000 + b"]" * 1000,
                                  b'{"eventType": ' + b"[" * 200 + b"]" * 200 + b"}"])
def test_a_body_that_is_not_json_or_nested_too_deep_is_a_400(client, body):
    response = client.post("/api/v1/lineage", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
