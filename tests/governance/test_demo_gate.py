"""The demo's governance story, told truthfully: what serves production passed its gate, with its
checks and approvals recorded through the governance service; the gate's refusal is shown on a
candidate that serves nowhere (version 3, trained on the non-commercial bureau scores)."""

from __future__ import annotations

from tests.governance.story import GATE_STATUS, gate_status
from tests.test_demo import _load

SERVING = """{ deployments(first: 50) { nodes { environment name modelVersion { modelName version stage }
  servingHistory { by breakGlass { reason } } } } }"""


def test_every_demo_deployment_serves_a_version_that_passes_its_environments_gate(graph, gql, settings, queries):
    _load(settings, queries)
    deployments = gql(SERVING)["data"]["deployments"]["nodes"]
    assert {(d["environment"], d["name"]) for d in deployments} == {
        ("PRODUCTION", "credit-scoring-api"), ("PRODUCTION", "support-assistant"), ("STAGING", "credit-scoring-staging")}
    for deployment in deployments:
        assert all(span["breakGlass"] is None for span in deployment["servingHistory"])  # no override anywhere
        served = deployment["modelVersion"]
        if deployment["environment"] == "PRODUCTION":
            assert served["stage"] == "PRODUCTION"
            verdict = gql(GATE_STATUS, {"mv": {"model": served["modelName"], "version": served["version"]},
                                        "stage": "PRODUCTION"})["data"]["gateStatus"]
            assert verdict["allowed"], (deployment["name"], verdict["unmet"])
            assert len({a["approver"] for a in verdict["approvals"]}) >= 1
            assert {c["status"] for c in verdict["checks"]} == {"PASSED"}
        else:
            assert served["stage"] in ("STAGING", "PRODUCTION")

    # What production serves was approved by two people for PRODUCTION and passed the four HIGH checks.
    verdict = gate_status(gql, "2", "PRODUCTION")
    assert sorted(a["approver"] for a in verdict["approvals"]) == ["ada.approver", "pat.owner"]
    assert {c["kind"] for c in verdict["checks"]} >= {"BIAS_ASSESSMENT", "SAFETY_REVIEW", "LICENSE_COMPLIANCE",
                                                       "EVALUATION", "PRIVACY_REVIEW"}


def test_the_demo_candidate_is_refused_for_production_for_its_non_commercial_source(graph, gql, settings, queries):
    _load(settings, queries)
    verdict = gate_status(gql, "3", "PRODUCTION")
    assert verdict["currentStage"] == "STAGING" and verdict["riskTier"] == "HIGH" and not verdict["allowed"]
    licenses = [(u["dataset"], u["license"]) for u in verdict["unmet"] if u["kind"] == "LICENSE"]
    assert licenses == [("postgres://bureau:5432/bureau_scores", "CC-BY-NC-4.0")]
    candidate = gql('{ modelVersion(model: "credit-scoring", version: "3") { deployments { name } } }')
    assert candidate["data"]["modelVersion"]["deployments"] == []  # refused, and serving nowhere
    history = gql('{ modelVersion(model: "credit-scoring", version: "1") { stageHistory { stage since by } } }')
    spans = history["data"]["modelVersion"]["stageHistory"]
    assert [s["stage"] for s in spans] == ["DEVELOPMENT", "STAGING", "PRODUCTION"]
    assert spans[2]["since"].startswith("2026-03-09T09:00:00") and spans[2]["by"] == "pat.owner"
