"""The sample registry (`lineagegraph demo`): loaded through the service layer, read back through
GraphQL as a user would, and idempotent."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.cli import demo
from tests.conftest import load_demo


def _load(settings, queries) -> dict[str, int]:
    return load_demo(settings, queries)


def _fingerprint(run_cypher) -> str:
    """Every node and edge with its properties, canonically ordered: equal means nothing was written."""
    nodes = sorted(json.dumps(row, sort_keys=True, default=str) for row in run_cypher("admin.all_nodes"))
    edges = sorted(json.dumps(row, sort_keys=True, default=str) for row in run_cypher("admin.all_edges"))
    return hashlib.sha256(json.dumps([nodes, edges]).encode()).hexdigest()


def _data(body: dict) -> dict:
    assert "errors" not in body, body
    return body["data"]


def _counts(gql) -> dict[str, int]:
    return {row["kind"]: row["count"] for row in _data(gql("{ registry { counts { kind count } } }"))["registry"]["counts"]}


@pytest.fixture
def loaded(graph, settings, queries):
    counts = _load(settings, queries)
    return counts


def test_the_production_deployment_serves_version_2_after_serving_version_1(loaded, gql):
    env, name = demo.PRODUCTION_DEPLOYMENT
    data = _data(gql("""query($name: String!) { deployment(environment: PRODUCTION, name: $name) {
        environment name status endpoint since modelVersion { modelName version stage model { riskTier } } } }""",
                     {"name": name}))
    deployment = data["deployment"]
    assert env == "production" and deployment["environment"] == "PRODUCTION"
    assert deployment["status"] == "ACTIVE"
    assert deployment["since"].startswith("2026-03-20T09:00:00")
    assert deployment["modelVersion"]["modelName"] == demo.PRODUCTION_MODEL_VERSION.model_name
    assert deployment["modelVersion"]["version"] == demo.PRODUCTION_MODEL_VERSION.version
    assert deployment["modelVersion"]["model"]["riskTier"] == "HIGH"

    # Version 1 served before and serves nowhere now; version 2 also serves staging.
    data = _data(gql("""{ v1: modelVersion(model: "credit-scoring", version: "1") { deployments { name } }
                          v2: modelVersion(model: "credit-scoring", version: "2") { deployments { environment name } } }"""))
    assert data["v1"]["deployments"] == []
    assert sorted((d["environment"], d["name"]) for d in data["v2"]["deployments"]) == [
        ("PRODUCTION", "credit-scoring-api"), ("STAGING", "credit-scoring-staging")]


def test_the_production_model_version_has_metrics_and_a_training_run_with_its_inputs(loaded, gql):
    data = _data(gql("""{ modelVersion(model: "credit-scoring", version: "2") {
        artifactUri artifactDigest framework
        metrics { metric value datasetVersion { namespace name version } }
        producedBy { runId state job { namespace name owner { name } } parameters { name value }
          inputs { __typename
            ... on Feature { group name derivedFrom { __typename ... on DatasetVersion { namespace name version } } }
            ... on DatasetVersion { namespace name version producedBy { job { name }
                inputs { ... on DatasetVersion { namespace name version } } } } } } } }"""))
    mv = data["modelVersion"]
    assert mv["artifactUri"] == "s3://models/credit-scoring/2"
    assert mv["artifactDigest"] == "sha256:" + hashlib.sha256(b"credit-scoring/2").hexdigest()
    holdout = {"namespace": "s3://curated", "name": "credit_holdout", "version": "2026-03-01"}
    assert {m["metric"]: m["value"] for m in mv["metrics"]} == {"auc": 0.871, "ks": 0.563}
    assert all(m["datasetVersion"] == holdout for m in mv["metrics"])

    run = mv["producedBy"]
    assert run["runId"] == demo.TRAINING_RUN_IDS["2"]
    assert run["state"] == "COMPLETE"
    assert run["job"] == {"namespace": "mlflow://training", "name": "train_credit_scoring", "owner": {"name": "credit-risk"}}
    assert {"name": "max_depth", "value": "8"} in run["parameters"]
    features = {(i["group"], i["name"]): i for i in run["inputs"] if i["__typename"] == "Feature"}
    assert set(features) == {("credit", "txn_amount_30d"), ("credit", "txn_count_7d"), ("credit", "customer_tenure")}
    # The corrupted raw snapshot is upstream: raw -> cleaning run -> cleaned snapshot -> feature and run.
    corrupted_clean = {"namespace": "s3://curated", "name": "transactions_clean", "version": "2026-03-08"}
    assert {"__typename": "DatasetVersion", **corrupted_clean} in features[("credit", "txn_amount_30d")]["derivedFrom"]
    datasets = {(i["namespace"], i["name"], i["version"]): i for i in run["inputs"] if i["__typename"] == "DatasetVersion"}
    # Production data only: the non-commercial bureau scores are version 3's, which is refused for production.
    assert not any(namespace == "postgres://bureau:5432" for namespace, _, _ in datasets)
    cleaned = datasets[tuple(corrupted_clean.values())]
    assert cleaned["producedBy"]["job"]["name"] == "clean_transactions"
    raw = demo.CORRUPTED_RAW_VERSION
    assert cleaned["producedBy"]["inputs"] == [{"namespace": raw.namespace, "name": raw.name, "version": raw.version}]


def test_version_1_is_not_downstream_of_the_corrupted_snapshot(loaded, gql):
    data = _data(gql("""{ modelVersion(model: "credit-scoring", version: "1") { stage metrics { metric value }
        producedBy { inputs { __typename ... on DatasetVersion { name version } ... on Feature { name } } } } }"""))
    mv = data["modelVersion"]
    assert mv["stage"] == "PRODUCTION"  # the fallback the production gate still passes
    assert {m["metric"] for m in mv["metrics"]} == {"auc", "ks"}
    inputs = {(i["__typename"], i["name"], i.get("version")) for i in mv["producedBy"]["inputs"]}
    assert inputs == {("DatasetVersion", "transactions_clean", "2026-03-01"),
                      ("DatasetVersion", "customers_clean", "2026-03-01"), ("Feature", "customer_tenure", None)}


def test_the_fine_tuned_llm_derives_from_the_base_model_and_an_externally_licensed_dataset(loaded, gql):
    data = _data(gql("""{ modelVersion(model: "support-assistant", version: "1.0") {
        framework derivedFrom { modelName version license framework }
        deployments { environment name }
        producedBy { job { name } inputs { __typename
          ... on ModelVersion { modelName version }
          ... on DatasetVersion { name dataset { namespace license privacy } } } } } }"""))
    mv = data["modelVersion"]
    assert mv["derivedFrom"] == [{"modelName": "base-llm", "version": "7b-v1", "license": "Apache-2.0", "framework": "pytorch"}]
    assert mv["deployments"] == [{"environment": "PRODUCTION", "name": "support-assistant"}]
    run = mv["producedBy"]
    assert run["job"]["name"] == "finetune_support_llm"
    inputs = sorted(run["inputs"], key=lambda i: i["__typename"])
    assert inputs == [
        {"__typename": "DatasetVersion", "name": "support-dialogues",
         "dataset": {"namespace": "hf://datasets", "license": "CC-BY-SA-4.0", "privacy": "INTERNAL"}},
        {"__typename": "ModelVersion", "modelName": "base-llm", "version": "7b-v1"},
    ]


def test_the_bureau_source_is_licensed_for_non_commercial_use(loaded, gql):
    ref = demo.EXTERNALLY_LICENSED_SOURCE
    data = _data(gql("""query($ns: String!, $name: String!) { dataset(namespace: $ns, name: $name) {
        license owner { name } versions { version } } }""", {"ns": ref.namespace, "name": ref.name}))
    assert data["dataset"]["license"] == "CC-BY-NC-4.0"
    assert data["dataset"]["owner"] == {"name": "credit-risk"}
    assert len(data["dataset"]["versions"]) == 2


def test_loading_reports_what_the_registry_holds(loaded, gql):
    counts = _counts(gql)
    assert loaded == {"Dataset": 8, "DatasetVersion": 15, "Deployment": 3, "Feature": 4, "Job": 4,
                      "Model": 3, "ModelVersion": 5, "Run": 9, "Team": 3}
    for kind, count in loaded.items():
        assert counts[kind] == count, kind


def test_loading_twice_changes_nothing(loaded, settings, queries, gql, graph):
    counts = _counts(gql)
    before = _fingerprint(graph)
    assert _load(settings, queries) == loaded
    assert _counts(gql) == counts
    assert _fingerprint(graph) == before


def test_the_demo_command_loads_the_configured_neo4j(graph, settings, gql):
    from click.testing import CliRunner

    from app.cli.main import main

    env = {"NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "NEO4J_DATABASE": settings.neo4j_database}
    result = CliRunner().invoke(main, ["demo"], env=env)
    assert result.exit_code == 0, result.output
    assert "demo registry loaded:" in result.output and "5 ModelVersion" in result.output
    assert _counts(gql)["Deployment"] == 3
