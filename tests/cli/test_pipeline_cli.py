"""The CI/CD commands (`lineagegraph deploy record`, `lineagegraph run record`) against the real
service over HTTP: what they record, what they print, and their documented exit statuses."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from click.testing import CliRunner

from app.cli import pipeline as pipeline_cli
from app.cli import remote
from app.cli.main import main
from app.cli.client import RegistryClient, RegistryDenied, RegistryRefused, RegistryUnreachable
from app.cli.localneo4j import free_port
from tests.catalog.fingerprint import graph_fingerprint

REGISTER = """mutation {
  registerTeam(input: {name: "risk"}) { __typename }
  registerModel(input: {name: "credit-scoring", owner: "risk"}) { __typename }
}"""
REGISTER_VERSION = """mutation($version: String!) {
  registerModelVersion(input: {model: "credit-scoring", version: $version}) { __typename ... on UserError { message } } }"""
# In test, where the policy asks nothing of what is served (the gate's door: tests/governance/test_deployment_gate.py).
DEPLOYMENT = """{ deployment(environment: TEST, name: "credit-api") {
  endpoint status since modelVersion { modelName version } } }"""
RUN = """query($runId: String!) { run(runId: $runId) { state startedAt endedAt codeRepository codeCommit
  parameters { name value } job { namespace name }
  inputs { __typename ... on DatasetVersion { namespace name version } }
  outputs { __typename ... on ModelVersion { modelName version } ... on DatasetVersion { namespace name version } } } }"""
IMPACT = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) { complete
  items { kind node { __typename ... on ModelVersion { modelName version } ... on Run { runId } } } } }"""

RUN_ID = "0b7d2f6e-3c1a-4f5e-9d8b-2a6c4e1f7a90"


def cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _ok(body: dict) -> dict:
    assert "errors" not in body, body
    for value in body["data"].values():
        assert not value["__typename"].endswith("Error"), value
    return body["data"]


@pytest.fixture
def registered(graph, gql):
    """A model with versions 1 and 2."""
    _ok(gql(REGISTER))
    for version in ("1", "2"):
        _ok(gql(REGISTER_VERSION, {"version": version}))
    return graph


def _deploy(url: str, version: str, *extra: str):
    return cli("deploy", "record", "--registry-url", url, "--model", "credit-scoring", "--version", version,
               "--env", "test", "--endpoint", "https://credit.example.com/score", "--name", "credit-api",
               *extra)


# --- deploy record ------------------------------------------------------------------------------

def test_deploy_record_registers_the_deployment_serving_the_version(registered, gql, live_service):
    result = _deploy(live_service, "1")
    assert result.exit_code == 0, result.output
    assert "deployment TEST/credit-api created" in result.stdout
    assert "serves credit-scoring@1" in result.stdout

    deployment = gql(DEPLOYMENT)["data"]["deployment"]
    assert deployment["modelVersion"] == {"modelName": "credit-scoring", "version": "1"}
    assert (deployment["endpoint"], deployment["status"]) == ("https://credit.example.com/score", "ACTIVE")

    # The same again: nothing changes, and it says so.
    before = graph_fingerprint(registered)
    again = _deploy(live_service, "1")
    assert again.exit_code == 0, again.output
    assert "deployment TEST/credit-api unchanged" in again.stdout
    assert graph_fingerprint(registered) == before

    # A new version: switched, and the log line names what it replaced.
    switched = _deploy(live_service, "2", "--json")
    assert switched.exit_code == 0, switched.output
    answer = json.loads(switched.stdout)
    assert answer["ok"] is True and answer["exitCode"] == 0 and answer["result"] == "changed"
    assert answer["deployment"]["modelVersion"] == {"modelName": "credit-scoring", "version": "2"}
    assert answer["previouslyServing"] == {"modelName": "credit-scoring", "version": "1"}
    assert gql(DEPLOYMENT)["data"]["deployment"]["modelVersion"]["version"] == "2"


def test_deploy_record_name_defaults_to_the_model_and_url_comes_from_the_environment(registered, gql, live_service):
    result = cli("deploy", "record", "--model", "credit-scoring", "--version", "1", "--env", "DEVELOPMENT",
                 env={"LINEAGEGRAPH_URL": live_service + "/"})
    assert result.exit_code == 0, result.output
    body = gql('{ deployment(environment: DEVELOPMENT, name: "credit-scoring") { modelVersion { version } } }')
    assert body["data"]["deployment"]["modelVersion"] == {"version": "1"}


def test_deploy_record_of_an_unknown_model_version_is_refused_with_exit_1(registered, gql, live_service):
    before = graph_fingerprint(registered)
    result = _deploy(live_service, "99")
    assert result.exit_code == 1, result.output
    assert "NOT_FOUND" in result.stderr
    assert "credit-scoring" in result.stderr and "99" in result.stderr
    assert result.stdout == ""
    assert graph_fingerprint(registered) == before

    as_json = json.loads(_deploy(live_service, "99", "--json").stdout)
    assert as_json["ok"] is False and as_json["exitCode"] == 1
    assert as_json["error"]["code"] == "NOT_FOUND" and as_json["error"]["retryable"] is False


def test_deploy_record_refusals_and_bad_usage(registered, live_service):
    bad_env = _deploy(live_service, "1", "--env", "prodution")
    assert bad_env.exit_code == 2
    assert "--env" in bad_env.stderr and "prodution" in bad_env.stderr

    missing = cli("deploy", "record", "--registry-url", live_service, "--model", "credit-scoring", "--env", "test")
    assert missing.exit_code == 2 and "--version" in missing.stderr

    bad_endpoint = _deploy(live_service, "1", "--endpoint", "not a uri")
    assert bad_endpoint.exit_code == 1, bad_endpoint.output
    assert "BAD_USER_INPUT" in bad_endpoint.stderr and "field: endpoint" in bad_endpoint.stderr

    bad_url = _deploy("ftp://example.com", "1")
    assert bad_url.exit_code == 2 and "--registry-url" in bad_url.stderr


def test_an_unreachable_registry_exits_3(live_service):
    closed = f"http://127.0.0.1:{free_port()}"
    result = _deploy(closed, "1", "--retries", "0")
    assert result.exit_code == 3, result.output
    assert "Cannot reach the registry" in result.stderr and "retryable" in result.stderr

    ran = cli("run", "record", "--registry-url", closed, "--retries", "0", "--job", "ci/train",
              "--run-id", RUN_ID, "--json")
    assert ran.exit_code == 3
    assert json.loads(ran.stdout)["error"] == {"code": "UNREACHABLE", "field": None, "retryable": True,
                                               "message": json.loads(ran.stdout)["error"]["message"]}


# --- run record ---------------------------------------------------------------------------------

def _record_training(url: str, *extra: str):
    return cli("run", "record", "--registry-url", url, "--job", "ci/train-credit", "--run-id", RUN_ID,
               "--input", "s3://raw/transactions@2026-03-08",
               "--input", "postgres://crm.internal:5432/crm.public.customers@snap-0308",
               "--model-version", "credit-scoring@7",
               "--param", "max_depth=6", "--param", "eta=0.1",
               "--git-url", "https://git.example.com/risk/credit", "--git-commit", "0A1B2C3D4E5F",
               "--started-at", "2026-03-08T06:00:00Z", "--ended-at", "2026-03-08T07:12:00Z", *extra)


def test_run_record_records_the_run_with_its_lineage_and_is_idempotent(graph, gql, live_service):
    result = _record_training(live_service)
    assert result.exit_code == 0, result.output
    assert f"run {RUN_ID} of ci/train-credit recorded: COMPLETE" in result.stdout
    assert "produced credit-scoring@7" in result.stdout

    run = gql(RUN, {"runId": RUN_ID})["data"]["run"]
    assert run["state"] == "COMPLETE"
    assert run["job"] == {"namespace": "ci", "name": "train-credit"}
    assert run["startedAt"].startswith("2026-03-08T06:00:00")
    assert run["endedAt"].startswith("2026-03-08T07:12:00")
    assert (run["codeRepository"], run["codeCommit"]) == ("https://git.example.com/risk/credit", "0a1b2c3d4e5f")
    assert run["parameters"] == [{"name": "eta", "value": "0.1"}, {"name": "max_depth", "value": "6"}]
    assert sorted((i["namespace"], i["name"], i["version"]) for i in run["inputs"]) == [
        ("postgres://crm.internal:5432", "crm.public.customers", "snap-0308"),
        ("s3://raw", "transactions", "2026-03-08")]
    assert run["outputs"] == [{"__typename": "ModelVersion", "modelName": "credit-scoring", "version": "7"}]

    impact = gql(IMPACT, {"of": {"datasetVersion": {"namespace": "s3://raw", "name": "transactions",
                                                    "version": "2026-03-08"}}})["data"]["impact"]
    assert impact["complete"] is True
    assert {"__typename": "ModelVersion", "modelName": "credit-scoring", "version": "7"} in [
        item["node"] for item in impact["items"]]

    # The same call again (a CI retry): the graph does not change at all.
    before = graph_fingerprint(graph)
    again = _record_training(live_service, "--json")
    assert again.exit_code == 0, again.output
    answer = json.loads(again.stdout)
    assert answer["runId"] == RUN_ID and answer["events"] == ["START", "COMPLETE"]
    assert graph_fingerprint(graph) == before


def test_run_record_without_a_run_id_makes_one_and_prints_it(graph, gql, live_service):
    result = cli("run", "record", "--registry-url", live_service, "--job", "airflow:fraud.features",
                 "--input", "bigquery:proj.sales.orders@v3", "--output", '{"namespace": "s3://features", '
                 '"name": "fraud@daily", "version": "2026-03-08"}')
    assert result.exit_code == 0, result.output
    run_id = result.stderr.split("new run id ", 1)[1].split()[0]
    assert str(uuid.UUID(run_id)) == run_id
    run = gql(RUN, {"runId": run_id})["data"]["run"]
    assert run["job"] == {"namespace": "airflow", "name": "fraud.features"}
    assert run["outputs"] == [{"__typename": "DatasetVersion", "namespace": "s3://features", "name": "fraud@daily",
                               "version": "2026-03-08"}]


def test_run_record_refusals_exit_1_and_bad_usage_exits_2(graph, live_service):
    assert _record_training(live_service).exit_code == 0
    before = graph_fingerprint(graph)
    # The same run id under another job contradicts the record.
    moved = cli("run", "record", "--registry-url", live_service, "--job", "ci/other", "--run-id", RUN_ID,
                "--ended-at", "2026-03-08T08:00:00Z")
    assert moved.exit_code == 1, moved.output
    assert "CONFLICT" in moved.stderr and "field: job" in moved.stderr
    # A value the registry's rules refuse, named by its field.
    bad_digest = cli("run", "record", "--registry-url", live_service, "--job", "ci/train-credit",
                     "--model-version", '{"model": "credit-scoring", "version": "8", "artifactDigest": "nope"}')
    assert bad_digest.exit_code == 1, bad_digest.output
    assert "BAD_USER_INPUT" in bad_digest.stderr and "artifactDigest" in bad_digest.stderr
    assert graph_fingerprint(graph) == before

    for args, hint in (
        (["--input", "s3://raw:transactions@2026-03-08"], "--input"),
        (["--input", "s3://raw/transactions@bad/version"], "--input"),
        (["--model-version", "credit-scoring"], "--model-version"),
        (["--run-id", "run-1"], "--run-id"),
        (["--git-commit", "abcdef1"], "--git-commit"),
        (["--git-url", "https://git.example.com/x", "--git-commit", "main"], "--git-commit"),
        (["--state", "RUNNING", "--ended-at", "2026-03-08T08:00:00Z"], "--ended-at"),
        (["--started-at", "yesterday"], "--started-at"),
        (["--param", "eta"], "--param"),
    ):
        result = cli("run", "record", "--registry-url", live_service, "--job", "ci/train-credit", *args)
        assert result.exit_code == 2, (args, result.output)
        assert hint in result.stderr, (args, result.stderr)
    assert graph_fingerprint(graph) == before


def test_dry_run_prints_the_openlineage_events_and_sends_nothing():
    result = cli("run", "record", "--registry-url", f"http://127.0.0.1:{free_port()}", "--job", "ci/train",
                 "--run-id", RUN_ID, "--state", "complete", "--input", "s3://raw/transactions",
                 "--model-version", "credit-scoring@7", "--ended-at", "2026-03-08T07:12:00+01:00", "--dry-run")
    assert result.exit_code == 0, result.output
    event = json.loads(result.stdout)
    assert event["eventType"] == "COMPLETE" and event["eventTime"] == "2026-03-08T06:12:00Z"
    assert event["schemaURL"] == pipeline_cli.RUN_EVENT_SCHEMA and event["producer"] == pipeline_cli.PRODUCER
    assert event["inputs"] == [{"namespace": "s3://raw", "name": "transactions"}]
    (output,) = event["outputs"]
    assert (output["namespace"], output["name"]) == ("lineagegraph-models", "credit-scoring")
    facet = output["facets"]["lineagegraph_modelVersion"]
    assert (facet["modelName"], facet["version"]) == ("credit-scoring", "7")
    assert facet["_schemaURL"].endswith("#/$defs/ModelVersionDatasetFacet")


# --- the client's classification of what a registry answers --------------------------------------

def _client(handler, **options) -> RegistryClient:
    return RegistryClient("http://registry.test", transport=httpx.MockTransport(handler), **options)


@pytest.mark.parametrize(("status", "body", "kind", "code", "field"), [
    (401, {"errors": [{"message": "who are you", "extensions": {"code": "UNAUTHENTICATED"}}]},
     RegistryDenied, "UNAUTHENTICATED", None),
    (403, {"error": {"code": "FORBIDDEN", "message": "not yours"}}, RegistryDenied, "FORBIDDEN", None),
    (422, {"error": {"code": "BAD_USER_INPUT", "message": "bad", "field": "inputs[0].name"}},
     RegistryRefused, "BAD_USER_INPUT", "inputs[0].name"),
    (409, {"errors": [{"message": "moved", "extensions": {"code": "CONFLICT", "field": "job"}}]},
     RegistryRefused, "CONFLICT", "job"),
    (404, "Not Found", RegistryRefused, "HTTP_404", None),
    (503, {"errors": [{"message": "down", "extensions": {"code": "UNAVAILABLE"}}]},
     RegistryUnreachable, "UNAVAILABLE", None),
    (504, {"errors": [{"message": "slow", "extensions": {"code": "TIMEOUT"}}]}, RegistryUnreachable, "TIMEOUT", None),
    (502, "<html>bad gateway</html>", RegistryUnreachable, "HTTP_502", None),
    (429, {"error": "slow down"}, RegistryUnreachable, "HTTP_429", None),
])
def test_post_lineage_failures_are_typed(status, body, kind, code, field):
    def handler(request):
        return (httpx.Response(status, json=body) if isinstance(body, dict)
                else httpx.Response(status, text=body))

    with _client(handler) as client, pytest.raises(kind) as caught:
        client.post_lineage({"eventType": "COMPLETE"})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.exit_code == {RegistryDenied: 4, RegistryRefused: 1, RegistryUnreachable: 3}[kind]


def test_graphql_errors_and_user_errors_are_typed_and_the_token_is_sent():
    seen = []

    def handler(request):
        seen.append(request)
        query = json.loads(request.content)["query"]
        if "unavailable" in query:
            return httpx.Response(200, json={"data": None, "errors": [
                {"message": "neo4j down", "extensions": {"code": "UNAVAILABLE"}}]})
        if "denied" in query:
            return httpx.Response(200, json={"data": {"registerDeployment": {
                "__typename": "ForbiddenError", "code": "FORBIDDEN", "message": "no"}}})
        return httpx.Response(200, json={"data": {"registerDeployment": {
            "__typename": "InvalidInputError", "code": "BAD_USER_INPUT", "message": "bad endpoint",
            "field": "endpoint"}}})

    with _client(handler, token="s3cret", retries=1, backoff=0) as client:
        with pytest.raises(RegistryUnreachable):
            client.graphql("{ unavailable }")
        assert len(seen) == 2  # retried once
        with pytest.raises(RegistryDenied):
            client.graphql("{ denied }")
        with pytest.raises(RegistryRefused) as caught:
            client.graphql("{ other }")
    assert (caught.value.code, caught.value.field) == ("BAD_USER_INPUT", "endpoint")
    # The token is the caller's whole identity: every request, retries included, carries it.
    assert [request.headers["authorization"] for request in seen] == ["Bearer s3cret"] * len(seen)


def test_a_denied_command_exits_4(monkeypatch):
    def handler(request):
        return httpx.Response(401, json={"errors": [{"message": "Send a bearer token.",
                                                     "extensions": {"code": "UNAUTHENTICATED"}}]})

    real = remote.RegistryClient  # where every command's client is made
    monkeypatch.setattr(remote, "RegistryClient",
                        lambda *args, **kwargs: real(*args, transport=httpx.MockTransport(handler), **kwargs))
    result = cli("deploy", "record", "--registry-url", "http://registry.test", "--model", "m", "--version", "1",
                 "--env", "production")
    assert result.exit_code == 4, result.output
    assert "UNAUTHENTICATED" in result.stderr
