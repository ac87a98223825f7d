"""MLflow entities → OpenLineage events, without a registry: read from a real MLflow store, checked
field by field and against the registry's own reading of events (`app.openlineage.inputs`)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from openlineage.client.serde import Serde

from app.cli import mlflow as importer
from app.openlineage.inputs import read_event
from tests.importers.mlflow_store import COMMIT_A, COMMIT_B, EXPERIMENT, MODEL, REPO_URL


@pytest.fixture(scope="module")
def planned(mlflow_store):
    report = importer.ImportReport()
    client = importer.open_client(mlflow_store.tracking_uri)
    snapshot = importer.read_store(client, report=report)
    return importer.plan_events(snapshot, report), report, client


def _documents(planned_events) -> list[dict]:
    return [json.loads(Serde.to_json(item.event)) for item in planned_events]


def _by_run(documents: list[dict], mlflow_run_id: str) -> list[dict]:
    run_id = str(uuid.UUID(hex=mlflow_run_id))
    return [doc for doc in documents if doc["run"]["runId"] == run_id]


def test_each_run_is_a_start_and_a_terminal_event_at_the_stores_times(planned, mlflow_store):
    events, report, client = planned
    documents = _documents(events)
    assert len(documents) == 6
    for label, terminal in (("baseline", "COMPLETE"), ("tuned", "COMPLETE"), ("broken", "FAIL")):
        info = client.get_run(mlflow_store.runs[label]).info
        start, end = _by_run(documents, mlflow_store.runs[label])
        assert (start["eventType"], end["eventType"]) == ("START", terminal)
        assert start["eventTime"] == importer.event_time(info.start_time)
        assert end["eventTime"] == importer.event_time(info.end_time)
        assert start["job"]["namespace"] == end["job"]["namespace"] == "mlflow"
        assert start["job"]["name"] == EXPERIMENT
        assert start["producer"] == importer.PRODUCER
    assert dict(report.counts) == {"experiments": 1, "runs": 3, "dataset inputs": 5, "registered models": 1,
                                   "model versions": 2, "aliases": 2, "evaluations": 4}
    assert report.errors == []


def test_event_times_are_exact_utc_milliseconds():
    assert importer.event_time(1_700_000_000_123) == "2023-11-14T22:13:20.123+00:00"
    assert importer.event_time(0) == "1970-01-01T00:00:00.000+00:00"


def test_inputs_are_dataset_snapshots_named_by_source_and_versioned_by_digest(planned, mlflow_store):
    documents = _documents(planned[0])
    _, tuned = _by_run(documents, mlflow_store.runs["tuned"])
    inputs = {(i["namespace"], i["name"]): i["facets"] for i in tuned["inputs"]}
    assert set(inputs) == {("s3://raw", "transactions.parquet"), ("file", "/data/credit/holdout.npy"),
                           ("https://data.example.com", "crm/customers.csv")}
    digests = mlflow_store.digests
    assert inputs["s3://raw", "transactions.parquet"]["version"]["datasetVersion"] == digests["transactions-tuned"]
    assert inputs["file", "/data/credit/holdout.npy"]["version"]["datasetVersion"] == digests["holdout"]
    customers = inputs["https://data.example.com", "crm/customers.csv"]
    assert customers["version"]["datasetVersion"] == digests["customers"]
    assert [(f["name"], f["type"]) for f in customers["schema"]["fields"]] == [("customer_id", "string"),
                                                                              ("income", "double")]
    _, baseline = _by_run(documents, mlflow_store.runs["baseline"])
    versions = {i["facets"]["version"]["datasetVersion"] for i in baseline["inputs"]}
    assert versions == {digests["transactions-baseline"], digests["holdout"]}
    assert digests["transactions-baseline"] != digests["transactions-tuned"]


def test_parameters_and_code_are_run_facets(planned, mlflow_store):
    documents = _documents(planned[0])
    for label, commit, params in (("baseline", COMMIT_A, {"max_depth": "4", "eta": "0.3"}),
                                  ("tuned", COMMIT_B, {"max_depth": "6", "eta": "0.1"})):
        for doc in _by_run(documents, mlflow_store.runs[label]):
            facets = doc["run"]["facets"]
            assert facets["lineagegraph_parameters"]["parameters"] == params
            assert facets["lineagegraph_parameters"]["_schemaURL"].endswith("#/$defs/RunParametersRunFacet")
            code = facets["sourceCodeLocation"]
            assert (code["type"], code["url"], code["version"], code["branch"]) == ("git", REPO_URL, commit, "main")
            assert doc["job"]["facets"]["sourceCodeLocation"]["url"] == REPO_URL
    broken = _by_run(documents, mlflow_store.runs["broken"])
    assert all("sourceCodeLocation" not in doc["run"]["facets"] for doc in broken)
    assert broken[1]["run"]["facets"]["lineagegraph_parameters"]["parameters"] == {"max_depth": "12"}


def test_model_versions_are_outputs_of_their_source_run(planned, mlflow_store):
    events, report, _ = planned
    documents = _documents(events)
    start, end = _by_run(documents, mlflow_store.runs["tuned"])
    assert start["outputs"] == []
    [output] = end["outputs"]
    facet = output["facets"]["lineagegraph_modelVersion"]
    assert facet["_schemaURL"] == ("https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json"
                                   "#/$defs/ModelVersionDatasetFacet")
    assert (facet["modelName"], facet["version"], facet["framework"]) == (MODEL, "2", "pyfunc")
    assert facet["aliases"] == ["champion"]
    assert facet["tags"] == ["validated"]
    assert facet["description"] == "Tuned on the March snapshot."
    artifact = Path(facet["artifactUri"].removeprefix("file://"))
    assert facet["artifactUri"].startswith("file:///") and (artifact / "MLmodel").is_file()
    assert "artifactDigest" not in facet  # a model is a directory: no honest single sha256
    holdout = {"namespace": "file", "name": "/data/credit/holdout.npy", "version": mlflow_store.digests["holdout"]}
    assert facet["metrics"] == [{"name": "auc", "value": 0.86, "dataset": holdout},
                                {"name": "val_loss", "value": pytest.approx(0.14), "dataset": holdout}]
    [baseline] = _by_run(documents, mlflow_store.runs["baseline"])[1]["outputs"]
    assert baseline["facets"]["lineagegraph_modelVersion"]["aliases"] == ["challenger"]
    assert _by_run(documents, mlflow_store.runs["broken"])[1]["outputs"] == []


def test_the_registry_reads_every_event(planned):
    """The registry's own reader (schema validation and registry rules) takes each event as sent."""
    for document in _documents(planned[0]):
        changes = read_event(document)
        assert changes.contradictions() == []


def test_a_second_plan_is_identical(planned, mlflow_store):
    report = importer.ImportReport()
    snapshot = importer.read_store(importer.open_client(mlflow_store.tracking_uri), report=report)
    again = importer.plan_events(snapshot, report)
    assert [Serde.to_json(i.event) for i in again] == [Serde.to_json(i.event) for i in planned[0]]
    assert [i.entity for i in again] == [i.entity for i in planned[0]]


def test_only_the_named_experiments_are_read(mlflow_store):
    client = importer.open_client(mlflow_store.tracking_uri)
    snapshot = importer.read_store(client, experiment_names=[EXPERIMENT], read_framework=False)
    assert [e.name for e in snapshot.experiments] == [EXPERIMENT]
    with pytest.raises(LookupError, match="no-such"):
        importer.read_store(client, experiment_names=["no-such"])


def test_a_missing_store_is_refused_not_created(tmp_path):
    with pytest.raises(FileNotFoundError, match="No MLflow store"):
        importer.open_client(f"sqlite:///{tmp_path / 'typo.db'}")
    assert not (tmp_path / "typo.db").exists()


# --- pure pieces -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("source_type", "source", "name", "expected"), [
    ("s3", '{"uri": "s3://raw/transactions/2026-03-08.parquet"}', "t", ("s3://raw", "transactions/2026-03-08.parquet")),
    ("gcs", '{"uri": "gs://bucket/a/b.csv"}', "t", ("gs://bucket", "a/b.csv")),
    ("local", '{"uri": "/data/x.npy"}', "t", ("file", "/data/x.npy")),
    ("local", '{"uri": "file:///data/with%20space.csv"}', "t", ("file", "/data/with space.csv")),
    ("local", '{"uri": "data/rel.csv"}', "t", ("file", "data/rel.csv")),
    ("http", '{"url": "https://host.example.com:8443/d/e.csv?v=2"}', "t",
     ("https://host.example.com:8443", "d/e.csv?v=2")),
    ("delta", '{"delta_table_name": "main.raw.txn", "delta_table_version": 3}', "t", ("delta", "main.raw.txn")),
    ("hugging_face", '{"path": "stanfordnlp/imdb", "split": "train"}', "imdb", ("hugging_face", "stanfordnlp/imdb")),
    ("code", '{"tags": {"mlflow.user": "x"}}', "frame", ("mlflow", "frame")),
    (None, None, None, ("mlflow", "dataset")),
    ("s3", "not json", "t", ("mlflow", "t")),
])
def test_dataset_location(source_type, source, name, expected):
    assert importer.dataset_location(source_type, source, name) == expected


def test_artifact_and_repository_uris():
    assert importer.artifact_uri("/tmp/a b/model") == "file:///tmp/a%20b/model"
    assert importer.artifact_uri("dbfs:/databricks/mlflow/1/model") == "dbfs:///databricks/mlflow/1/model"
    assert importer.artifact_uri("s3://models/credit/1") == "s3://models/credit/1"
    assert importer.artifact_uri("models:/m-0123") is None  # a reference, not a place
    assert importer.artifact_uri(None) is None
    assert importer.git_repository_url("git@github.com:org/repo.git") == "ssh://git@github.com/org/repo.git"
    assert importer.git_repository_url("https://h/x.git") == "https://h/x.git"
    assert importer.git_repository_url("not a url") is None


def test_names_and_ids():
    assert importer.registry_identifier("val/loss") == "val_loss"
    assert importer.registry_identifier("fraud model (EU)") == "fraud_model_EU_"
    assert importer.registry_identifier("///") is None
    assert importer.openlineage_run_id("0123456789abcdef0123456789abcdef") == "01234567-89ab-cdef-0123-456789abcdef"
    other = importer.openlineage_run_id("not-hex")
    assert uuid.UUID(other) and other == importer.openlineage_run_id("not-hex")
    assert importer.framework_of("flavors:\n  python_function: {}\n  sklearn: {}\n") == "sklearn"
    assert importer.framework_of("flavors:\n  python_function: {}\n") == "pyfunc"
    assert importer.framework_of("artifact_path: x\n") is None


def _run(run_id: str, *, metrics=None, params=None, tags=None, status="FINISHED"):
    from mlflow.entities import Metric, Param, Run, RunData, RunInfo, RunInputs, RunTag

    info = RunInfo(run_id=run_id, experiment_id="1", user_id="u", status=status, start_time=1_000,
                   end_time=2_000, lifecycle_stage="active", run_name="r")
    data = RunData(metrics=[Metric(k, val, 1_500, 0) for k, val in (metrics or {}).items()],
                   params=[Param(k, val) for k, val in (params or {}).items()],
                   tags=[RunTag(k, val) for k, val in (tags or {}).items()])
    return Run(info, data, RunInputs(dataset_inputs=[], model_inputs=[]))


def _experiment(name="exp"):
    from mlflow.entities import Experiment

    return Experiment("1", name, "file:///tmp/a", "active")


def _version(model="m", version="1", run_id="a" * 32, **extra) -> importer.RegisteredVersion:
    fields = dict(model_name=model, version=version, run_id=run_id, description=None, tags={}, aliases=(),
                  artifact_uri="s3://models/m/1", framework="sklearn")
    fields.update(extra)
    return importer.RegisteredVersion(**fields)


def test_metrics_need_a_dataset_to_be_measured_on():
    report = importer.ImportReport()
    run = _run("a" * 32, metrics={"auc": 0.9, "loss": float("nan")})
    events = importer.run_events(_experiment(), run, [_version()], {"m": "m"}, report)
    facet = events[-1].event.outputs[0].facets["lineagegraph_modelVersion"]
    assert facet.metrics is None
    assert report.skipped["metrics of runs without a dataset input to be measured on"] == 2
    assert report.counts["evaluations"] == 0


def test_what_the_registry_cannot_hold_is_left_out_and_counted():
    report = importer.ImportReport()
    params = {f"p{i:03d}": "x" for i in range(205)} | {"long": "y" * 5000, " padded": "z"}
    tags = {"mlflow.source.git.commit": "not-a-commit", "mlflow.source.git.repoURL": "git@h:o/r.git"}
    run = _run("b" * 32, params=params, tags=tags, status="KILLED")
    version = _version(run_id="b" * 32, tags={"Team": "Risk", "bad tag": "x"}, aliases=("Champion", "x" * 70))
    events = importer.run_events(_experiment(), run, [version], {"m": "m"}, report)
    assert [e.event.eventType.value for e in events] == ["START", "ABORT"]
    run_facets = events[-1].event.run.facets
    assert len(run_facets["lineagegraph_parameters"].parameters) == 200
    code = run_facets["sourceCodeLocation"]
    assert (code.url, code.version) == ("ssh://git@h/o/r.git", None)
    facet = events[-1].event.outputs[0].facets["lineagegraph_modelVersion"]
    assert (facet.tags, facet.aliases) == (["team:risk"], ["champion"])
    assert report.skipped == {
        "parameters beyond the registry's 200 per run": 5,
        "parameters longer than 4096 characters": 1,
        "parameters with names the registry refuses": 1,
        "git commits that are not hexadecimal commit ids": 1,
        "model version tags that are not registry tags": 1,
        "aliases that are not registry tags": 1,
    }
    for document in (json.loads(Serde.to_json(e.event)) for e in events):
        read_event(document)


def test_model_names_are_made_registry_names_and_collisions_refused():
    report = importer.ImportReport()
    snapshot = importer.StoreSnapshot(versions=[_version("fraud model"), _version("a b"), _version("a_b"),
                                                _version("ok.name")])
    names = importer.model_names(snapshot, report)
    assert names == {"fraud model": "fraud_model", "ok.name": "ok.name"}
    assert report.skipped["model names changed to registry names"] == 1
    assert len(report.errors) == 1 and "'a b', 'a_b'" in report.errors[0]


def test_versions_without_an_imported_run_are_reported():
    report = importer.ImportReport()
    snapshot = importer.StoreSnapshot(versions=[_version(run_id=None), _version(version="2", run_id="c" * 32)])
    assert importer.plan_events(snapshot, report) == []
    assert report.skipped["model versions registered without a source run (lineage needs the run)"] == 1
    assert report.skipped["model versions whose source run is not among the imported runs"] == 1


def test_a_run_still_going_is_running_at_its_start():
    report = importer.ImportReport()
    events = importer.run_events(_experiment(), _run("d" * 32, status="RUNNING"), [], {}, report)
    assert [(e.event.eventType.value, e.event.eventTime) for e in events] == [
        ("START", importer.event_time(1_000)), ("RUNNING", importer.event_time(1_000))]
