"""`lineagegraph token create | list | revoke` against a live registry, as the suite's admin
(LINEAGEGRAPH_TOKEN) unless a test passes another principal's --token."""

from __future__ import annotations

import json

import httpx
from click.testing import CliRunner

from app.cli.tokens import ROLES
from app.core.access import Role
from app.cli.main import main
from app.cli.localneo4j import free_port
from tests.conftest import ADMIN_HEADERS

ME = "{ me { name roles teams } }"


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _me(live_service: str, secret: str) -> httpx.Response:
    return httpx.post(f"{live_service}/graphql", json={"query": ME},
                      headers={"Authorization": f"Bearer {secret}"}, timeout=10)


def _register_team(live_service: str, name: str) -> None:
    response = httpx.post(f"{live_service}/graphql", headers=ADMIN_HEADERS, timeout=10, json={
        "query": "mutation($n: String!) { registerTeam(input: {name: $n}) { __typename } }", "variables": {"n": name}})
    assert response.status_code == 200 and "errors" not in response.json(), response.text


def test_create_list_revoke(graph, live_service):
    _register_team(live_service, "risk")
    created = cli("token", "create", "--registry-url", live_service, "--principal", "airflow-prod",
                  "--role", "contributor", "--role", "APPROVER", "--team", "risk", "--description", "airflow prod")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("lg_") and "\n" not in secret  # alone on stdout: $(…) captures just the secret
    assert "issued token " in created.stderr and secret not in created.stderr
    token_id = created.stderr.split("issued token ", 1)[1].split()[0]

    me = _me(live_service, secret)
    assert me.status_code == 200, me.text
    assert me.json()["data"]["me"] == {"name": "airflow-prod", "roles": ["APPROVER", "CONTRIBUTOR"], "teams": ["risk"]}

    listed = cli("token", "list", "--registry-url", live_service, "--principal", "airflow-prod")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].split("\t")[:3] == [token_id, "airflow-prod", "active"]
    assert lines[0].endswith("airflow prod")
    assert secret not in listed.output

    revoked = cli("token", "revoke", "--registry-url", live_service, token_id)
    assert revoked.exit_code == 0, revoked.output
    assert token_id in revoked.stdout and "revoked" in revoked.stdout
    refused = _me(live_service, secret)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    as_json = cli("token", "list", "--registry-url", live_service, "--json")
    assert as_json.exit_code == 0
    [record] = [t for t in json.loads(as_json.stdout)["tokens"] if t["id"] == token_id]
    assert record["revokedAt"] is not None and record["revokedBy"] == "bootstrap-admin"
    again = cli("token", "revoke", "--registry-url", live_service, token_id)  # harmless
    assert again.exit_code == 0, again.output


def test_create_with_json_prints_one_document(graph, live_service):
    created = cli("token", "create", "--registry-url", live_service, "--principal", "ana", "--role", "viewer",
                  "--expires-at", "2099-01-01T00:00:00Z", "--json")
    assert created.exit_code == 0, created.output
    document = json.loads(created.stdout)
    assert document["ok"] is True and document["exitCode"] == 0
    assert document["token"]["principal"] == "ana" and document["token"]["expiresAt"].startswith("2099-01-01")
    assert _me(live_service, document["secret"]).json()["data"]["me"]["name"] == "ana"


def test_refusals_exit_1_denials_4_unreachable_3(graph, live_service):
    unknown_team = cli("token", "create", "--registry-url", live_service, "--principal", "ana", "--role", "contributor",
                       "--team", "ghosts")
    assert unknown_team.exit_code == 1, unknown_team.output
    assert "ghosts" in unknown_team.stderr and "NOT_FOUND" in unknown_team.stderr
    assert unknown_team.stdout == ""

    no_such = cli("token", "revoke", "--registry-url", live_service, "no-such-token", "--json")
    assert no_such.exit_code == 1
    assert json.loads(no_such.stdout)["error"]["code"] == "NOT_FOUND"

    viewer = cli("token", "create", "--registry-url", live_service, "--principal", "watcher", "--role", "viewer")
    assert viewer.exit_code == 0, viewer.output
    viewer_secret = viewer.stdout.strip()
    for args in (["create", "--principal", "mallory", "--role", "admin"], ["list"], ["revoke", "x"]):
        denied = cli("token", *args, "--registry-url", live_service, "--token", viewer_secret)
        assert denied.exit_code == 4, (args, denied.output)
        assert "FORBIDDEN" in denied.stderr
    bad_token = cli("token", "list", "--registry-url", live_service, "--token", "lg_not-a-token")
    assert bad_token.exit_code == 4 and "UNAUTHENTICATED" in bad_token.stderr

    unreachable = cli("token", "list", "--registry-url", f"http://127.0.0.1:{free_port()}", "--retries", "0")
    assert unreachable.exit_code == 3, unreachable.output
    assert "Cannot reach the registry" in unreachable.stderr

    usage = cli("token", "create", "--registry-url", live_service, "--principal", "ana", "--role", "overlord")
    assert usage.exit_code == 2


def test_role_choices_are_the_schemas_roles():
    assert ROLES == tuple(role.value for role in Role)
