"""Acceptance: `lineagegraph import mlflow` reads a real MLflow store (made by the mlflow package,
SQLite backend) and registers it, with its lineage, in the running service through the OpenLineage
endpoint; a second import changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from app.cli.main import main
from app.cli.localneo4j import free_port
from tests.catalog.fingerprint import graph_fingerprint
from tests.importers.mlflow_store import COMMIT_A, COMMIT_B, EXPERIMENT, MODEL, REPO_URL

MODEL_VERSION = """query($model: String!, $version: String!) { modelVersion(model: $model, version: $version) {
  modelName version framework artifactUri artifactDigest description tags aliases model { name }
  metrics { metric value datasetVersion { namespace name version } }
  producedBy { runId jobNamespace jobName state startedAt endedAt codeRepository codeCommit
    parameters { name value }
    inputs { __typename ... on DatasetVersion { namespace name version dataset { schema { name type } } } } } } }"""

RUN = """query($runId: String!) { run(runId: $runId) { state startedAt endedAt parameters { name value }
  inputs { __typename } outputs { __typename } job { namespace name } } }"""

IMPACT = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) { complete
  items { kind node { __typename ... on ModelVersion { modelName version } ... on Run { runId } } } } }"""


def _import(registry_url: str, tracking_uri: str, *extra: str):
    return CliRunner().invoke(main, ["import", "mlflow", "--tracking-uri", tracking_uri,
                                     "--registry-url", registry_url, *extra], catch_exceptions=False)


def _ms(when: str) -> int:
    return round(datetime.fromisoformat(when).astimezone(UTC).timestamp() * 1000)


def _run_id(mlflow_run_id: str) -> str:
    return str(uuid.UUID(hex=mlflow_run_id))


@pytest.fixture
def imported(graph, live_service, mlflow_store):
    result = _import(live_service, mlflow_store.tracking_uri)
    assert result.exit_code == 0, result.output
    return result


def test_import_registers_model_versions_runs_and_their_lineage(imported, gql, mlflow_store):
    import mlflow

    assert "1 experiments, 3 runs, 5 dataset inputs, 1 registered models, 2 model versions, 2 aliases, " \
           "4 evaluations (6 events accepted)" in imported.output
    client = mlflow.MlflowClient(tracking_uri=mlflow_store.tracking_uri)
    digests = mlflow_store.digests
    holdout = {"namespace": "file", "name": "/data/credit/holdout.npy", "version": digests["holdout"]}
    for version, label, commit, params, auc, aliases in (
            ("1", "baseline", COMMIT_A, {"eta": "0.3", "max_depth": "4"}, 0.81, ["challenger"]),
            ("2", "tuned", COMMIT_B, {"eta": "0.1", "max_depth": "6"}, 0.86, ["champion"])):
        body = gql(MODEL_VERSION, {"model": MODEL, "version": version})
        assert "errors" not in body, body
        mv = body["data"]["modelVersion"]
        assert (mv["modelName"], mv["version"], mv["framework"], mv["model"]) == (MODEL, version, "pyfunc",
                                                                               {"name": MODEL})
        assert mv["artifactUri"] == client.get_model_version_download_uri(MODEL, version)
        assert mv["aliases"] == aliases
        metrics = {(m["metric"], m["datasetVersion"]["namespace"], m["datasetVersion"]["name"],
                    m["datasetVersion"]["version"]): m["value"] for m in mv["metrics"]}
        assert metrics == {("auc", *holdout.values()): auc, ("val_loss", *holdout.values()): pytest.approx(1 - auc)}

        run = mv["producedBy"]
        info = client.get_run(mlflow_store.runs[label]).info
        assert run["runId"] == _run_id(info.run_id)
        assert (run["jobNamespace"], run["jobName"], run["state"]) == ("mlflow", EXPERIMENT, "COMPLETE")
        assert (_ms(run["startedAt"]), _ms(run["endedAt"])) == (info.start_time, info.end_time)
        assert (run["codeRepository"], run["codeCommit"]) == (REPO_URL, commit)
        assert {p["name"]: p["value"] for p in run["parameters"]} == params
        used = {(i["namespace"], i["name"], i["version"]) for i in run["inputs"]}
        assert (*holdout.values(),) in used
        assert ("s3://raw", "transactions.parquet", digests[f"transactions-{label}"]) in used
    version_2 = gql(MODEL_VERSION, {"model": MODEL, "version": "2"})["data"]["modelVersion"]
    assert version_2["description"] == "Tuned on the March snapshot."
    assert version_2["tags"] == ["validated"]
    [customers] = [i for i in version_2["producedBy"]["inputs"] if i["namespace"] == "https://data.example.com"]
    assert (customers["name"], customers["version"]) == ("crm/customers.csv", digests["customers"])
    assert customers["dataset"]["schema"] == [{"name": "customer_id", "type": "string"},
                                              {"name": "income", "type": "double"}]

    broken = gql(RUN, {"runId": _run_id(mlflow_store.runs["broken"])})["data"]["run"]
    assert broken["state"] == "FAIL"
    assert broken["parameters"] == [{"name": "max_depth", "value": "12"}]
    assert (broken["inputs"], broken["outputs"]) == ([], [])
    assert broken["job"] == {"namespace": "mlflow", "name": EXPERIMENT}


def test_impact_of_an_input_snapshot_reaches_the_model_version(imported, gql, mlflow_store):
    start = {"datasetVersion": {"namespace": "s3://raw", "name": "transactions.parquet",
                                "version": mlflow_store.digests["transactions-tuned"]}}
    impact = gql(IMPACT, {"of": start})["data"]["impact"]
    assert impact["complete"] is True
    reached = {(item["kind"], tuple(item["node"].values())[1:]) for item in impact["items"]}
    assert ("ModelVersion", (MODEL, "2")) in reached
    assert ("Run", (_run_id(mlflow_store.runs["tuned"]),)) in reached
    assert ("ModelVersion", (MODEL, "1")) not in reached  # trained on the other snapshot

    shared = {"datasetVersion": {"namespace": "file", "name": "/data/credit/holdout.npy",
                                 "version": mlflow_store.digests["holdout"]}}
    versions = {item["node"]["version"] for item in gql(IMPACT, {"of": shared})["data"]["impact"]["items"]
                if item["kind"] == "ModelVersion"}
    assert versions == {"1", "2"}


def test_a_second_import_changes_nothing(imported, run_cypher, live_service, mlflow_store):
    before = graph_fingerprint(run_cypher)
    again = _import(live_service, mlflow_store.tracking_uri)
    assert again.exit_code == 0, again.output
    assert graph_fingerprint(run_cypher) == before


def test_events_the_registry_refuses_name_the_mlflow_run(imported, run_cypher, live_service, mlflow_store):
    """The same runs under another job namespace contradict the graph: each is refused (409),
    named, exit 1, and nothing of them is written."""
    before = graph_fingerprint(run_cypher)
    result = _import(live_service, mlflow_store.tracking_uri, "--namespace", "mlflow-eu")
    assert result.exit_code == 1, result.output
    assert f"the registry refused run {mlflow_store.runs['tuned']} ('tuned') of experiment {EXPERIMENT!r}, " \
           f"which produced {MODEL} v2 (START): 409" in result.output
    assert "6 event(s) refused" in result.output
    assert graph_fingerprint(run_cypher) == before


def test_an_unreachable_registry_exits_3(mlflow_store):
    result = _import(f"http://127.0.0.1:{free_port()}", mlflow_store.tracking_uri)
    assert result.exit_code == 3, result.output
    assert "cannot be reached" in result.output and "/api/v1/lineage" in result.output
    assert "Traceback" not in result.output


def test_a_url_without_the_lineage_endpoint_stops_at_the_first_event(live_service, mlflow_store):
    result = _import(f"{live_service}/not-the-registry", mlflow_store.tracking_uri, "--workers", "1")
    assert result.exit_code == 1, result.output
    assert f"No OpenLineage endpoint at {live_service}/not-the-registry/api/v1/lineage (404)" in result.output


def test_a_missing_store_exits_1_and_creates_nothing(tmp_path):
    result = _import("http://127.0.0.1:9", f"sqlite:///{tmp_path / 'typo.db'}")
    assert result.exit_code == 1
    assert "No MLflow store at" in result.output
    assert not (tmp_path / "typo.db").exists()


def test_without_mlflow_installed_the_command_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "mlflow", None)  # `import mlflow` raises ImportError
    result = _import("http://127.0.0.1:9", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code == 1
    assert "pip install 'lineagegraph[mlflow]'" in result.output
