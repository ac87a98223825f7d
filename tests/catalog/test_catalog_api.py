"""The catalog through GraphQL against the real Neo4j: every kind round-trips, upserts are
idempotent, immutable facts hold, pages and filters work, nested fields do not cost N+1."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.catalog.fingerprint import graph_fingerprint

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "b" * 64

REGISTER_TEAM = """mutation($input: RegisterTeamInput!) { registerTeam(input: $input) {
  __typename ... on TeamRegistration { node { id name description } created changed } ... on UserError { code message } } }"""
REGISTER_DATASET = """mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) {
  __typename ... on DatasetRegistration { node { id namespace name description tags license privacy
    owner { name } ownerName schema { name type } createdAt updatedAt createdBy updatedBy } created changed }
  ... on UserError { code message } } }"""
REGISTER_DATASET_VERSION = """mutation($input: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $input) {
  __typename ... on DatasetVersionRegistration { node { id version digest rowCount createdAt dataset { name } } created changed }
  ... on ConflictError { code message field recorded attempted } ... on UserError { code message } } }"""
REGISTER_MODEL = """mutation($input: RegisterModelInput!) { registerModel(input: $input) {
  __typename ... on ModelRegistration { node { id name riskTier owner { name } } created } ... on UserError { code message } } }"""
REGISTER_MODEL_VERSION = """mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) {
  __typename ... on ModelVersionRegistration { node { id version stage artifactDigest } created changed }
  ... on ConflictError { code field recorded } ... on UserError { code message } } }"""
REGISTER_JOB = """mutation($input: RegisterJobInput!) { registerJob(input: $input) {
  __typename ... on JobRegistration { node { id name } } ... on UserError { code message } } }"""
REGISTER_DEPLOYMENT = """mutation($input: RegisterDeploymentInput!) { registerDeployment(input: $input) {
  __typename ... on DeploymentRegistration { node { id environment name endpoint status since modelVersion { version } } changed }
  ... on UserError { code message } } }"""
REGISTER_TRAINING = """mutation($input: RegisterTrainingEventInput!) { registerTrainingEvent(input: $input) {
  __typename ... on TrainingEventRegistered { created run { runId } modelVersion { id version } } ... on UserError { code message } } }"""


def _ok(body: dict, field: str) -> dict:
    assert "errors" not in body, body
    result = body["data"][field]
    assert not result["__typename"].endswith("Error"), result
    return result


@pytest.fixture
def registry(graph, gql):
    """Two teams, a dataset with two versions, a model, a training job."""
    for name in ("risk", "platform"):
        _ok(gql(REGISTER_TEAM, {"input": {"name": name, "description": f"The {name} team"}}), "registerTeam")
    _ok(gql(REGISTER_DATASET, {"input": {
        "namespace": "s3://raw", "name": "transactions", "owner": "risk", "description": "Card transactions",
        "tags": ["raw", "finance"], "license": "proprietary", "privacy": "PII",
        "schema": [{"name": "amount", "type": "double"}, {"name": "customer_id", "type": "string"}]}}),
        "registerDataset")
    for version, digest in (("2026-03-01", DIGEST_A), ("2026-03-08", "sha256:" + "c" * 64)):
        _ok(gql(REGISTER_DATASET_VERSION, {"input": {"namespace": "s3://raw", "name": "transactions",
                                                     "version": version, "digest": digest, "rowCount": 1000}}),
            "registerDatasetVersion")
    _ok(gql(REGISTER_MODEL, {"input": {"name": "credit-scoring", "owner": "risk", "riskTier": "HIGH"}}), "registerModel")
    _ok(gql(REGISTER_JOB, {"input": {"namespace": "mlflow://training", "name": "train_credit", "owner": "platform"}}),
        "registerJob")
    return graph


def _training(run_id: str, version: str, **extra) -> dict:
    return {"input": {
        "jobNamespace": "mlflow://training", "jobName": "train_credit", "runId": run_id,
        "codeRepository": "https://git.example.com/risk/credit", "codeCommit": "0a1b2c3d4e5f",
        "parameters": [{"name": "max_depth", "value": "6"}, {"name": "eta", "value": "0.1"}],
        "inputs": {"datasetVersions": [{"namespace": "s3://raw", "name": "transactions", "version": "2026-03-01"}]},
        "modelVersion": {"model": "credit-scoring", "version": version, "artifactUri": f"s3://models/credit/{version}",
                         "artifactDigest": "sha256:" + f"{int(version):064x}" if version.isdigit() else DIGEST_A,
                         "framework": "xgboost", "license": "proprietary",
                         "metrics": [{"name": "auc", "value": 0.91, "datasetVersion": {
                             "namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}}]},
        **extra}}


def test_every_kind_round_trips_through_graphql(registry, gql):
    _ok(gql("""mutation { registerFeature(input: {group: "credit", name: "txn_amount_30d", owner: "risk",
        dtype: "float64", transformation: "sum(amount) over 30d", tags: ["credit"],
        derivedFromDatasetVersions: [{namespace: "s3://raw", name: "transactions", version: "2026-03-01"}]}) {
        __typename } }"""), "registerFeature")
    trained = _ok(gql(REGISTER_TRAINING, _training("run-0001", "1")), "registerTrainingEvent")
    assert trained["created"] is True
    _ok(gql("""mutation { registerModel(input: {name: "base-llm", owner: "platform"}) { __typename } }"""), "registerModel")
    _ok(gql("""mutation { registerModelVersion(input: {model: "base-llm", version: "7b", license: "Apache-2.0"}) {
        __typename } }"""), "registerModelVersion")
    _ok(gql("""mutation { recordModelVersionParents(input: {modelVersion: {model: "credit-scoring", version: "1"},
        parents: [{model: "base-llm", version: "7b"}]}) { __typename } }"""), "recordModelVersionParents")
    # In test, where the policy asks nothing of what is served (the deployment gate: tests/governance).
    _ok(gql(REGISTER_DEPLOYMENT, {"input": {"environment": "TEST", "name": "credit-api",
                                            "endpoint": "https://credit.example.com/score", "status": "ACTIVE",
                                            "serving": {"model": "credit-scoring", "version": "1"}}}),
        "registerDeployment")

    body = gql("""{
      team(name: "risk") { id name description }
      dataset(namespace: "s3://raw", name: "transactions") { id license privacy tags owner { name }
        schema { name type } versions { version digest rowCount dataset { name } } }
      datasetVersion(namespace: "s3://raw", name: "transactions", version: "2026-03-01") { id digest }
      feature(group: "credit", name: "txn_amount_30d") { dtype transformation owner { name }
        derivedFrom { __typename ... on DatasetVersion { version } } }
      job(namespace: "mlflow://training", name: "train_credit") { owner { name } runs { runId } }
      run(runId: "run-0001") { state codeRepository codeCommit parameters { name value } job { name }
        inputs { __typename ... on DatasetVersion { version } }
        outputs { __typename ... on ModelVersion { version } } }
      model(name: "credit-scoring") { riskTier versions { version } }
      modelVersion(model: "credit-scoring", version: "1") { id stage framework license artifactUri artifactDigest
        model { name } producedBy { runId } derivedFrom { modelName version }
        metrics { metric value datasetVersion { version } } deployments { name environment } }
      deployment(environment: TEST, name: "credit-api") { endpoint status since modelVersion { version } }
    }""")
    assert "errors" not in body, body
    data = body["data"]
    assert data["team"]["description"] == "The risk team"
    dataset = data["dataset"]
    assert (dataset["license"], dataset["privacy"], dataset["tags"]) == ("proprietary", "PII", ["raw", "finance"])
    assert dataset["owner"] == {"name": "risk"}
    assert dataset["schema"] == [{"name": "amount", "type": "double"}, {"name": "customer_id", "type": "string"}]
    assert [v["version"] for v in dataset["versions"]] == ["2026-03-08", "2026-03-01"]
    assert dataset["versions"][1]["digest"] == DIGEST_A and dataset["versions"][1]["rowCount"] == 1000
    assert data["feature"]["derivedFrom"] == [{"__typename": "DatasetVersion", "version": "2026-03-01"}]
    assert data["job"]["runs"] == [{"runId": "run-0001"}]
    run = data["run"]
    assert run["state"] == "COMPLETE" and run["codeCommit"] == "0a1b2c3d4e5f"
    assert run["parameters"] == [{"name": "eta", "value": "0.1"}, {"name": "max_depth", "value": "6"}]
    assert run["inputs"] == [{"__typename": "DatasetVersion", "version": "2026-03-01"}]
    assert run["outputs"] == [{"__typename": "ModelVersion", "version": "1"}]
    mv = data["modelVersion"]
    assert mv["stage"] == "DEVELOPMENT" and mv["framework"] == "xgboost"
    assert mv["producedBy"] == {"runId": "run-0001"}
    assert mv["derivedFrom"] == [{"modelName": "base-llm", "version": "7b"}]
    assert mv["metrics"] == [{"metric": "auc", "value": 0.91, "datasetVersion": {"version": "2026-03-08"}}]
    assert mv["deployments"] == [{"name": "credit-api", "environment": "TEST"}]
    assert data["deployment"]["modelVersion"] == {"version": "1"}

    by_id = gql("query($id: ID!, $mv: ID!) { dataset(id: $id) { name } modelVersion(id: $mv) { version } }",
                {"id": dataset["id"], "mv": mv["id"]})
    assert by_id["data"] == {"dataset": {"name": "transactions"}, "modelVersion": {"version": "1"}}
    assert gql('{ dataset(namespace: "s3://raw", name: "nope") { id } }')["data"] == {"dataset": None}


def test_registering_again_changes_nothing_and_returns_the_same_id(registry, gql):
    variables = {"input": {"namespace": "s3://raw", "name": "transactions", "owner": "risk",
                           "description": "Card transactions", "tags": ["raw", "finance"]}}
    before = graph_fingerprint(registry)
    again = _ok(gql(REGISTER_DATASET, variables), "registerDataset")
    assert (again["created"], again["changed"]) == (False, False)
    assert graph_fingerprint(registry) == before
    first_id = again["node"]["id"]
    assert _ok(gql(REGISTER_DATASET, variables), "registerDataset")["node"]["id"] == first_id


def test_an_update_changes_only_the_fields_given_and_records_who(registry, gql, principal_headers):
    updated = _ok(gql(REGISTER_DATASET, {"input": {"namespace": "s3://raw", "name": "transactions",
                                                   "description": "Card transactions, EU only"}},
                      headers=principal_headers("alice", roles=["contributor"], teams=["risk"])), "registerDataset")
    node = updated["node"]
    assert updated["changed"] is True
    assert node["description"] == "Card transactions, EU only"
    assert node["tags"] == ["raw", "finance"] and node["privacy"] == "PII"  # untouched
    assert node["updatedBy"] == "alice" and node["createdBy"] == "bootstrap-admin"
    assert node["updatedAt"] > node["createdAt"]


def test_20_concurrent_identical_registrations_create_exactly_one_node(registry, gql, client):
    variables = {"input": {"namespace": "s3://raw", "name": "refunds", "owner": "risk", "tags": ["raw"]}}
    with ThreadPoolExecutor(max_workers=20) as pool:
        bodies = list(pool.map(lambda _: client.post("/graphql", json={"query": REGISTER_DATASET,
                                                                       "variables": variables}).json(), range(20)))
    results = [body["data"]["registerDataset"] for body in bodies]
    assert {r["__typename"] for r in results} == {"DatasetRegistration"}
    assert len({r["node"]["id"] for r in results}) == 1
    assert sum(r["created"] for r in results) == 1
    found = gql('{ datasets(filter: {namespace: "s3://raw"}, first: 50) { nodes { name } } }')
    assert [d["name"] for d in found["data"]["datasets"]["nodes"]].count("refunds") == 1


def test_a_conflicting_digest_is_refused_and_nothing_changes(registry, gql):
    before = graph_fingerprint(registry)
    body = gql(REGISTER_DATASET_VERSION, {"input": {"namespace": "s3://raw", "name": "transactions",
                                                    "version": "2026-03-01", "digest": DIGEST_B, "rowCount": 5}})
    conflict = body["data"]["registerDatasetVersion"]
    assert conflict["__typename"] == "ConflictError"
    assert (conflict["code"], conflict["field"]) == ("CONFLICT", "digest")
    assert conflict["recorded"] == DIGEST_A and conflict["attempted"] == "sha256:" + DIGEST_B
    assert graph_fingerprint(registry) == before  # rowCount 5 was not written either


def test_the_same_digest_in_another_spelling_is_not_a_conflict(registry, gql):
    result = _ok(gql(REGISTER_DATASET_VERSION, {"input": {"namespace": "s3://raw", "name": "transactions",
                                                          "version": "2026-03-01", "digest": "A" * 64}}),
                 "registerDatasetVersion")
    assert result["node"]["digest"] == DIGEST_A and result["changed"] is False


def test_a_model_version_digest_is_immutable_too(registry, gql):
    _ok(gql(REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": "9", "artifactDigest": DIGEST_A}}),
        "registerModelVersion")
    refused = gql(REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": "9", "artifactDigest": DIGEST_B}})
    assert refused["data"]["registerModelVersion"]["field"] == "artifactDigest"


def test_pages_walk_every_record_once_with_a_capped_size(registry, gql):
    for i in range(5):
        _ok(gql(REGISTER_TEAM, {"input": {"name": f"team-{i}"}}), "registerTeam")
    seen, after = [], None
    while True:
        page = gql("query($after: String) { teams(first: 3, after: $after) { nodes { name } "
                   "pageInfo { hasNextPage endCursor } } }", {"after": after})["data"]["teams"]
        seen += [t["name"] for t in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["risk", "platform", "team-0", "team-1", "team-2", "team-3", "team-4"]
    too_big = gql("{ teams(first: 501) { nodes { name } } }")
    assert too_big["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = gql('{ teams(after: "not-a-cursor") { nodes { name } } }')
    assert bad_cursor["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


def test_lists_filter_by_owner_tag_privacy_stage_and_environment(registry, graph, gql):
    _ok(gql(REGISTER_DATASET, {"input": {"namespace": "s3://curated", "name": "customers", "owner": "platform",
                                         "tags": ["curated"], "privacy": "INTERNAL"}}), "registerDataset")
    _ok(gql(REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": "1"}}), "registerModelVersion")
    # Promotion owns the stage (app/governance); here only the filter is under test.
    registry_stage = {"model_name": "credit-scoring", "version": "1", "stage": "STAGING", "principal": "test"}
    graph("governance.change_stage", **registry_stage, now=datetime.now(UTC))
    _ok(gql(REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": "2"}}), "registerModelVersion")
    _ok(gql(REGISTER_DEPLOYMENT, {"input": {"environment": "STAGING", "name": "credit-staging"}}), "registerDeployment")
    data = gql("""{
      byOwner: datasets(filter: {owner: "platform"}) { nodes { name } }
      byTag: datasets(filter: {tag: "raw"}) { nodes { name } }
      pii: datasets(filter: {privacy: PII}) { nodes { name } }
      staging: modelVersions(filter: {stage: STAGING}) { nodes { version } }
      inStaging: deployments(filter: {environment: STAGING}) { nodes { name } }
      inProduction: deployments(filter: {environment: PRODUCTION}) { nodes { name } }
      future: datasets(filter: {createdAfter: "2999-01-01T00:00:00Z"}) { nodes { name } }
    }""")["data"]
    assert data["byOwner"]["nodes"] == [{"name": "customers"}]
    assert data["byTag"]["nodes"] == [{"name": "transactions"}]
    assert data["pii"]["nodes"] == [{"name": "transactions"}]
    assert data["staging"]["nodes"] == [{"version": "1"}]
    assert data["inStaging"]["nodes"] == [{"name": "credit-staging"}]
    assert data["inProduction"]["nodes"] == [] and data["future"]["nodes"] == []


def test_search_ranks_names_descriptions_and_tags_and_filters_by_kind(registry, gql):
    _ok(gql("""mutation { registerModel(input: {name: "fraud-detector", description: "Flags card transactions",
        tags: ["fraud"]}) { __typename } }"""), "registerModel")
    hits = gql('{ search(text: "transactions") { score node { __typename ... on Dataset { name } '
               '... on Model { name } } } }')["data"]["search"]
    assert [(h["node"]["__typename"], h["node"]["name"]) for h in hits] == [
        ("Dataset", "transactions"), ("Model", "fraud-detector")]
    assert hits[0]["score"] >= hits[1]["score"]
    only_models = gql('{ search(text: "trans", kinds: [MODEL]) { node { __typename } } }')["data"]["search"]
    assert only_models == [{"node": {"__typename": "Model"}}]
    by_tag = gql('{ search(text: "fraud") { node { ... on Model { name } } } }')["data"]["search"]
    assert by_tag == [{"node": {"name": "fraud-detector"}}]
    lucene_syntax = gql('{ search(text: "transactions AND (OR ~ \\"") { score } }')
    assert "errors" not in lucene_syntax


def test_a_redeployment_switches_the_served_version_and_keeps_the_history(registry, gql, run_cypher):
    for version in ("1", "2"):
        _ok(gql(REGISTER_MODEL_VERSION, {"input": {"model": "credit-scoring", "version": version}}),
            "registerModelVersion")
    for version in ("1", "2", "2"):
        _ok(gql(REGISTER_DEPLOYMENT, {"input": {"environment": "TEST", "name": "credit-api",
                                                "serving": {"model": "credit-scoring", "version": version}}}),
            "registerDeployment")
    data = gql("""{ deployment(environment: TEST, name: "credit-api") { modelVersion { version } }
                    v1: modelVersion(model: "credit-scoring", version: "1") { deployments { name } }
                    v2: modelVersion(model: "credit-scoring", version: "2") { deployments { name } } }""")["data"]
    assert data["deployment"]["modelVersion"] == {"version": "2"}
    assert data["v1"]["deployments"] == [] and data["v2"]["deployments"] == [{"name": "credit-api"}]
    serves = [e for e in run_cypher("admin.all_edges") if e["type"] == "SERVES"]
    assert len(serves) == 2  # the third call, same version, changed nothing
    assert sorted(e["props"].get("until") is None for e in serves) == [False, True]


def _statements(client) -> int:
    return client.app.state.db.statements_run


@pytest.mark.parametrize("count", [10, 100])
def test_listing_model_versions_with_nested_fields_takes_a_fixed_number_of_round_trips(registry, gql, client, count):
    for i in range(count):
        _ok(gql(REGISTER_TRAINING, _training(f"run-{i:04d}", str(i + 1))), "registerTrainingEvent")
    _ok(gql(REGISTER_DEPLOYMENT, {"input": {"environment": "TEST", "name": "credit-api",
                                            "serving": {"model": "credit-scoring", "version": "1"}}}),
        "registerDeployment")
    before = _statements(client)
    page = gql("""{ modelVersions(first: 100) { nodes { version model { name owner { name } }
        producedBy { runId job { name } } deployments { name } metrics { metric datasetVersion { version } } } } }""")
    used = _statements(client) - before
    nodes = page["data"]["modelVersions"]["nodes"]
    assert len(nodes) == count
    assert all(n["model"]["name"] == "credit-scoring" and n["producedBy"]["job"]["name"] == "train_credit" for n in nodes)
    assert nodes[0]["deployments"] == [{"name": "credit-api"}]
    # list + model + owner + producing run + job + deployments + metrics + their dataset versions
    assert used == 8, f"{used} statements for {count} model versions"


def test_an_older_deployment_switch_cannot_rewrite_newer_history(registry, settings, queries):
    import asyncio
    from datetime import UTC, datetime

    from app.catalog import service
    from app.core.config import default_policy_file
    from app.core.db import Database
    from app.core.errors import Conflict
    from app.governance.policy import load_policies

    policies = load_policies(default_policy_file())

    async def scenario():
        db = Database.connect(settings, queries)
        try:
            for version in ("1", "2"):
                await service.register_model_version(
                    db, service.Actor.of("t"), service.ModelVersionInput(model_name="credit-scoring", version=version))
            later = service.Actor("t", datetime(2026, 3, 20, tzinfo=UTC))
            earlier = service.Actor("t", datetime(2026, 3, 10, tzinfo=UTC))
            await service.register_deployment(db, later, policies=policies, environment="test", name="api",
                                              serving=service.ModelVersionRef("credit-scoring", "2"))
            with pytest.raises(Conflict):
                await service.register_deployment(db, earlier, policies=policies, environment="test", name="api",
                                                  serving=service.ModelVersionRef("credit-scoring", "1"))
            return await service.get_by_key(db, service.Kinds.DEPLOYMENT.value, {"environment": "test", "name": "api"})
        finally:
            await db.close()

    deployment = asyncio.run(scenario())
    assert deployment["since"].to_native() == datetime(2026, 3, 20, tzinfo=UTC)


def test_the_graphql_enums_spell_the_service_vocabularies():
    from app.catalog import types
    from app.core import vocabulary as v

    pairs = [(types.Stage, v.STAGES), (types.PrivacyClass, v.PRIVACY_CLASSES), (types.RiskTier, v.RISK_TIERS),
             (types.RunState, v.RUN_STATES), (types.Environment, v.ENVIRONMENTS),
             (types.DeploymentStatus, v.DEPLOYMENT_STATUSES)]
    for enum, vocabulary in pairs:
        assert tuple(member.value for member in enum) == vocabulary, enum.__name__
