"""The real openlineage-python client, its default HTTP transport, against the running service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    dataset_version_dataset,
    ownership_dataset,
    parent_run,
    schema_dataset,
    source_code_location_job,
)
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport

from app.core.vocabulary import MODEL_VERSION_FACET
from tests.conftest import ADMIN_TOKEN

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
PRODUCER = "https://github.com/lineagegraph/tests"
# The client's standard api_key auth: `Authorization: Bearer <key>`.
ADMIN_KEY = ApiKeyTokenProvider({"apiKey": ADMIN_TOKEN})
FACET_SCHEMA = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json#/$defs/ModelVersionDatasetFacet"

IMPACT = """query($of: ImpactStartInput!) {
  impact(of: $of, first: 100) {
    complete totalCount
    items { kind depth path { nodes { kind name } }
      node { __typename ... on ModelVersion { modelName version } ... on Run { runId jobName } } }
  } }"""

RUN = """query($runId: String!) { run(runId: $runId) { state startedAt endedAt codeRepository codeCommit
  job { namespace name } } }"""


def _version(value: str) -> dict:
    return {"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=value)}


def _model_output(model: str, version: str, metric_on: tuple[str, str, str]) -> OutputDataset:
    facet = {
        "_producer": PRODUCER, "_schemaURL": FACET_SCHEMA,
        "modelName": model, "version": version, "framework": "xgboost",
        "artifactDigest": "sha256:" + "ab" * 32,
        "metrics": [{"name": "auc", "value": 0.91,
                     "dataset": {"namespace": metric_on[0], "name": metric_on[1], "version": metric_on[2]}}],
    }
    return OutputDataset(namespace="s3://models", name=f"{model}/{version}", facets={MODEL_VERSION_FACET: facet})


def _emit_run(client: OpenLineageClient, job: str, inputs: list, outputs: list, start: datetime,
              parent: tuple[str, str] | None = None) -> str:
    run_id = str(uuid.uuid4())
    run_facets = {}
    if parent:
        run_facets["parent"] = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=parent[0]), job=parent_run.Job(namespace="airflow", name=parent[1]))
    job_facets = {"sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
        type="git", url="https://git.example.com/data/pipelines")}
    for state, at in ((RunState.START, start), (RunState.COMPLETE, start + timedelta(minutes=20))):
        client.emit(RunEvent(eventType=state, eventTime=at.isoformat(), producer=PRODUCER,
                             run=Run(runId=run_id, facets=run_facets),
                             job=Job(namespace="airflow", name=job, facets=job_facets),
                             inputs=inputs, outputs=outputs))
    return run_id


@pytest.fixture
def lineage_client(live_service) -> OpenLineageClient:
    return OpenLineageClient(transport=HttpTransport(HttpConfig(url=live_service, auth=ADMIN_KEY)))


def test_a_three_stage_pipeline_and_a_training_job_make_the_model_reachable_from_the_first_input(
        graph, gql, lineage_client):
    raw = InputDataset(namespace="s3://raw", name="transactions", facets={
        **_version("2026-03-01"),
        "ownership": ownership_dataset.OwnershipDatasetFacet(owners=[ownership_dataset.Owner(name="team:payments")]),
        "schema": schema_dataset.SchemaDatasetFacet(fields=[schema_dataset.SchemaDatasetFacetFields(name="amount", type="decimal")]),
    })
    staged = ("s3://staging", "transactions", "2026-03-01")
    clean = ("s3://clean", "transactions", "2026-03-01")
    features = ("s3://features", "fraud_features", "2026-03-01")

    def out(ref):
        return OutputDataset(namespace=ref[0], name=ref[1], facets=_version(ref[2]))

    def inp(ref):
        return InputDataset(namespace=ref[0], name=ref[1], facets=_version(ref[2]))

    dag_run = str(uuid.uuid4())
    _emit_run(lineage_client, "fraud_daily.ingest", [raw], [out(staged)], T0, parent=(dag_run, "fraud_daily"))
    _emit_run(lineage_client, "fraud_daily.clean", [inp(staged)], [out(clean)], T0 + timedelta(hours=1),
              parent=(dag_run, "fraud_daily"))
    _emit_run(lineage_client, "fraud_daily.features", [inp(clean)], [out(features)], T0 + timedelta(hours=2),
              parent=(dag_run, "fraud_daily"))
    train_run = _emit_run(lineage_client, "fraud.train", [inp(features)],
                          [_model_output("fraud-detector", "3", features)], T0 + timedelta(hours=3))

    answer = gql(IMPACT, {"of": {"datasetVersion": {"namespace": "s3://raw", "name": "transactions",
                                                    "version": "2026-03-01"}}})
    assert "errors" not in answer, answer
    impact = answer["data"]["impact"]
    assert impact["complete"] is True
    models = [item for item in impact["items"] if item["kind"] == "ModelVersion"]
    assert [(m["node"]["modelName"], m["node"]["version"]) for m in models] == [("fraud-detector", "3")]
    # raw -> ingest run -> staged -> clean run -> clean -> features run -> features -> train run -> model
    assert models[0]["depth"] == 8
    assert [n["kind"] for n in models[0]["path"]["nodes"]][-2:] == ["Run", "ModelVersion"]

    run = gql(RUN, {"runId": train_run})["data"]["run"]
    assert run["state"] == "COMPLETE"
    assert run["startedAt"].startswith("2026-03-01T09:00:00")
    assert run["endedAt"].startswith("2026-03-01T09:20:00")
    assert run["job"] == {"namespace": "airflow", "name": "fraud.train"}


def test_gzip_compressed_events_from_the_client_are_accepted(graph, live_service):
    client = OpenLineageClient(transport=HttpTransport(HttpConfig(url=live_service, auth=ADMIN_KEY,
                                                                           compression=HttpCompression.GZIP)))
    run_id = _emit_run(client, "compressed.job", [], [OutputDataset(namespace="s3://out", name="x", facets=_version("1"))], T0)
    nodes = graph("admin.all_nodes")
    assert run_id in {row["props"].get("run_id") for row in nodes}
