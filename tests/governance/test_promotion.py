"""Promotion behind the policy's gates, through the API as the people involved would call it."""

from __future__ import annotations

import pytest

from tests.governance.story import (
    PASSING_CHECKS,
    approve,
    build_base,
    build_pipeline,
    gate_status,
    kinds,
    promote,
    record_check,
    train,
)


@pytest.fixture
def people(principal_headers):
    """maria trains the models (and could approve others' work); the others review: ana as an approver
    (who may approve across teams, policies/promotion.yaml `cross_team`), olu as the risk product's owner."""
    return {
        "maria": principal_headers("maria", roles=["contributor", "approver"], teams=["risk"]),
        "ana": principal_headers("ana", roles=["approver"]),
        "olu": principal_headers("olu", roles=["product_owner"], teams=["risk"]),  # owns the risk product
        "vic": principal_headers("vic", roles=["viewer"]),
    }


def test_a_non_commercial_source_three_datasets_upstream_blocks_production_until_replaced(graph, gql, people):
    build_base(gql)
    features_v1 = build_pipeline(gql, suffix="1", source="bureau_scores", license="CC-BY-NC-4.0")
    train(gql, version="1", features=features_v1, auc=0.71, headers=people["maria"])

    # Straight from development to production: the transition is refused along with everything else.
    direct = promote(gql, "1", "PRODUCTION")
    assert direct["__typename"] == "PromotionRefused"
    assert "TRANSITION" in kinds(direct["unmet"])

    record_check(gql, "1", "EVALUATION")
    staged = promote(gql, "1", "STAGING")
    assert staged["__typename"] == "Promoted", staged
    assert staged["modelVersion"]["stage"] == "STAGING"

    # Every unmet requirement at once: three checks, the metric, 0/2 approvals, the licence.
    verdict = gate_status(gql, "1", "PRODUCTION")
    refused = promote(gql, "1", "PRODUCTION")
    assert refused["__typename"] == "PromotionRefused" and refused["code"] == "PROMOTION_REFUSED"
    assert kinds(refused["unmet"]) == ["APPROVALS", "CHECK", "CHECK", "CHECK", "LICENSE", "METRIC"]
    assert refused["unmet"] == verdict["unmet"] and verdict["allowed"] is False
    by_kind = {u["kind"]: u for u in refused["unmet"]}
    assert by_kind["LICENSE"]["dataset"] == "s3://vendor/bureau_scores"
    assert by_kind["LICENSE"]["license"] == "CC-BY-NC-4.0"
    assert (by_kind["APPROVALS"]["have"], by_kind["APPROVALS"]["need"]) == (0, 2)
    assert (by_kind["METRIC"]["metric"], by_kind["METRIC"]["min"], by_kind["METRIC"]["value"]) == ("auc", 0.75, 0.71)
    assert sorted(u["check"] for u in refused["unmet"] if u["kind"] == "CHECK") == [
        "BIAS_ASSESSMENT", "LICENSE_COMPLIANCE", "SAFETY_REVIEW"]
    assert gate_status(gql, "1", "PRODUCTION")["currentStage"] == "STAGING"  # nothing was written

    # Self-approval is refused: maria trained it.
    own = approve(gql, "1", "PRODUCTION", people["maria"])
    assert own["__typename"] == "ForbiddenError" and "maria" in own["message"]

    # The source is replaced: a commercially licensed feed, a new pipeline, version 2 trained on it.
    features_v2 = build_pipeline(gql, suffix="2", source="bureau_scores_commercial", license="proprietary")
    train(gql, version="2", features=features_v2, auc=0.78, headers=people["maria"])
    for kind in PASSING_CHECKS:
        assert record_check(gql, "2", kind)["changed"] is True
    assert promote(gql, "2", "STAGING")["__typename"] == "Promoted"
    assert kinds(gate_status(gql, "2", "PRODUCTION")["unmet"]) == ["APPROVALS"]

    assert approve(gql, "2", "PRODUCTION", people["ana"])["created"] is True
    assert approve(gql, "2", "PRODUCTION", people["ana"])["created"] is False  # idempotent: still one
    assert gate_status(gql, "2", "PRODUCTION")["unmet"][0]["have"] == 1
    assert approve(gql, "2", "PRODUCTION", people["olu"])["created"] is True

    cleared = gate_status(gql, "2", "PRODUCTION")
    assert cleared["allowed"] is True and cleared["unmet"] == []
    assert sorted(a["approver"] for a in cleared["approvals"]) == ["ana", "olu"]
    promoted = promote(gql, "2", "PRODUCTION")
    assert promoted["__typename"] == "Promoted" and promoted["changed"] is True
    assert promoted["gate"]["allowed"] is True
    history = promoted["modelVersion"]["stageHistory"]
    assert [s["stage"] for s in history] == ["DEVELOPMENT", "STAGING", "PRODUCTION"]
    assert [s["until"] is None for s in history] == [False, False, True]

    again = promote(gql, "2", "PRODUCTION")  # idempotent: already there, the gate still holds
    assert again["__typename"] == "Promoted" and again["changed"] is False
    # Version 1 is still refused: its lineage did not change.
    assert "LICENSE" in kinds(gate_status(gql, "1", "PRODUCTION")["unmet"])


def test_who_may_record_approve_and_promote(graph, gql, people):
    build_base(gql)
    train(gql, version="1", features=build_pipeline(gql, suffix="1", source="s", license="MIT"), auc=0.8,
          headers=people["maria"])
    assert record_check(gql, "1", "EVALUATION", headers=people["vic"])["__typename"] == "ForbiddenError"
    assert approve(gql, "1", "STAGING", people["vic"])["__typename"] == "ForbiddenError"
    assert promote(gql, "1", "STAGING", headers=people["ana"])["__typename"] == "ForbiddenError"
    assert gate_status(gql, "1", "STAGING", headers=people["vic"])["allowed"] is False  # any reader may ask


def test_privacy_class_upstream_requires_a_privacy_review(graph, gql, people):
    build_base(gql, risk_tier="LOW")
    train(gql, version="1", features=build_pipeline(gql, suffix="1", source="customers", license="proprietary",
                                                    privacy="PII"), auc=0.9)
    record_check(gql, "1", "EVALUATION")
    assert promote(gql, "1", "STAGING")["__typename"] == "Promoted"  # staging asks only for SENSITIVE_PII
    refused = promote(gql, "1", "PRODUCTION")
    assert refused["__typename"] == "PromotionRefused"
    assert [(u["kind"], u["dataset"], u["privacyClass"], u["check"]) for u in refused["unmet"]] == [
        ("PRIVACY_REVIEW", "s3://vendor/customers", "PII", "PRIVACY_REVIEW")]
    record_check(gql, "1", "PRIVACY_REVIEW", status="FAILED")
    assert refused["unmet"][0]["status"] is None
    assert gate_status(gql, "1", "PRODUCTION")["unmet"][0]["status"] == "FAILED"
    record_check(gql, "1", "PRIVACY_REVIEW")
    assert promote(gql, "1", "PRODUCTION")["__typename"] == "Promoted"


def test_anything_quarantined_upstream_blocks(graph, gql, run_cypher):
    build_base(gql, risk_tier="LOW")
    train(gql, version="1", features=build_pipeline(gql, suffix="1", source="s", license="MIT"), auc=0.9)
    record_check(gql, "1", "EVALUATION")
    # Quarantine is incident response's (another module); here only its flag is read.
    run_cypher("governance.test_flag_quarantined", namespace="s3://curated", dataset="bureau_clean", version="1")
    refused = promote(gql, "1", "STAGING")
    assert refused["__typename"] == "PromotionRefused"
    assert [(u["kind"], u["node"]) for u in refused["unmet"]] == [
        ("UPSTREAM_QUARANTINED", "DatasetVersion s3://curated/bureau_clean@1")]
    # Archiving a version is always possible (the policy does not block it on quarantine upstream).
    assert promote(gql, "1", "ARCHIVED")["__typename"] == "Promoted"


def test_checks_are_one_per_kind_and_a_waiver_needs_a_reason(graph, gql):
    build_base(gql, risk_tier="LOW")
    train(gql, version="1", features=build_pipeline(gql, suffix="1", source="s", license="MIT"), auc=0.9)
    first = record_check(gql, "1", "EVALUATION", status="FAILED")
    assert first["changed"] is True and first["check"]["status"] == "FAILED"
    assert record_check(gql, "1", "EVALUATION", status="FAILED")["changed"] is False
    assert record_check(gql, "1", "EVALUATION")["check"]["status"] == "PASSED"
    assert [c["status"] for c in gate_status(gql, "1", "STAGING")["checks"]] == ["PASSED"]
    waived = record_check(gql, "1", "SAFETY_REVIEW", status="WAIVED")
    assert waived["__typename"] == "InvalidInputError" and waived["field"] == "note"
    assert record_check(gql, "1", "SAFETY_REVIEW", status="WAIVED", note="offline batch scoring only")["changed"]


def test_refusals_that_are_not_gates(graph, gql):
    build_base(gql)
    quarantine = promote(gql, "1", "QUARANTINED")
    assert quarantine["__typename"] == "InvalidInputError" and quarantine["field"] == "stage"
    missing = promote(gql, "404", "STAGING")
    assert missing["__typename"] == "NotFoundError"
    unknown = gql("""{ gateStatus(modelVersion: {model: "credit-scoring", version: "404"}, stage: STAGING) { allowed } }""")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_policy_is_visible(gql, client):
    data = gql("{ policies { source unratedTier stages { stage allowedFrom allowedLicenses privacyReviewFor "
               "tiers { riskTier checks approvals approverRoles metrics { metric min max } } } } }")["data"]["policies"]
    assert data["source"].endswith("promotion.yaml") and data["unratedTier"] == "CRITICAL"
    production = next(s for s in data["stages"] if s["stage"] == "PRODUCTION")
    assert production["allowedFrom"] == ["STAGING"] and "CC-BY-NC-4.0" not in production["allowedLicenses"]
    high = next(t for t in production["tiers"] if t["riskTier"] == "HIGH")
    assert high["approvals"] == 2 and high["metrics"] == [{"metric": "auc", "min": 0.75, "max": None}]
