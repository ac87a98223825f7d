"""The compliance report of the demo, read through the service: the production deployment now and
before the redeploy, and the candidate credit-scoring@3 whose bureau scores are licensed for
non-commercial use only. Expectations come from app/cli/demo.py."""

from __future__ import annotations

from app.catalog.service import ModelVersionRef
from app.cli import demo
from app.compliance.report import html, markdown
from tests.compliance.conftest import deployment, model_version
from tests.compliance.demo_model import governed
from tests.compliance.test_report import Page, md_sections

PRODUCTION = deployment(*demo.PRODUCTION_DEPLOYMENT)
NON_COMMERCIAL = "postgres://bureau:5432/bureau_scores is licensed under CC-BY-NC-4.0"


def test_the_production_deployment_now_names_every_approval_with_its_approver_and_the_audit_line(
        demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION)
    page = Page(html(dossier))
    summary = page.section("summary")
    assert "credit-scoring version 2 (registered as credit-scoring@2) since 20 March 2026, 09:00 UTC" in summary
    assert "Deployment gate Passed" in summary
    assert "non-commercial" not in summary.lower()  # nothing under CC-BY-NC is upstream of version 2
    approvals = page.section("checks-and-approvals")
    plan = governed(demo.PRODUCTION_MODEL_VERSION, dossier.as_of)
    assert plan.approvals
    for stage, approver, _, at in plan.approvals:
        assert f"{approver} " in approvals and f"{at.day} March 2026, 08:00 UTC" in approvals
    assert page.section("audit").startswith("Audit trail Verified: all ")
    assert f"entry {dossier.audit.head_seq} (fingerprint {dossier.audit.head_hash})" in page.section("audit")
    md = md_sections(markdown(dossier))
    assert md["Audit trail"].startswith("Verified:")
    for _, approver, _, _ in plan.approvals:
        assert approver.replace("_", "\\_") in md["Checks and approvals"]


def test_before_the_redeploy_the_report_describes_version_1(demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=demo.at("03-15"))
    summary = md_sections(markdown(dossier))["Summary"]
    assert "serves **credit-scoring version 1** (registered as credit-scoring@1) since 10 March 2026, 09:00 UTC" in summary
    assert "version 2" not in summary and "credit-scoring@2" not in summary
    history = Page(html(dossier)).section("deployment-history")
    assert "credit-scoring version 1" in history and "credit-scoring version 2" not in history
    approvers = governed(ModelVersionRef("credit-scoring", "1"), dossier.as_of).approvals
    for _, approver, _, _ in approvers:
        assert approver in Page(html(dossier)).section("checks-and-approvals")


def test_the_candidate_names_its_non_commercial_source_in_the_summary(demo_registry, read_dossier):
    dossier = read_dossier(model_version("credit-scoring", "3"))
    summary = Page(html(dossier)).section("summary")
    assert "Non-commercial licence upstream. " + NON_COMMERCIAL in summary
    assert "This data may not be used commercially." in summary
    assert NON_COMMERCIAL.replace("_", "\\_") in md_sections(markdown(dossier))["Summary"]
