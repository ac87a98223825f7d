"""Tokens stop at once: an expired token is refused the moment it expires (the authentication cache
keeps expiresAt), and every write re-reads its token and principal inside its transaction, so a
demotion or a revocation holds for writes at once on every process — here simulated by putting the
stale principal back into this process's cache, as another process's cache would still hold it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from app.auth.service import AUTHENTICATION_CACHE, hash_token
from tests.catalog.fingerprint import graph_fingerprint
from tests.openlineage.story import daily_pipeline

ME = "{ me { name roles teams } }"
REGISTER = """mutation($name: String!) { registerDataset(input: {namespace: "s3://risk", name: $name, owner: "risk"}) {
  __typename ... on UserError { code message } } }"""
ISSUE = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  __typename ... on IssuedApiToken { secret token { id expiresAt } } ... on UserError { message } } }"""


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _issue(gql, name: str, roles: list[str], teams: list[str], expires_at: datetime | None = None) -> dict:
    request = {"principal": name, "roles": roles, "teams": teams}
    if expires_at is not None:
        request["expiresAt"] = expires_at.isoformat()
    issued = gql(ISSUE, {"input": request})["data"]["createApiToken"]
    assert issued["__typename"] == "IssuedApiToken", issued
    return issued


@pytest.fixture
def risk(graph, gql):
    gql('mutation { registerTeam(input: {name: "risk"}) { __typename } }')
    return graph


def test_an_expired_token_is_refused_right_after_expiry_not_a_cache_lifetime_later(risk, client, gql):
    expires_at = datetime.now(UTC) + timedelta(seconds=2)
    issued = _issue(gql, "temp-bot", ["CONTRIBUTOR"], ["risk"], expires_at)
    headers = _bearer(issued["secret"])
    assert client.post("/graphql", json={"query": ME}, headers=headers).status_code == 200
    cached_at = time.monotonic()
    assert AUTHENTICATION_CACHE.get(hash_token(issued["secret"])) is not None  # it is cached now

    time.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()) + 0.2)
    assert time.monotonic() - cached_at < AUTHENTICATION_CACHE.ttl  # still inside the cache's lifetime
    refused = client.post("/graphql", json={"query": ME}, headers=headers)
    assert refused.status_code == 401, refused.text
    assert client.post("/api/v1/lineage", json=daily_pipeline(1)[0], headers=headers).status_code == 401


def test_a_demoted_principals_old_token_may_not_write_even_from_a_stale_cache(risk, client, gql, run_cypher):
    old = _issue(gql, "dana", ["CONTRIBUTOR"], ["risk"])["secret"]
    headers = _bearer(old)
    assert client.post("/graphql", json={"query": REGISTER, "variables": {"name": "a"}},
                       headers=headers).json()["data"]["registerDataset"]["__typename"] == "DatasetRegistration"
    stale = AUTHENTICATION_CACHE.get(hash_token(old))
    assert stale is not None and stale.teams == {"risk"}

    _issue(gql, "dana", ["VIEWER"], ["risk"])  # re-issued as a viewer: her roles change, the old token stays valid
    AUTHENTICATION_CACHE.put(hash_token(old), stale)  # another process's cache still says contributor
    before = graph_fingerprint(risk)
    me = client.post("/graphql", json={"query": ME}, headers=headers).json()["data"]["me"]
    assert me["roles"] == ["CONTRIBUTOR"]  # reads may lag by the cache's lifetime (README "Authorization")

    answer = client.post("/graphql", json={"query": REGISTER, "variables": {"name": "b"}}, headers=headers).json()
    result = answer["data"]["registerDataset"]
    assert result["__typename"] == "ForbiddenError" and "viewer" in result["message"], result
    assert graph_fingerprint(risk) == before
    denied = [row["event"] for row in run_cypher("admin.audit_events")][-1]
    assert (denied["actor"], denied["action"], denied["outcome"]) == ("dana", "registerDataset", "denied")

    # The refusal dropped the stale entry: the next request sees the principal as it now is.
    me = client.post("/graphql", json={"query": ME}, headers=headers).json()["data"]["me"]
    assert me["roles"] == ["VIEWER"]

    # Lineage events re-read their senders' tokens too.
    AUTHENTICATION_CACHE.put(hash_token(old), stale)
    refused = client.post("/api/v1/lineage", json=daily_pipeline(1)[0], headers=headers)
    assert refused.status_code == 403 and "ingest_lineage" in refused.json()["errors"][0]["message"], refused.text
    assert graph_fingerprint(risk) == before


def test_a_token_revoked_elsewhere_may_not_write_through_a_stale_cache(risk, client, gql):
    issued = _issue(gql, "leaver", ["CONTRIBUTOR"], ["risk"])
    headers = _bearer(issued["secret"])
    assert client.post("/graphql", json={"query": ME}, headers=headers).status_code == 200
    stale = AUTHENTICATION_CACHE.get(hash_token(issued["secret"]))
    revoked = gql("mutation($id: String!) { revokeApiToken(id: $id) { __typename } }", {"id": issued["token"]["id"]})
    assert revoked["data"]["revokeApiToken"]["__typename"] == "ApiToken"
    AUTHENTICATION_CACHE.put(hash_token(issued["secret"]), stale)  # as another process still has it
    before = graph_fingerprint(risk)

    response = client.post("/graphql", json={"query": REGISTER, "variables": {"name": "c"}}, headers=headers)
    assert response.status_code == 401, response.text  # as the middleware answers a token it knows is dead
    answer = response.json()
    assert (answer.get("data") or {}).get("registerDataset") is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer
    AUTHENTICATION_CACHE.put(hash_token(issued["secret"]), stale)
    assert client.post("/api/v1/lineage", json=daily_pipeline(1)[0], headers=headers).status_code == 401
    assert graph_fingerprint(risk) == before
    # Evicted on the refusal: from now on the token authenticates nobody here either.
    assert client.post("/graphql", json={"query": ME}, headers=headers).status_code == 401
