"""Checks, approvals and promotions are scoped to the team owning the model (admins exempt), except
where the policy's `cross_team` block lets a role act across teams; the refusal is FORBIDDEN,
audited as a denied attempt, and writes nothing else."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from app.governance.policy import PolicyFileError, load_policies
from app.http.app import create_app
from tests.catalog.fingerprint import graph_fingerprint
from tests.conftest import ADMIN_HEADERS
from tests.governance.story import APPROVE, PROMOTE, RECORD_CHECK, register

FRAUD = {"model": "fraud", "version": "1"}


@pytest.fixture
def payments_model(graph, gql):
    """Model fraud@1, owned by team payments; team risk exists too."""
    for team in ("risk", "payments"):
        register(gql, "registerTeam", {"name": team})
    register(gql, "registerModel", {"name": "fraud", "owner": "payments", "riskTier": "LOW"})
    body = gql("""mutation { registerModelVersion(input: {model: "fraud", version: "1"}) { __typename } }""")
    assert body["data"]["registerModelVersion"]["__typename"] == "ModelVersionRegistration", body
    return graph


def _denied(run_cypher) -> list[dict]:
    return [e["event"] for e in run_cypher("admin.audit_events") if e["event"]["outcome"] == "denied"]


def _check(gql, headers, kind="EVALUATION"):
    return gql(RECORD_CHECK, {"input": {"modelVersion": FRAUD, "kind": kind, "status": "PASSED"}},
               headers=headers)["data"]["recordCheck"]


def _approve(gql, headers):
    return gql(APPROVE, {"input": {"modelVersion": FRAUD, "stage": "STAGING"}}, headers=headers)["data"][
        "approveModelVersion"]


def _promote(gql, headers):
    return gql(PROMOTE, {"input": {"modelVersion": FRAUD, "stage": "ARCHIVED"}}, headers=headers)["data"][
        "promoteModelVersion"]


def test_another_teams_model_version_is_refused_to_check_approve_and_promote(payments_model, gql, principal_headers):
    risk = principal_headers("rita", roles=["contributor", "product_owner"], teams=["risk"])
    before = graph_fingerprint(payments_model)
    denied_before = len(_denied(payments_model))
    for action, answer in (("recordCheck", _check(gql, risk)), ("approveModelVersion", _approve(gql, risk)),
                           ("promoteModelVersion", _promote(gql, risk))):
        assert answer["__typename"] == "ForbiddenError", (action, answer)
        assert "payments" in answer["message"] and "fraud@1" in answer["message"], answer
    assert graph_fingerprint(payments_model) == before
    denied = _denied(payments_model)[denied_before:]
    assert [(e["actor"], e["action"], e["target_kind"]) for e in denied] == [
        ("rita", "recordCheck", "Operation"), ("rita", "approveModelVersion", "Operation"),
        ("rita", "promoteModelVersion", "Operation")]
    assert "payments" in json.loads(denied[0]["after"])["reason"]

    # The owning team may; so may an admin, whatever its teams.
    payments = principal_headers("pablo", roles=["contributor", "product_owner"], teams=["payments"])
    assert _check(gql, payments)["__typename"] == "CheckRecorded"
    assert _approve(gql, payments)["__typename"] == "ApprovalRecorded"
    assert _check(gql, ADMIN_HEADERS, "SAFETY_REVIEW")["__typename"] == "CheckRecorded"
    assert _promote(gql, payments)["__typename"] == "Promoted"


def test_the_shipped_policy_lets_reviewers_approve_across_teams_and_nothing_else(payments_model, gql,
                                                                                 principal_headers):
    approver = principal_headers("ana", roles=["approver"])                       # no team at all
    security = principal_headers("sam", roles=["security_lead"], teams=["risk"])
    assert _approve(gql, approver)["__typename"] == "ApprovalRecorded"
    assert _approve(gql, security)["__typename"] == "ApprovalRecorded"
    # A security lead may approve another team's version, not record its checks.
    refused = _check(gql, security)
    assert refused["__typename"] == "ForbiddenError" and "payments" in refused["message"]


def test_a_policy_can_open_checks_across_teams_to_a_role(payments_model, settings, tmp_path, principal_headers):
    shipped = settings.policy_file.read_text()
    policy = tmp_path / "promotion.yaml"
    policy.write_text(shipped.replace("  approve: [approver, security_lead]",
                                      "  approve: []\n  record_check: [security_lead]"))
    assert load_policies(policy).cross_team.record_check == ["security_lead"]
    security = principal_headers("sam", roles=["security_lead"], teams=["risk"])
    approver = principal_headers("ana", roles=["approver"])
    with TestClient(create_app(settings.model_copy(update={"policy_file": policy})),
                    raise_server_exceptions=False) as other:
        def post(query, variables, headers):
            return other.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()

        checked = post(RECORD_CHECK, {"input": {"modelVersion": FRAUD, "kind": "EVALUATION", "status": "PASSED"}},
                       security)["data"]["recordCheck"]
        assert checked["__typename"] == "CheckRecorded", checked
        refused = post(APPROVE, {"input": {"modelVersion": FRAUD, "stage": "STAGING"}}, approver)
        assert refused["data"]["approveModelVersion"]["__typename"] == "ForbiddenError"


@pytest.mark.parametrize("line, problem", [
    ("  deploy: [admin]", "cross_team.deploy"),        # not an action the block governs
    ("  approve: [reviewer]", "cross_team.approve"),   # not a role
])
def test_a_bad_cross_team_block_stops_the_policy_file(tmp_path, settings, line, problem):
    policy = tmp_path / "promotion.yaml"
    shipped = settings.policy_file.read_text()
    assert "  approve: [approver, security_lead]" in shipped
    policy.write_text(shipped.replace("  approve: [approver, security_lead]", line))
    with pytest.raises(PolicyFileError, match=problem.replace(".", r"\.")):
        load_policies(policy)
