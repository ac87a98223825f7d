"""The compliance documents at their doors: the HTTP paths (content types, `asOf`, typed refusals,
the read permission) and `lineagegraph export` / `lineagegraph report` writing a file, with the exit
statuses every remote command has. What the documents say is tested beside their renderings."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from prov.model import ProvDocument

from app.cli.localneo4j import free_port
from app.cli.main import main
from tests.conftest import load_demo

DEPLOYMENT = "/deployments/production/credit-scoring-api"
BEFORE_REDEPLOY = "2026-03-15T00:00:00Z"  # credit-scoring@1 served from 03-10, @2 from 03-20


@pytest.fixture
def demo(graph, settings, queries):
    load_demo(settings, queries)


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"errors"}, body
    return body["errors"][0]


def test_each_document_is_served_with_its_media_type_now_and_as_of_a_past_time(demo, client):
    prov = client.get(f"/exports/prov{DEPLOYMENT}")
    assert prov.status_code == 200, prov.text
    assert prov.headers["content-type"].startswith("application/json")
    assert ProvDocument.deserialize(content=prov.text, format="json").get_records()

    bom = client.get(f"/exports/cyclonedx{DEPLOYMENT}")
    assert bom.status_code == 200, bom.text
    assert bom.headers["content-type"].startswith("application/vnd.cyclonedx+json")
    assert json.loads(bom.text)["specVersion"] == "1.6"

    html = client.get(f"/reports{DEPLOYMENT}")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    now = client.get(f"/reports{DEPLOYMENT}", params={"format": "markdown"})
    assert now.status_code == 200 and now.headers["content-type"].startswith("text/markdown")
    assert "credit-scoring@2" in now.text

    before = client.get(f"/reports{DEPLOYMENT}", params={"format": "markdown", "asOf": BEFORE_REDEPLOY})
    assert before.status_code == 200, before.text
    assert "credit-scoring@1" in before.text
    summary = before.text.split("\n## ", 2)[1] if "\n## " in before.text else before.text
    assert "credit-scoring@2" not in summary

    by_version = client.get("/exports/cyclonedx/model-versions/credit-scoring/2")
    assert by_version.status_code == 200, by_version.text
    # The environment is stored in lower case; the path may spell it as GraphQL does.
    assert client.get("/exports/prov/deployments/PRODUCTION/credit-scoring-api").status_code == 200


def test_bad_paths_and_parameters_get_the_usual_typed_refusals(demo, client):
    unknown = client.get("/exports/prov/deployments/production/no-such-api")
    assert unknown.status_code == 404 and _error(unknown)["extensions"]["code"] == "NOT_FOUND"

    unknown_version = client.get("/reports/model-versions/credit-scoring/404")
    assert unknown_version.status_code == 404 and _error(unknown_version)["extensions"]["code"] == "NOT_FOUND"

    nothing_described = client.get("/exports/prov/teams/risk/x")
    assert nothing_described.status_code == 404 and _error(nothing_described)["extensions"]["code"] == "NOT_FOUND"

    malformed = client.get(f"/exports/cyclonedx{DEPLOYMENT}", params={"asOf": "yesterday"})
    assert malformed.status_code == 422
    assert _error(malformed)["extensions"] == {"code": "BAD_USER_INPUT", "field": "asOf"}

    no_year_10000 = client.get(f"/exports/prov{DEPLOYMENT}", params={"asOf": "0001-01-01T00:00:00+14:00"})
    assert no_year_10000.status_code == 422 and _error(no_year_10000)["extensions"]["field"] == "asOf"

    bad_environment = client.get("/exports/prov/deployments/moon/credit-scoring-api")
    assert bad_environment.status_code == 422
    assert _error(bad_environment)["extensions"]["code"] == "BAD_USER_INPUT"

    bad_format = client.get(f"/reports{DEPLOYMENT}", params={"format": "pdf"})
    assert bad_format.status_code == 422 and _error(bad_format)["extensions"]["field"] == "format"


def test_documents_are_reads_a_caller_without_a_valid_token_may_not_make(demo, client, principal_headers):
    anonymous = client.get(f"/exports/prov{DEPLOYMENT}", headers={"Authorization": ""})
    assert anonymous.status_code == 401 and _error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"

    bad_token = client.get(f"/reports{DEPLOYMENT}", headers={"Authorization": "Bearer lg_not-a-token"})
    assert bad_token.status_code == 401

    # Reads are not team-scoped: a viewer of another team reads them as any query.
    viewer = principal_headers("vera.viewer", roles=["viewer"], teams=["payments"])
    assert client.get(f"/exports/cyclonedx{DEPLOYMENT}", headers=viewer).status_code == 200


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_cli_writes_each_document_to_a_file_and_exits_as_every_remote_command(demo, live_service, tmp_path):
    target = tmp_path / "prov.json"
    written = _cli("export", "prov", "--deployment", "production/credit-scoring-api", "--as-of", BEFORE_REDEPLOY,
                   "-o", str(target), "--registry-url", live_service)
    assert written.exit_code == 0, written.output
    assert ProvDocument.deserialize(content=target.read_text(), format="json").get_records()

    default_name = _cli("export", "cyclonedx", "--model-version", "credit-scoring@2", "--registry-url", live_service,
                        "--json", "-o", str(tmp_path / "bom.json"))
    assert default_name.exit_code == 0, default_name.output
    assert json.loads(default_name.output)["mediaType"].startswith("application/vnd.cyclonedx+json")

    to_stdout = _cli("report", "--deployment", "production/credit-scoring-api", "--format", "markdown", "-o", "-",
                     "--registry-url", live_service)
    assert to_stdout.exit_code == 0 and "credit-scoring@2" in to_stdout.output

    missing = _cli("report", "--deployment", "production/no-such-api", "-o", str(tmp_path / "x.html"),
                   "--registry-url", live_service)
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output
    assert not (tmp_path / "x.html").exists()

    assert _cli("export", "prov", "--registry-url", live_service).exit_code == 2
    assert _cli("export", "prov", "--deployment", "production", "--registry-url", live_service).exit_code == 2

    denied = _cli("export", "prov", "--deployment", "production/credit-scoring-api", "--token", "lg_not-a-token",
                  "-o", str(tmp_path / "denied.json"), "--registry-url", live_service)
    assert denied.exit_code == 4, denied.output

    unreachable = _cli("export", "prov", "--deployment", "production/credit-scoring-api", "--retries", "0",
                       "--timeout", "2", "--registry-url", f"http://127.0.0.1:{free_port()}")
    assert unreachable.exit_code == 3, unreachable.output


ISSUE = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  __typename ... on IssuedApiToken { secret } ... on UserError { message } } }"""


def test_the_doors_refuse_a_future_as_of_answer_before_the_subject_existed_and_stop_an_expired_token(
        demo, client, gql):
    import time
    from datetime import UTC, datetime, timedelta

    future = client.get(f"/exports/prov{DEPLOYMENT}", params={"asOf": "2099-01-01T00:00:00Z"})
    assert future.status_code == 422 and _error(future)["extensions"]["field"] == "asOf"

    before_anything = client.get(f"/reports{DEPLOYMENT}", params={"format": "markdown", "asOf": "2020-01-01T00:00:00Z"})
    assert before_anything.status_code == 200, before_anything.text
    assert "credit-scoring@" not in before_anything.text.split("\n## ", 2)[1]

    expires_at = datetime.now(UTC) + timedelta(seconds=2)
    issued = gql(ISSUE, {"input": {"principal": "short-lived", "roles": ["VIEWER"], "teams": [],
                                   "expiresAt": expires_at.isoformat()}})["data"]["createApiToken"]
    assert issued["__typename"] == "IssuedApiToken", issued
    headers = {"Authorization": f"Bearer {issued['secret']}"}
    assert client.get(f"/exports/cyclonedx{DEPLOYMENT}", headers=headers).status_code == 200
    time.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()) + 0.2)
    expired = client.get(f"/exports/cyclonedx{DEPLOYMENT}", headers=headers)
    assert expired.status_code == 401 and _error(expired)["extensions"]["code"] == "UNAUTHENTICATED"
