"""Bad input never reaches the graph: every malformed, hostile or dangling request gets a typed
error, and a hash of the whole graph is the same before and after it.

The table below is the contract: one row per bad request, with the error a client sees. Rows
are either a member of the mutation's result union (InvalidInputError / NotFoundError /
ConflictError, with its `code` and the `field` or `kind` at fault), a GraphQL error with an
`extensions.code` (the document or its variables do not fit the schema), or an HTTP refusal
(the body is too large). Free text that merely *looks* hostile is legal where a field is free
text; those cases are in a separate test that checks it is stored verbatim and nothing else moves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from tests.catalog.fingerprint import canonical as _canonical
from tests.catalog.fingerprint import edge_rows as _edge_rows
from tests.catalog.fingerprint import audit_fingerprint, graph_fingerprint

DIGEST_DATASET = "sha256:" + "a" * 64
DIGEST_MODEL = "sha256:" + "b" * 64
DIGEST_OTHER = "sha256:" + "c" * 64

# Strings that would do damage if they were ever spliced into Cypher.
DETACH_DELETE = "'}) DETACH DELETE n //"
OR_TRUE = '" OR 1=1 //'
PROPS_PARAM = "$props"
HOSTILE_TEXT = [DETACH_DELETE, OR_TRUE, PROPS_PARAM, "}) MATCH (m) DETACH DELETE m WITH 1 AS x MATCH (n {name: '"]


# --- a small valid registry to damage -----------------------------------------------------------

ERRORS = """__typename
  ... on InvalidInputError { code message field }
  ... on NotFoundError { code message kind key }
  ... on ConflictError { code message field recorded attempted }"""


def mutation(field: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {ERRORS} }} }}"


TEAM = mutation("registerTeam", "RegisterTeamInput")
DATASET = mutation("registerDataset", "RegisterDatasetInput")
DATASET_VERSION = mutation("registerDatasetVersion", "RegisterDatasetVersionInput")
FEATURE = mutation("registerFeature", "RegisterFeatureInput")
JOB = mutation("registerJob", "RegisterJobInput")
RUN = mutation("registerRun", "RegisterRunInput")
MODEL = mutation("registerModel", "RegisterModelInput")
MODEL_VERSION = mutation("registerModelVersion", "RegisterModelVersionInput")
DEPLOYMENT = mutation("registerDeployment", "RegisterDeploymentInput")
RUN_LINEAGE = mutation("recordRunLineage", "RecordRunLineageInput")
PARENTS = mutation("recordModelVersionParents", "RecordModelVersionParentsInput")
TRAINING = mutation("registerTrainingEvent", "RegisterTrainingEventInput")

DSV = {"namespace": "s3://raw", "name": "transactions", "version": "2026-03-01"}
MISSING_DSV = {"namespace": "s3://raw", "name": "transactions", "version": "1999-01-01"}


def _ok(gql, query: str, field: str, variables: dict) -> dict:
    body = gql(query, {"input": variables})
    assert "errors" not in body, body
    result = body["data"][field]
    assert not result["__typename"].endswith("Error"), (field, result)
    return result


@pytest.fixture(scope="module")
def _seeded() -> dict:
    """The fingerprint of the registry as last seeded in this module."""
    return {}


@pytest.fixture
def registry(client, run_cypher, gql, _seeded):
    """A seeded registry. Seeding is redone only when the graph is not exactly as last seeded (a
    test before wrote to it, or another module emptied it): bad input writes nothing, so most
    tests share one seeding."""
    if _seeded.get("fingerprint") != graph_fingerprint(run_cypher):
        run_cypher("admin.wipe_registry")
        seed(gql)
        _seeded["fingerprint"] = graph_fingerprint(run_cypher)
    return run_cypher


def seed(gql) -> None:
    """A team, a dataset with a version, a model with two versions (one derived from the other,
    one evaluated on the dataset version), a training job and one of its runs, an ETL job and a
    production deployment: something to damage, and references to get right."""
    _ok(gql, TEAM, "registerTeam", {"name": "risk", "description": "The risk team"})
    _ok(gql, DATASET, "registerDataset", {
        "namespace": "s3://raw", "name": "transactions", "owner": "risk", "description": "Card transactions",
        "tags": ["raw", "finance"], "license": "proprietary", "privacy": "PII",
        "schema": [{"name": "amount", "type": "double"}]})
    _ok(gql, DATASET_VERSION, "registerDatasetVersion", {**DSV, "digest": DIGEST_DATASET, "rowCount": 1000})
    _ok(gql, MODEL, "registerModel", {"name": "credit-scoring", "owner": "risk", "riskTier": "HIGH"})
    _ok(gql, MODEL_VERSION, "registerModelVersion", {
        "model": "credit-scoring", "version": "1.0.0", "artifactUri": "s3://models/credit/1.0.0",
        "artifactDigest": DIGEST_MODEL, "framework": "xgboost", "description": "First version",
        "metrics": [{"name": "auc", "value": 0.91, "datasetVersion": DSV}]})
    _ok(gql, MODEL_VERSION, "registerModelVersion", {
        "model": "credit-scoring", "version": "1.1.0", "artifactDigest": DIGEST_OTHER,
        "derivedFrom": [{"model": "credit-scoring", "version": "1.0.0"}]})
    _ok(gql, JOB, "registerJob", {"namespace": "mlflow://training", "name": "train_credit", "owner": "risk"})
    _ok(gql, JOB, "registerJob", {"namespace": "airflow", "name": "etl_transactions", "owner": "risk"})
    _ok(gql, RUN, "registerRun", {
        "runId": "run-1", "jobNamespace": "mlflow://training", "jobName": "train_credit", "state": "COMPLETE",
        "startedAt": "2026-03-02T10:00:00Z", "endedAt": "2026-03-02T11:00:00Z",
        "codeRepository": "https://git.example.com/risk/credit", "codeCommit": "0a1b2c3d4e5f",
        "parameters": [{"name": "max_depth", "value": "6"}],
        "inputs": {"datasetVersions": [DSV]},
        "outputs": {"modelVersions": [{"model": "credit-scoring", "version": "1.0.0"}]}})
    _ok(gql, DEPLOYMENT, "registerDeployment", {
        "environment": "PRODUCTION", "name": "credit-api", "endpoint": "https://credit.example.com/score",
        "status": "ACTIVE", "serving": {"model": "credit-scoring", "version": "1.0.0"}})


# --- the table of bad requests ------------------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    """What a client sees. `how` is 'union' (a result-union error member), 'graphql' (a GraphQL
    error carrying `extensions.code`) or 'http' (the request refused before GraphQL)."""

    how: str
    code: str
    typename: str | None = None
    field: str | None = None
    kind: str | None = None
    status: int = 200


def invalid(field: str) -> Expect:
    return Expect("union", "BAD_USER_INPUT", "InvalidInputError", field=field)


def not_found(kind: str) -> Expect:
    return Expect("union", "NOT_FOUND", "NotFoundError", kind=kind)


def conflict(field: str) -> Expect:
    return Expect("union", "CONFLICT", "ConflictError", field=field)


VALIDATION_FAILED = Expect("graphql", "GRAPHQL_VALIDATION_FAILED")


@dataclass(frozen=True)
class Request:
    query: str | None = None
    variables: dict | None = None
    raw: bytes | None = None  # sent as the body as it is, for what JSON from json.dumps cannot say

    @property
    def root_field(self) -> str:
        return self.query.split("{", 2)[1].split("(")[0].strip()


def case(id: str, query: str, input: dict, expected: Expect):
    return pytest.param(Request(query, {"input": input}), expected, id=id)


def document(id: str, query: str, expected: Expect, variables: dict | None = None):
    return pytest.param(Request(query, variables), expected, id=id)


def raw_metric(id: str, literal: str, expected: Expect):
    """A model version whose metric value is `literal` spelled into the JSON body verbatim."""
    variables = {"input": {"model": "credit-scoring", "version": "2.0.0",
                           "metrics": [{"name": "auc", "value": "@VALUE@", "datasetVersion": DSV}]}}
    body = json.dumps({"query": MODEL_VERSION, "variables": variables}).replace('"@VALUE@"', literal)
    return pytest.param(Request(MODEL_VERSION, raw=body.encode()), expected, id=id)


def _training(**overrides) -> dict:
    """A training event for a new job and a new run: were any of it written, the graph would change."""
    event = {
        "jobNamespace": "mlflow://training", "jobName": "retrain_credit", "runId": "run-new",
        "jobOwner": "risk", "startedAt": "2026-04-01T10:00:00Z", "endedAt": "2026-04-01T11:00:00Z",
        "codeRepository": "https://git.example.com/risk/credit", "codeCommit": "abcdef1",
        "parameters": [{"name": "eta", "value": "0.1"}],
        "inputs": {"datasetVersions": [DSV]},
        "modelVersion": {"model": "credit-scoring", "version": "2.0.0", "artifactUri": "s3://models/credit/2.0.0",
                         "artifactDigest": "sha256:" + "d" * 64,
                         "metrics": [{"name": "auc", "value": 0.93, "datasetVersion": DSV}]},
    }
    for key, value in overrides.items():
        if key == "modelVersion":
            event["modelVersion"] = {**event["modelVersion"], **value}
        else:
            event[key] = value
    return event


def _model_version(**fields) -> dict:
    return {"model": "credit-scoring", "version": "2.0.0", **fields}


def _run(**fields) -> dict:
    return {"runId": "run-2", "jobNamespace": "mlflow://training", "jobName": "train_credit", **fields}


TEN_MB = "a" * (10 * 1024 * 1024)

CASES = [
    # Teams: names are identifiers.
    case("team-empty-name", TEAM, {"name": ""}, invalid("name")),
    case("team-whitespace-name", TEAM, {"name": "   "}, invalid("name")),
    case("team-name-with-newline", TEAM, {"name": "risk\nops"}, invalid("name")),
    case("team-name-with-nul", TEAM, {"name": "risk\x00"}, invalid("name")),
    case("team-name-detach-delete", TEAM, {"name": "risk" + DETACH_DELETE}, invalid("name")),
    case("team-name-or-1-equals-1", TEAM, {"name": "risk" + OR_TRUE}, invalid("name")),
    case("team-name-$props", TEAM, {"name": PROPS_PARAM}, invalid("name")),
    case("team-description-20000-chars", TEAM, {"name": "risk", "description": "x" * 20_000}, invalid("description")),
    case("team-description-with-nul", TEAM, {"name": "risk", "description": "a\x00b"}, invalid("description")),
    pytest.param(Request(TEAM, {"input": {"name": TEN_MB}}), Expect("http", "PAYLOAD_TOO_LARGE", status=413),
                 id="team-name-10-MB"),
    # Datasets.
    case("dataset-empty-name", DATASET, {"namespace": "s3://raw", "name": ""}, invalid("name")),
    case("dataset-name-padded-with-spaces", DATASET, {"namespace": "s3://raw", "name": " transactions"}, invalid("name")),
    case("dataset-name-with-tab", DATASET, {"namespace": "s3://raw", "name": "trans\tactions"}, invalid("name")),
    case("dataset-name-501-chars", DATASET, {"namespace": "s3://raw", "name": "t" * 501}, invalid("name")),
    case("dataset-invalid-namespace", DATASET, {"namespace": "not a namespace", "name": "x"}, invalid("namespace")),
    case("dataset-namespace-detach-delete", DATASET, {"namespace": "s3://raw" + DETACH_DELETE, "name": "transactions"},
         invalid("namespace")),
    case("dataset-unknown-owner", DATASET, {"namespace": "s3://raw", "name": "transactions", "owner": "nobody"},
         not_found("Team")),
    case("dataset-owner-or-1-equals-1", DATASET, {"namespace": "s3://raw", "name": "transactions", "owner": "risk" + OR_TRUE},
         invalid("owner")),
    case("dataset-51-tags", DATASET, {"namespace": "s3://raw", "name": "transactions",
                                      "tags": [f"t{i}" for i in range(51)]}, invalid("tags")),
    case("dataset-tag-upper-case-with-space", DATASET, {"namespace": "s3://raw", "name": "transactions",
                                                        "tags": ["ok", "Not OK"]}, invalid("tags")),
    case("dataset-bad-license", DATASET, {"namespace": "s3://raw", "name": "transactions", "license": "MIT license!"},
         invalid("license")),
    case("dataset-schema-field-twice", DATASET, {"namespace": "s3://raw", "name": "transactions",
                                                 "schema": [{"name": "a", "type": "int"}, {"name": "a", "type": "string"}]},
         invalid("schema")),
    case("dataset-unknown-privacy", DATASET, {"namespace": "s3://raw", "name": "transactions", "privacy": "TOP_SECRET"},
         VALIDATION_FAILED),
    # Dataset versions: immutable snapshots.
    case("dataset-version-unknown-dataset", DATASET_VERSION, {"namespace": "s3://raw", "name": "nope", "version": "1"},
         not_found("Dataset")),
    case("dataset-version-digest-too-short", DATASET_VERSION, {**DSV, "version": "2", "digest": "sha256:abc123"},
         invalid("digest")),
    case("dataset-version-digest-not-hex", DATASET_VERSION, {**DSV, "version": "2", "digest": "sha256:" + "g" * 64},
         invalid("digest")),
    case("dataset-version-digest-wrong-algorithm", DATASET_VERSION, {**DSV, "version": "2", "digest": "md5:" + "a" * 64},
         invalid("digest")),
    case("dataset-version-digest-changed", DATASET_VERSION, {**DSV, "digest": DIGEST_OTHER}, conflict("digest")),
    case("dataset-version-negative-row-count", DATASET_VERSION, {**DSV, "rowCount": -1}, invalid("rowCount")),
    case("dataset-version-row-count-as-string", DATASET_VERSION, {**DSV, "rowCount": "many"}, VALIDATION_FAILED),
    case("dataset-version-version-with-space", DATASET_VERSION, {**DSV, "version": "1 0"}, invalid("version")),
    case("dataset-version-version-leading-dot", DATASET_VERSION, {**DSV, "version": ".1"}, invalid("version")),
    case("dataset-version-version-detach-delete", DATASET_VERSION, {**DSV, "version": "1" + DETACH_DELETE},
         invalid("version")),
    case("dataset-version-missing-version", DATASET_VERSION, {"namespace": "s3://raw", "name": "transactions"},
         VALIDATION_FAILED),
    # Features.
    case("feature-unknown-source-dataset", FEATURE, {"group": "credit", "name": "amount_30d",
                                                     "derivedFromDatasets": [{"namespace": "s3://raw", "name": "nope"}]},
         not_found("Dataset")),
    case("feature-group-$props", FEATURE, {"group": PROPS_PARAM, "name": "amount_30d"}, invalid("group")),
    # Models.
    case("model-empty-name", MODEL, {"name": ""}, invalid("name")),
    case("model-unknown-owner", MODEL, {"name": "credit-scoring", "owner": "nobody"}, not_found("Team")),
    case("model-name-detach-delete", MODEL, {"name": "credit" + DETACH_DELETE}, invalid("name")),
    document("model-unknown-risk-tier-literal",
             'mutation { registerModel(input: {name: "credit-scoring", riskTier: EXTREME}) { __typename } }',
             VALIDATION_FAILED),
    # Model versions.
    case("model-version-unknown-model", MODEL_VERSION, {"model": "nope", "version": "1"}, not_found("Model")),
    case("model-version-artifact-uri-without-scheme", MODEL_VERSION, _model_version(artifactUri="models/credit/2.0.0"),
         invalid("artifactUri")),
    case("model-version-artifact-digest-malformed", MODEL_VERSION, _model_version(artifactDigest="sha256:xyz"),
         invalid("artifactDigest")),
    case("model-version-artifact-digest-changed", MODEL_VERSION,
         {"model": "credit-scoring", "version": "1.0.0", "artifactDigest": DIGEST_DATASET}, conflict("artifactDigest")),
    case("model-version-derived-from-itself", MODEL_VERSION,
         _model_version(derivedFrom=[{"model": "credit-scoring", "version": "2.0.0"}]), invalid("derivedFrom")),
    case("model-version-unknown-parent", MODEL_VERSION,
         _model_version(derivedFrom=[{"model": "credit-scoring", "version": "0.9.0"}]), not_found("ModelVersion")),
    case("model-version-501-parents", MODEL_VERSION,
         _model_version(derivedFrom=[{"model": "credit-scoring", "version": f"0.{i}"} for i in range(501)]),
         invalid("derivedFrom")),
    case("model-version-metric-unknown-dataset-version", MODEL_VERSION,
         _model_version(metrics=[{"name": "auc", "value": 0.9, "datasetVersion": MISSING_DSV}]),
         not_found("DatasetVersion")),
    case("model-version-metric-name-or-1-equals-1", MODEL_VERSION,
         _model_version(metrics=[{"name": "auc" + OR_TRUE, "value": 0.9, "datasetVersion": DSV}]),
         invalid("metrics[0].name")),
    case("model-version-metric-value-as-string", MODEL_VERSION,
         _model_version(metrics=[{"name": "auc", "value": "high", "datasetVersion": DSV}]), VALIDATION_FAILED),
    case("model-version-unknown-stage", MODEL_VERSION, _model_version(stage="LIVE"), VALIDATION_FAILED),
    case("model-version-bad-compliance-flag", MODEL_VERSION, _model_version(complianceFlags=["GDPR OK"]),
         invalid("complianceFlags")),
    document("model-version-metric-1e400-literal", """mutation { registerModelVersion(input: {
                model: "credit-scoring", version: "2.0.0", metrics: [{name: "auc", value: 1e400,
                datasetVersion: {namespace: "s3://raw", name: "transactions", version: "2026-03-01"}}]}) { %s } }"""
             % ERRORS, invalid("metrics[0].value")),
    raw_metric("model-version-metric-1e400-in-json-variables", "1e400", VALIDATION_FAILED),
    # NaN and Infinity are not JSON; Python's decoder reads them anyway, and GraphQL's Float refuses
    # them while coercing the variables, before any resolver runs.
    raw_metric("model-version-metric-NaN-in-json", "NaN", VALIDATION_FAILED),
    raw_metric("model-version-metric-Infinity-in-json", "Infinity", VALIDATION_FAILED),
    raw_metric("model-version-metric-minus-Infinity-in-json", "-Infinity", VALIDATION_FAILED),
    # Jobs.
    case("job-empty-name", JOB, {"namespace": "airflow", "name": ""}, invalid("name")),
    case("job-invalid-namespace", JOB, {"namespace": "9airflow", "name": "etl"}, invalid("namespace")),
    case("job-unknown-owner", JOB, {"namespace": "airflow", "name": "etl_transactions", "owner": "nobody"},
         not_found("Team")),
    # Runs.
    case("run-empty-run-id", RUN, _run(runId=""), invalid("runId")),
    case("run-unknown-job", RUN, _run(jobName="nope"), not_found("Job")),
    case("run-unknown-input-dataset-version", RUN, _run(inputs={"datasetVersions": [MISSING_DSV]}),
         not_found("DatasetVersion")),
    case("run-unknown-output-model-version", RUN, _run(outputs={"modelVersions": [{"model": "credit-scoring",
                                                                                    "version": "9.9.9"}]}),
         not_found("ModelVersion")),
    case("run-outputs-features", RUN, _run(outputs={"features": [{"group": "credit", "name": "amount_30d"}]}),
         invalid("outputs.features")),
    case("run-ended-before-started", RUN, _run(startedAt="2026-03-02T11:00:00Z", endedAt="2026-03-02T10:00:00Z"),
         invalid("endedAt")),
    case("run-invalid-git-commit", RUN, _run(codeCommit="not-a-commit"), invalid("codeCommit")),
    case("run-git-commit-too-short", RUN, _run(codeCommit="abc12"), invalid("codeCommit")),
    case("run-code-repository-without-scheme", RUN, _run(codeRepository="git.example.com/risk/credit"),
         invalid("codeRepository")),
    case("run-duplicate-parameter-names", RUN, _run(parameters=[{"name": "eta", "value": "0.1"},
                                                                {"name": "eta", "value": "0.2"}]),
         invalid("parameters")),
    case("run-201-parameters", RUN, _run(parameters=[{"name": f"p{i}", "value": "1"} for i in range(201)]),
         invalid("parameters")),
    case("run-parameter-name-with-newline", RUN, _run(parameters=[{"name": "max\ndepth", "value": "6"}]),
         invalid("parameters.key")),
    case("run-parameter-value-4097-chars", RUN, _run(parameters=[{"name": "blob", "value": "x" * 4097}]),
         invalid("parameters")),
    case("run-moved-to-another-job", RUN, {"runId": "run-1", "jobNamespace": "airflow", "jobName": "etl_transactions"},
         conflict("job")),
    case("run-unknown-state", RUN, _run(state="EXPLODED"), VALIDATION_FAILED),
    # Deployments.
    case("deployment-endpoint-not-a-uri", DEPLOYMENT, {"environment": "PRODUCTION", "name": "credit-api",
                                                       "endpoint": "not a uri"}, invalid("endpoint")),
    case("deployment-serving-unknown-model-version", DEPLOYMENT,
         {"environment": "STAGING", "name": "credit-api", "serving": {"model": "credit-scoring", "version": "9.9.9"}},
         not_found("ModelVersion")),
    case("deployment-unknown-environment", DEPLOYMENT, {"environment": "MARS", "name": "credit-api"}, VALIDATION_FAILED),
    # Lineage added later.
    case("run-lineage-unknown-run", RUN_LINEAGE, {"runId": "run-404", "inputs": {"datasetVersions": [DSV]}},
         not_found("Run")),
    case("run-lineage-unknown-dataset-version", RUN_LINEAGE, {"runId": "run-1", "inputs": {"datasetVersions": [MISSING_DSV]}},
         not_found("DatasetVersion")),
    case("parents-include-itself", PARENTS, {"modelVersion": {"model": "credit-scoring", "version": "1.1.0"},
                                             "parents": [{"model": "credit-scoring", "version": "1.1.0"}]},
         invalid("parents")),
    case("parents-of-unknown-model-version", PARENTS, {"modelVersion": {"model": "credit-scoring", "version": "7.0.0"},
                                                       "parents": [{"model": "credit-scoring", "version": "1.0.0"}]},
         not_found("ModelVersion")),
    case("parents-unknown-parent", PARENTS, {"modelVersion": {"model": "credit-scoring", "version": "1.1.0"},
                                             "parents": [{"model": "credit-scoring", "version": "0.1.0"}]},
         not_found("ModelVersion")),
    # Training events: one transaction; a failure late in it must leave no job, no run, no version.
    case("training-metric-on-unknown-dataset-version", TRAINING,
         _training(modelVersion={"metrics": [{"name": "auc", "value": 0.93, "datasetVersion": MISSING_DSV}]}),
         not_found("DatasetVersion")),
    case("training-unknown-input-dataset-version", TRAINING, _training(inputs={"datasetVersions": [MISSING_DSV]}),
         not_found("DatasetVersion")),
    case("training-unknown-model", TRAINING, _training(modelVersion={"model": "nope"}), not_found("Model")),
    case("training-unknown-job-owner", TRAINING, _training(jobOwner="nobody"), not_found("Team")),
    case("training-artifact-digest-changed", TRAINING,
         _training(modelVersion={"version": "1.0.0", "artifactDigest": DIGEST_DATASET}), conflict("artifactDigest")),
    case("training-metric-value-1e400-as-string", TRAINING,
         _training(modelVersion={"metrics": [{"name": "auc", "value": "1e400", "datasetVersion": DSV}]}),
         VALIDATION_FAILED),
    # Documents that do not fit the schema.
    document("missing-required-argument", "mutation { registerTeam { __typename } }", VALIDATION_FAILED),
    document("missing-required-variable", TEAM, VALIDATION_FAILED, variables={}),
    case("unknown-input-field", TEAM, {"name": "risk", "colour": "red"}, VALIDATION_FAILED),
    case("null-for-required-field", TEAM, {"name": None}, VALIDATION_FAILED),
    case("list-for-string-field", TEAM, {"name": ["risk"]}, VALIDATION_FAILED),
]


def _send(client, request: Request):
    if request.raw is not None:
        return client.post("/graphql", content=request.raw, headers={"content-type": "application/json"})
    return client.post("/graphql", json={"query": request.query, "variables": request.variables or {}})


@pytest.mark.parametrize(("request_", "expected"), CASES)
def test_bad_input_gets_a_typed_error_and_leaves_the_graph_unchanged(registry, client, request_, expected):
    before = graph_fingerprint(registry)
    audit_before = audit_fingerprint(registry)  # a refused mutation is not audited either

    response = _send(client, request_)

    assert response.status_code == expected.status, response.text[:2000]
    body = response.json()
    if expected.how == "union":
        assert "errors" not in body, body
        result = body["data"][request_.root_field]
        assert result["__typename"] == expected.typename, result
        assert result["code"] == expected.code, result
        assert result["message"], result
        if expected.field is not None:
            assert result["field"] == expected.field, result
        if expected.kind is not None:
            assert result["kind"] == expected.kind, result
            assert result["key"], result
    else:
        codes = [error.get("extensions", {}).get("code") for error in body["errors"]]
        assert codes and set(codes) == {expected.code}, body
        assert not body.get("data"), body
    assert graph_fingerprint(registry) == before, "the graph changed"
    assert audit_fingerprint(registry) == audit_before, "an audit event was appended"


def test_the_table_is_big_enough():
    assert len(CASES) >= 35


def test_the_fingerprint_sees_a_change(registry, gql):
    """The hash is not blind: one changed property changes it."""
    before = graph_fingerprint(registry)
    _ok(gql, TEAM, "registerTeam", {"name": "risk", "description": "Changed"})
    assert graph_fingerprint(registry) != before


# --- hostile-looking text where free text is legal ----------------------------------------------

def _nodes_by_id(run_cypher) -> dict[str, dict]:
    return {row["props"]["id"]: row for row in run_cypher("admin.all_nodes")}


TEXT_TARGETS = {
    "team-description": (
        "registerTeam", "RegisterTeamInput", "Team",
        lambda text: {"name": "risk", "description": text}, "description"),
    "dataset-description": (
        "registerDataset", "RegisterDatasetInput", "Dataset",
        lambda text: {"namespace": "s3://raw", "name": "transactions", "description": text}, "description"),
    "model-version-description": (
        "registerModelVersion", "RegisterModelVersionInput", "ModelVersion",
        lambda text: {"model": "credit-scoring", "version": "1.0.0", "description": text}, "description"),
}


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=["detach-delete", "or-1-equals-1", "$props", "match-delete"])
@pytest.mark.parametrize("target", list(TEXT_TARGETS))
def test_hostile_looking_free_text_is_stored_verbatim_and_touches_nothing_else(registry, gql, target, text):
    field, input_type, label, make_input, prop = TEXT_TARGETS[target]
    nodes_before, edges_before = _nodes_by_id(registry), _edge_rows(registry)

    body = gql(mutation(field, input_type), {"input": make_input(text)})

    assert "errors" not in body, body
    assert not body["data"][field]["__typename"].endswith("Error"), body
    nodes_after = _nodes_by_id(registry)
    assert nodes_after.keys() == nodes_before.keys()
    assert _edge_rows(registry) == edges_before
    changed = [node_id for node_id in nodes_before if nodes_after[node_id] != nodes_before[node_id]]
    assert len(changed) == 1, changed
    (node_id,) = changed
    before, after = nodes_before[node_id], nodes_after[node_id]
    assert label in after["labels"]
    assert after["props"][prop] == text
    # Only the text and the update stamp moved.
    untouched = {prop, "updated_at", "updated_by"}
    assert {k: v for k, v in after["props"].items() if k not in untouched} == \
           {k: v for k, v in before["props"].items() if k not in untouched}


def test_hostile_looking_parameter_names_and_values_are_stored_verbatim(registry, gql):
    """Run parameters are free text (printable, bounded): stored as they are, nothing else moves."""
    query = """mutation($input: RegisterRunInput!) { registerRun(input: $input) { __typename
      ... on RunRegistration { node { runId parameters { name value } } } } }"""
    parameters = [{"name": DETACH_DELETE, "value": OR_TRUE}, {"name": PROPS_PARAM, "value": DETACH_DELETE}]
    nodes_before, edges_before = _nodes_by_id(registry), _edge_rows(registry)

    body = gql(query, {"input": {"runId": "run-1", "jobNamespace": "mlflow://training", "jobName": "train_credit",
                                 "parameters": parameters}})

    assert "errors" not in body, body
    run = body["data"]["registerRun"]
    assert run["__typename"] == "RunRegistration", run
    assert sorted(run["node"]["parameters"], key=lambda p: p["name"]) == sorted(parameters, key=lambda p: p["name"])
    nodes_after = _nodes_by_id(registry)
    assert nodes_after.keys() == nodes_before.keys()
    assert _edge_rows(registry) == edges_before
    changed = [node_id for node_id in nodes_before if nodes_after[node_id] != nodes_before[node_id]]
    assert len(changed) == 1 and "Run" in nodes_after[changed[0]]["labels"], changed
    assert json.loads(nodes_after[changed[0]]["props"]["parameters"]) == {p["name"]: p["value"] for p in parameters}
