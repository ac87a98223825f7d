"""Tokens, the team scope of writes, and the lineage endpoint's permission."""

from __future__ import annotations

import pytest

from tests.catalog.fingerprint import graph_fingerprint
from tests.openlineage.story import daily_pipeline

REGISTER_DATASET = """mutation($input: RegisterDatasetInput!) { registerDataset(input: $input) {
  __typename ... on DatasetRegistration { node { ownerName } } ... on UserError { code message } } }"""
REGISTER_VERSION = """mutation($input: RegisterDatasetVersionInput!) { registerDatasetVersion(input: $input) {
  __typename ... on UserError { code message } } }"""
REGISTER_MODEL_VERSION = """mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) {
  __typename ... on UserError { code message } } }"""


@pytest.fixture
def two_teams(graph, gql):
    for team in ("risk", "payments"):
        gql("mutation($n: String!) { registerTeam(input: {name: $n}) { __typename } }", {"n": team})
    gql(REGISTER_DATASET, {"input": {"namespace": "s3://raw", "name": "cards", "owner": "payments"}})
    gql("""mutation { registerModel(input: {name: "fraud", owner: "payments"}) { __typename } }""")
    return graph


def _typename(answer: dict, field: str) -> str:
    return answer["data"][field]["__typename"]


def test_a_contributor_changes_what_its_team_owns_and_nothing_else(two_teams, gql, principal_headers):
    risk = principal_headers("ana", roles=["contributor"], teams=["risk"])
    payments = principal_headers("bo", roles=["contributor"], teams=["payments"])
    before = graph_fingerprint(two_teams)
    refused = [
        gql(REGISTER_DATASET, {"input": {"namespace": "s3://raw", "name": "cards", "description": "mine"}}, headers=risk),
        gql(REGISTER_DATASET, {"input": {"namespace": "s3://raw", "name": "new", "owner": "payments"}}, headers=risk),
        gql(REGISTER_VERSION, {"input": {"namespace": "s3://raw", "name": "cards", "version": "1"}}, headers=risk),
        gql(REGISTER_MODEL_VERSION, {"input": {"model": "fraud", "version": "1"}}, headers=risk),
    ]
    for answer in refused:
        field = next(iter(answer["data"]))
        assert answer["data"][field]["__typename"] == "ForbiddenError", answer
        assert "payments" in answer["data"][field]["message"]
    assert graph_fingerprint(two_teams) == before

    assert _typename(gql(REGISTER_DATASET, {"input": {"namespace": "s3://raw", "name": "cards", "description": "ours"}},
                         headers=payments), "registerDataset") == "DatasetRegistration"
    assert _typename(gql(REGISTER_VERSION, {"input": {"namespace": "s3://raw", "name": "cards", "version": "1"}},
                         headers=payments), "registerDatasetVersion") == "DatasetVersionRegistration"
    own = gql(REGISTER_DATASET, {"input": {"namespace": "s3://risk", "name": "scores", "owner": "risk"}}, headers=risk)
    assert own["data"]["registerDataset"]["node"]["ownerName"] == "risk"


def test_only_principals_allowed_to_ingest_may_send_lineage_events(graph, client, principal_headers):
    event = daily_pipeline(1)[1]
    viewer = principal_headers("watcher", roles=["viewer"])
    refused = client.post("/api/v1/lineage", json=event, headers=viewer)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert client.post("/api/v1/lineage", json=event, headers={"Authorization": "Bearer lg_nope"}).status_code == 401
    assert client.post("/api/v1/lineage", json=event, headers={"Authorization": ""}).status_code == 401
    # The event gives its dataset to team risk-data: its sender must be a member (the team scope).
    pipeline = principal_headers("airflow-prod", roles=["contributor"], teams=["risk-data"])
    accepted = client.post("/api/v1/lineage", json=event, headers=pipeline)
    assert accepted.status_code == 201, accepted.text


def test_tokens_are_shown_once_stored_hashed_and_checked_on_input(graph, gql, run_cypher):
    issued = gql("""mutation { createApiToken(input: {principal: "ci-bot", roles: [CONTRIBUTOR]}) {
        __typename ... on IssuedApiToken { secret token { id principal createdBy revokedAt } } } }""")
    token = issued["data"]["createApiToken"]
    assert token["secret"].startswith("lg_") and len(token["secret"]) >= 40
    assert token["token"]["principal"] == "ci-bot" and token["token"]["createdBy"] == "bootstrap-admin"
    stored = [row["props"] for row in run_cypher("admin.all_nodes") if "ApiToken" in row["labels"]]
    assert len(stored) == 1 and token["secret"] not in str(stored)  # only the hash is kept

    for bad_input, field in ((('principal: "x y", roles: [VIEWER]'), "principal"),
                             (('principal: "ok", roles: []'), "roles"),
                             (('principal: "ok", roles: [VIEWER], teams: ["ghost"]'), None),
                             (('principal: "ok", roles: [VIEWER], expiresAt: "2020-01-01T00:00:00Z"'), "expiresAt")):
        answer = gql("mutation { createApiToken(input: {%s}) { __typename ... on UserError { code } "
                     "... on InvalidInputError { field } } }" % bad_input)["data"]["createApiToken"]
        assert answer["__typename"] in ("InvalidInputError", "NotFoundError"), (bad_input, answer)
        if field:
            assert answer["field"] == field
