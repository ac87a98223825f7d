"""The deployment gate at its doors: registerDeployment (GraphQL) and `lineagegraph deploy record`
refuse a switch the policy's environment requirements leave unmet, list every reason, audit the
denied attempt and change nothing else; admins may break glass; deployments are team-scoped."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from app.cli.main import main
from tests.catalog.fingerprint import graph_fingerprint
from tests.governance.story import build_base, build_pipeline, kinds, promote, record_check, train

UNMET = "kind message stage check status node"
REGISTER = f"""mutation($input: RegisterDeploymentInput!) {{ registerDeployment(input: $input) {{ __typename
  ... on DeploymentRegistration {{ created changed node {{ since modelVersion {{ version }}
        servingHistory {{ since until by modelVersion {{ version }} breakGlass {{ reason by overrode }} }} }} }}
  ... on DeploymentRefused {{ code message environment name modelVersion {{ modelName version stage }}
        unmet {{ {UNMET} }} candidates {{ modelVersion {{ version }} }} }}
  ... on UserError {{ code message }} ... on InvalidInputError {{ field }} ... on ConflictError {{ field }} }} }}"""
TRAIL = """query($key: String!) { auditTrail(of: {kind: "Deployment", key: $key}, first: 5) {
  edges { node { action actor outcome after } } } }"""
DENIED = """{ auditTrail(of: {kind: "Operation", key: "registerDeployment"}, first: 5) {
  edges { node { actor outcome after } } } }"""
PROVENANCE = """query($asOf: DateTime) { provenance(of: {deployment: {environment: PRODUCTION, name: "credit-api"}},
  asOf: $asOf) { nodes { __typename ... on ModelVersion { version } } } }"""


def _register(gql, version: str | None = None, *, environment: str = "PRODUCTION", headers=None, **extra) -> dict:
    inp = {"environment": environment, "name": "credit-api", **extra}
    if version is not None:
        inp["serving"] = {"model": "credit-scoring", "version": version}
    body = gql(REGISTER, {"input": inp}, headers=headers)
    assert "errors" not in body, body
    return body["data"]["registerDeployment"]


def _trail(gql, environment: str = "production") -> list[dict]:
    return [e["node"] for e in gql(TRAIL, {"key": f"{environment}/credit-api"})["data"]["auditTrail"]["edges"]]


@pytest.fixture
def registry(graph, gql):
    """credit-scoring (LOW tier: production needs a passed evaluation): version 1 in PRODUCTION,
    serving production/credit-api; version 2 in DEVELOPMENT, without checks."""
    build_base(gql, risk_tier="LOW")
    features = build_pipeline(gql, suffix="1", source="vendor_scores", license="proprietary")
    for version in ("1", "2"):
        train(gql, version=version, features=features, auc=0.8)
    record_check(gql, "1", "EVALUATION")
    assert promote(gql, "1", "STAGING")["__typename"] == "Promoted"
    assert promote(gql, "1", "PRODUCTION")["__typename"] == "Promoted"
    deployed = _register(gql, "1", endpoint="https://credit.example.com/v1")
    assert deployed["__typename"] == "DeploymentRegistration", deployed
    return graph


def test_register_refuses_a_switch_to_a_version_that_fails_production_and_audits_the_attempt(registry, gql):
    before = graph_fingerprint(registry)
    refused = _register(gql, "2", endpoint="https://credit.example.com/v2")
    assert refused["__typename"] == "DeploymentRefused", refused
    assert refused["code"] == "DEPLOYMENT_REFUSED" and (refused["environment"], refused["name"]) == (
        "PRODUCTION", "credit-api")
    assert refused["modelVersion"] == {"modelName": "credit-scoring", "version": "2", "stage": "DEVELOPMENT"}
    # Every reason at once, in the promotion refusal's shape: the environment's stage, the gate's check.
    assert kinds(refused["unmet"]) == ["CHECK", "STAGE"]
    stage = next(u for u in refused["unmet"] if u["kind"] == "STAGE")
    assert stage["stage"] == "DEVELOPMENT" and "PRODUCTION" in stage["message"]
    assert next(u for u in refused["unmet"] if u["kind"] == "CHECK")["check"] == "EVALUATION"
    assert refused["candidates"] == []
    # Nothing changed (not even the endpoint given with it) but the audit event of the denied attempt.
    assert graph_fingerprint(registry) == before
    denied = _trail(gql)[0]
    assert (denied["action"], denied["outcome"]) == ("registerDeployment", "denied")
    assert denied["after"]["serving"] == "credit-scoring@2"
    assert sorted(line.split(":")[0] for line in denied["after"]["unmet"]) == ["CHECK", "STAGE"]

    # An archived version, and then a quarantined one: each reason listed with the rest.
    assert promote(gql, "2", "ARCHIVED")["__typename"] == "Promoted"
    archived = _register(gql, "2")
    assert kinds(archived["unmet"]) == ["CHECK", "STAGE"]
    assert next(u for u in archived["unmet"] if u["kind"] == "STAGE")["stage"] == "ARCHIVED"
    quarantined = gql("""mutation { quarantine(input: {modelVersion: {model: "credit-scoring", version: "2"},
                                                       reason: "leaks"}) { __typename } }""")
    assert quarantined["data"]["quarantine"]["__typename"] == "Quarantine"
    assert kinds(_register(gql, "2")["unmet"]) == ["CHECK", "QUARANTINED", "STAGE"]


def test_an_admin_breaks_glass_with_a_reason_and_the_override_is_recorded(registry, gql):
    empty = _register(gql, "2", breakGlass={"reason": "  "})
    assert empty["__typename"] == "InvalidInputError" and empty["field"] == "breakGlass.reason"
    too_long = _register(gql, "2", breakGlass={"reason": "x" * 2001})
    assert too_long["__typename"] == "InvalidInputError" and too_long["field"] == "breakGlass.reason"

    forced = _register(gql, "2", breakGlass={"reason": "INC-42: v1 leaks scores, v2 is the hotfix"})
    assert forced["__typename"] == "DeploymentRegistration", forced
    assert forced["changed"] is True and forced["node"]["modelVersion"] == {"version": "2"}
    history = forced["node"]["servingHistory"]
    assert [(s["modelVersion"]["version"], s["until"] is None) for s in history] == [("1", False), ("2", True)]
    assert history[0]["breakGlass"] is None
    glass = history[1]["breakGlass"]
    assert glass["reason"] == "INC-42: v1 leaks scores, v2 is the hotfix" and glass["by"] == "bootstrap-admin"
    assert sorted(line.split(":")[0] for line in glass["overrode"]) == ["CHECK", "STAGE"]
    event = _trail(gql)[0]
    assert (event["action"], event["outcome"]) == ("registerDeployment", "ok")
    assert event["after"]["breakGlass"]["reason"] == glass["reason"]
    assert event["after"]["breakGlass"]["overrode"] == glass["overrode"]
    assert event["actor"] == glass["by"]


def test_break_glass_is_for_admins_only(registry, gql, principal_headers):
    maria = principal_headers("maria", roles=["contributor"], teams=["risk"])
    before = graph_fingerprint(registry)
    refused = _register(gql, "2", headers=maria, breakGlass={"reason": "I am sure"})
    assert refused["__typename"] == "ForbiddenError", refused
    assert "admins only" in refused["message"]
    assert graph_fingerprint(registry) == before
    denied = gql(DENIED)["data"]["auditTrail"]["edges"][0]["node"]
    assert (denied["actor"], denied["outcome"]) == ("maria", "denied")
    # Without it, the same contributor of the owning team gets the gate's answer.
    assert _register(gql, "2", headers=maria)["__typename"] == "DeploymentRefused"


def test_another_teams_contributor_may_not_re_point_or_change_the_deployment(registry, gql, principal_headers):
    omar = principal_headers("omar", roles=["contributor"], teams=["payments"])
    assert gql("""mutation { registerModel(input: {name: "fraud", owner: "payments"}) { __typename } }""",
               headers=omar)["data"]["registerModel"]["__typename"] == "ModelRegistration"
    before = graph_fingerprint(registry)
    for attempt in ({"endpoint": "https://evil.example.com"}, {"status": "INACTIVE"}):
        refused = _register(gql, headers=omar, **attempt)
        assert refused["__typename"] == "ForbiddenError", refused
        assert "risk" in refused["message"]
    assert _register(gql, "2", headers=omar)["__typename"] == "ForbiddenError"  # what it serves: risk's call too
    assert graph_fingerprint(registry) == before
    assert gql(DENIED)["data"]["auditTrail"]["edges"][0]["node"]["actor"] == "omar"
    # A member of the deployment's team may change it; sending what is already recorded changes nothing.
    maria = principal_headers("maria", roles=["contributor"], teams=["risk"])
    assert _register(gql, headers=maria, status="ACTIVE")["__typename"] == "DeploymentRegistration"


def test_staging_serves_staging_and_production_versions_only(registry, gql):
    accepted = _register(gql, "1", environment="STAGING")  # a PRODUCTION-stage version in staging
    assert accepted["__typename"] == "DeploymentRegistration", accepted
    refused = _register(gql, "2", environment="STAGING")
    assert refused["__typename"] == "DeploymentRefused" and kinds(refused["unmet"]) == ["STAGE"]
    # An environment the policy does not list needs nothing.
    assert _register(gql, "2", environment="TEST")["__typename"] == "DeploymentRegistration"


def test_a_switch_recorded_late_is_answered_by_as_of_and_an_older_one_stays_a_conflict(graph, gql):
    build_base(gql, risk_tier="LOW")
    features = build_pipeline(gql, suffix="1", source="vendor_scores", license="proprietary")
    for version in ("1", "2"):
        train(gql, version=version, features=features, auc=0.8)
        record_check(gql, version, "EVALUATION")
        promote(gql, version, "STAGING")
        promote(gql, version, "PRODUCTION")
    first = _register(gql, "1", at="2026-01-10T09:00:00Z")
    assert first["__typename"] == "DeploymentRegistration", first
    assert first["node"]["since"].startswith("2026-01-10T09:00:00")
    second = _register(gql, "2", at="2026-02-01T09:00:00")  # no zone: UTC
    assert second["node"]["servingHistory"][0]["until"].startswith("2026-02-01T09:00:00")

    def served(as_of):
        nodes = gql(PROVENANCE, {"asOf": as_of})["data"]["provenance"]["nodes"]
        return {n["version"] for n in nodes if n["__typename"] == "ModelVersion"}

    assert served("2026-01-15T00:00:00Z") == {"1"} and served("2026-02-15T00:00:00Z") == {"2"}
    assert served(None) == {"2"}
    before = graph_fingerprint(graph)
    older = _register(gql, "1", at="2026-01-20T00:00:00Z")
    assert older["__typename"] == "ConflictError" and older["field"] == "serving"
    future = _register(gql, "1", at="2099-01-01T00:00:00Z")
    assert future["__typename"] == "InvalidInputError" and future["field"] == "at"
    assert graph_fingerprint(graph) == before


def test_deploy_record_exits_1_printing_every_unmet_requirement(registry, gql, live_service):
    def deploy(*extra):
        return CliRunner().invoke(main, ["deploy", "record", "--registry-url", live_service, "--model", "credit-scoring",
                                         "--version", "2", "--env", "production", "--name", "credit-api", *extra],
                                  catch_exceptions=False)

    before = graph_fingerprint(registry)
    refused = deploy()
    assert refused.exit_code == 1, refused.output
    assert "DEPLOYMENT_REFUSED" in refused.stderr and "2 requirement(s)" in refused.stderr
    assert "  - STAGE: production serves versions in stage PRODUCTION" in refused.stderr
    assert "  - CHECK: The evaluation check must be recorded" in refused.stderr
    assert refused.stdout == ""
    as_json = json.loads(deploy("--json").stdout)
    assert as_json["ok"] is False and as_json["exitCode"] == 1 and as_json["error"]["code"] == "DEPLOYMENT_REFUSED"
    assert kinds(as_json["unmet"]) == ["CHECK", "STAGE"]
    assert graph_fingerprint(registry) == before
    assert [(e["action"], e["outcome"]) for e in _trail(gql)[:2]] == [("registerDeployment", "denied")] * 2

    forced = deploy("--break-glass-reason", "INC-42 hotfix")
    assert forced.exit_code == 0, forced.output
    assert "changed" in forced.stdout
    history = _register(gql)["node"]["servingHistory"]
    assert history[-1]["breakGlass"]["reason"] == "INC-42 hotfix"
