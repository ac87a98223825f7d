"""A run may read another team's data, but not claim another team's dataset or model version as its
output (registerRun, recordRunLineage, registerTrainingEvent): FORBIDDEN, audited, nothing written."""

from __future__ import annotations

import pytest

from tests.catalog.fingerprint import graph_fingerprint

REGISTER_RUN = """mutation($input: RegisterRunInput!) { registerRun(input: $input) {
  __typename ... on UserError { code message } } }"""
RECORD_LINEAGE = """mutation($input: RecordRunLineageInput!) { recordRunLineage(input: $input) {
  __typename ... on UserError { code message } } }"""
TRAINING = """mutation($input: RegisterTrainingEventInput!) { registerTrainingEvent(input: $input) {
  __typename ... on UserError { code message } } }"""
CARDS = {"namespace": "s3://raw", "name": "cards", "version": "1"}
FRAUD = {"model": "fraud", "version": "1"}


@pytest.fixture
def two_teams(graph, gql):
    """payments owns s3://raw/cards@1 and fraud@1; risk owns job airflow/risk.scoring and its run r-1."""
    for team in ("risk", "payments"):
        gql("mutation($n: String!) { registerTeam(input: {name: $n}) { __typename } }", {"n": team})
    for document in (
            'registerDataset(input: {namespace: "s3://raw", name: "cards", owner: "payments"})',
            'registerDatasetVersion(input: {namespace: "s3://raw", name: "cards", version: "1"})',
            'registerModel(input: {name: "fraud", owner: "payments"})',
            'registerModelVersion(input: {model: "fraud", version: "1"})',
            'registerModel(input: {name: "scorer", owner: "risk"})',
            'registerJob(input: {namespace: "airflow", name: "risk.scoring", owner: "risk"})',
            'registerRun(input: {runId: "r-1", jobNamespace: "airflow", jobName: "risk.scoring"})'):
        body = gql("mutation { %s { __typename } }" % document)
        assert not body["data"][next(iter(body["data"]))]["__typename"].endswith("Error"), body
    return graph


def test_claiming_another_teams_versions_as_a_runs_output_is_forbidden(two_teams, gql, principal_headers, run_cypher):
    risk = principal_headers("rita", roles=["contributor"], teams=["risk"])
    run = {"runId": "r-2", "jobNamespace": "airflow", "jobName": "risk.scoring"}
    before = graph_fingerprint(two_teams)
    attempts = [
        ("registerRun", REGISTER_RUN, {**run, "outputs": {"datasetVersions": [CARDS]}}, "s3://raw/cards/1"),
        ("registerRun", REGISTER_RUN, {**run, "outputs": {"modelVersions": [FRAUD]}}, "fraud/1"),
        ("recordRunLineage", RECORD_LINEAGE, {"runId": "r-1", "outputs": {"datasetVersions": [CARDS]}}, "cards"),
        ("recordRunLineage", RECORD_LINEAGE, {"runId": "r-1", "outputs": {"modelVersions": [FRAUD]}}, "fraud"),
    ]
    for mutation, document, request, named in attempts:
        result = gql(document, {"input": request}, headers=risk)["data"][mutation]
        assert result["__typename"] == "ForbiddenError", (mutation, request, result)
        assert "payments" in result["message"] and named in result["message"], result
    assert graph_fingerprint(two_teams) == before
    denied = [row["event"] for row in run_cypher("admin.audit_events") if row["event"]["outcome"] == "denied"]
    assert [e["action"] for e in denied] == ["registerRun", "registerRun", "recordRunLineage", "recordRunLineage"]

    # Reading them is fine, and so is a training event reading them while producing its own model.
    read = gql(RECORD_LINEAGE, {"input": {"runId": "r-1", "inputs": {"datasetVersions": [CARDS],
                                                                        "modelVersions": [FRAUD]}}}, headers=risk)
    assert not read["data"]["recordRunLineage"]["__typename"].endswith("Error"), read
    trained = gql(TRAINING, {"input": {"jobNamespace": "airflow", "jobName": "risk.scoring", "runId": "r-3",
                                       "modelVersion": {"model": "scorer", "version": "1"},
                                       "inputs": {"datasetVersions": [CARDS]}}}, headers=risk)
    assert not trained["data"]["registerTrainingEvent"]["__typename"].endswith("Error"), trained
