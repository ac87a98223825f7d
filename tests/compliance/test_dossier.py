"""The compliance dossier on the demo registry, read through the service: now, as of a past time, for
a deployment and for model versions, before anything existed, and for nothing at all. Expectations
come from the demo's declared data (tests/compliance/demo_model.py), not from the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.cli import demo
from app.compliance import service
from app.core.errors import InvalidInput, NotFound
from tests.compliance.conftest import deployment, model_version
from tests.compliance.demo_model import governed, served_at, upstream_of_credit_scoring

PRODUCTION = deployment(*demo.PRODUCTION_DEPLOYMENT)
BEFORE_REDEPLOY = demo.at("03-15")


def _labels(dossier: service.Dossier, kind: str) -> set[str]:
    return {a.label for a in dossier.assets if a.kind == kind}


def _sections_naming(dossier: service.Dossier, label: str) -> list[str]:
    """The sections of per-model-version facts that mention the version `label`."""
    sections = {"checks": dossier.checks, "approvals": dossier.approvals, "stages": dossier.stages,
                "measurements": dossier.measurements, "deployment_history": dossier.deployment_history}
    return [name for name, rows in sections.items() if any(row.model_version == label for row in rows)]


def _check_rows(dossier: service.Dossier, label: str) -> set[tuple]:
    return {(c.kind, c.status, c.by, c.at) for c in dossier.checks if c.model_version == label}


def _approval_rows(dossier: service.Dossier, label: str) -> set[tuple]:
    return {(a.stage, a.approver, tuple(a.roles), a.at) for a in dossier.approvals if a.model_version == label}


def _promotions(dossier: service.Dossier, label: str) -> list[tuple]:
    return [(s.stage, s.by, s.since) for s in dossier.stages if s.model_version == label][1:]


def _assert_upstream_matches_the_model(dossier: service.Dossier, version: str) -> None:
    expected = upstream_of_credit_scoring(version)
    assert _labels(dossier, "DatasetVersion") == expected.dataset_versions
    assert _labels(dossier, "Dataset") == expected.datasets
    assert {a.label for a in dossier.raw_sources} == expected.raw_sources
    assert set(dossier.licenses) == expected.licenses
    assert set(dossier.privacy_classes) == expected.privacy_classes
    specs = {f"{s.namespace}/{s.name}": s for s in demo.DATASETS}
    for asset in dossier.assets:
        if asset.kind == "Dataset":
            assert asset.fields.get("license") == specs[asset.label].license
            assert asset.fields["owner"] == specs[asset.label].owner


def test_the_production_deployment_now_is_credit_scoring_2_with_everything_that_let_it_through(
        demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION)
    assert dossier.subject.kind == "Deployment" and dossier.subject.label == "production/credit-scoring-api"
    assert dossier.subject.key == {"environment": "production", "name": "credit-scoring-api"}
    assert dossier.existed and dossier.complete and dossier.assets[0] == dossier.subject
    assert served_at(*demo.PRODUCTION_DEPLOYMENT, dossier.as_of) == demo.PRODUCTION_MODEL_VERSION
    assert dossier.model_version.label == "credit-scoring@2"
    mv = dossier.model_version.fields
    assert (mv["stage"], mv["risk_tier"], mv["owner"], mv["quarantined"]) == ("PRODUCTION", "HIGH", "credit-risk", False)
    assert mv["artifact_digest"] == demo.digest("credit-scoring/2") and mv["framework"] == "xgboost"

    assert dossier.serving.model_version == "credit-scoring@2"
    assert dossier.serving.since == demo.at("03-20", "09:00") and dossier.serving.until is None
    assert dossier.serving.break_glass is None and dossier.serving.rollback_reason is None
    assert [(s.model_version, s.since, s.until, s.deployment) for s in dossier.deployment_history] == [
        ("credit-scoring@1", demo.at("03-10", "09:00"), demo.at("03-20", "09:00"), "production/credit-scoring-api"),
        ("credit-scoring@2", demo.at("03-20", "09:00"), None, "production/credit-scoring-api")]
    assert all(s.by == demo.PRINCIPAL for s in dossier.deployment_history)

    _assert_upstream_matches_the_model(dossier, "2")
    expected = governed(demo.PRODUCTION_MODEL_VERSION, dossier.as_of)
    assert _check_rows(dossier, "credit-scoring@2") == expected.checks
    assert {c.kind for c in dossier.checks} == set(demo.CREDIT_CHECKS)
    assert all(c.evidence_uri.endswith(f"/credit-scoring/2/{c.kind}") for c in dossier.checks)
    assert _approval_rows(dossier, "credit-scoring@2") == expected.approvals
    assert _promotions(dossier, "credit-scoring@2") == expected.promotions
    assert dossier.stages[0].stage == "DEVELOPMENT" and dossier.stages[-1].until is None
    assert {(m.metric, m.value, m.dataset_version) for m in dossier.measurements} == {
        ("auc", 0.871, "s3://curated/credit_holdout@2026-03-01"), ("ks", 0.563, "s3://curated/credit_holdout@2026-03-01")}
    assert dossier.incidents == [] and dossier.restated == []

    run = next(a for a in dossier.assets if a.kind == "Run" and a.fields["job_name"] == "train_credit_scoring")
    assert run.key == {"run_id": demo.TRAINING_RUN_IDS["2"]}
    assert run.fields["parameters"] == {"max_depth": "8", "eta": "0.05", "n_estimators": "900"}
    assert run.fields["code_commit"] == demo.commit("credit-scoring/2") and run.fields["owner"] == "credit-risk"
    ids = {a.id for a in dossier.assets}
    assert all(e.source in ids and e.target in ids for e in dossier.edges)
    assert any(e.type == "SERVES" and e.source == dossier.subject.id and e.target == dossier.model_version.id
               for e in dossier.edges)

    assert dossier.audit.ok and dossier.audit.problem is None and dossier.audit.checked == dossier.audit.head_seq > 0
    assert len(dossier.audit.head_hash) == 64


def test_as_of_before_the_redeploy_describes_credit_scoring_1_as_it_stood(demo_registry, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=BEFORE_REDEPLOY)
    assert dossier.as_of == BEFORE_REDEPLOY and dossier.generated_at > BEFORE_REDEPLOY
    assert served_at(*demo.PRODUCTION_DEPLOYMENT, BEFORE_REDEPLOY) == demo.PREVIOUS_MODEL_VERSION
    assert dossier.model_version.label == "credit-scoring@1"
    assert dossier.serving.model_version == "credit-scoring@1" and dossier.serving.until is None
    # The redeploy had not happened: the span then open is not cut by it.
    assert [(s.model_version, s.since, s.until) for s in dossier.deployment_history] == [
        ("credit-scoring@1", demo.at("03-10", "09:00"), None)]
    _assert_upstream_matches_the_model(dossier, "1")

    expected = governed(demo.PREVIOUS_MODEL_VERSION, BEFORE_REDEPLOY)
    assert _check_rows(dossier, "credit-scoring@1") == expected.checks and len(expected.checks) == 5
    assert _approval_rows(dossier, "credit-scoring@1") == expected.approvals and len(expected.approvals) == 4
    assert _promotions(dossier, "credit-scoring@1") == expected.promotions
    assert dossier.model_version.fields["stage"] == "PRODUCTION"
    assert {(m.metric, m.value) for m in dossier.measurements} == {("auc", 0.842), ("ks", 0.512)}
    # Nothing of version 2 or of anything it was built from (it was trained on 03-12 but served later).
    assert not any("credit-scoring@2" in a.label or "2026-03-08" in a.label for a in dossier.assets)
    assert _sections_naming(dossier, "credit-scoring@2") == []


def test_as_of_between_promotions_cuts_the_stage_history_there(demo_registry, read_dossier):
    moment = demo.at("03-08", "12:00")  # credit-scoring@1 in STAGING, approved for it, not yet for PRODUCTION
    dossier = read_dossier(model_version("credit-scoring", "1"), as_of=moment)
    assert dossier.serving is None and dossier.deployment_history == []
    assert dossier.model_version == dossier.subject and dossier.subject.fields["stage"] == "STAGING"
    expected = governed(demo.PREVIOUS_MODEL_VERSION, moment)
    assert _approval_rows(dossier, "credit-scoring@1") == expected.approvals
    assert {a.stage for a in dossier.approvals} == {"STAGING"}
    assert [(s.stage, s.until) for s in dossier.stages] == [
        ("DEVELOPMENT", demo.at("03-07", "09:00")), ("STAGING", None)]


def test_a_model_version_subject_lists_the_deployments_that_served_it(demo_registry, read_dossier):
    dossier = read_dossier(model_version("credit-scoring", "2"))
    assert dossier.subject.label == "credit-scoring@2" and dossier.model_version == dossier.subject
    assert dossier.serving is None
    assert [(s.deployment, s.since, s.until) for s in dossier.deployment_history] == [
        ("staging/credit-scoring-staging", demo.at("03-14", "09:00"), None),
        ("production/credit-scoring-api", demo.at("03-20", "09:00"), None)]
    _assert_upstream_matches_the_model(dossier, "2")


def test_the_refused_candidate_shows_its_non_commercial_source_and_its_one_check(demo_registry, read_dossier):
    dossier = read_dossier(model_version(demo.CANDIDATE_MODEL_VERSION.model_name, demo.CANDIDATE_MODEL_VERSION.version))
    _assert_upstream_matches_the_model(dossier, "3")
    assert "CC-BY-NC-4.0" in dossier.licenses
    bureau = next(a for a in dossier.raw_sources if a.label == "postgres://bureau:5432/bureau_scores")
    assert bureau.fields["license"] == "CC-BY-NC-4.0"
    assert [c.kind for c in dossier.checks] == ["evaluation"]
    assert {a.stage for a in dossier.approvals} == {"STAGING"}
    assert dossier.subject.fields["stage"] == "STAGING" and dossier.deployment_history == []


def test_every_model_version_upstream_has_its_own_facts(demo_registry, read_dossier):
    dossier = read_dossier(deployment(*demo.LLM_DEPLOYMENT))
    assert dossier.model_version.label == "support-assistant@1.0"
    versions = [a.label for a in dossier.assets if a.kind == "ModelVersion"]
    assert versions == ["support-assistant@1.0", "base-llm@7b-v1"]  # the fine-tuning parent is upstream
    base = next(a for a in dossier.assets if a.label == "base-llm@7b-v1")
    assert base.fields["license"] == "Apache-2.0" and base.fields["stage"] == "DEVELOPMENT"
    assert {c.kind for c in dossier.checks if c.model_version == "support-assistant@1.0"} == set(demo.SUPPORT_CHECKS)
    assert [s.stage for s in dossier.stages if s.model_version == "base-llm@7b-v1"] == ["DEVELOPMENT"]
    assert _sections_naming(dossier, "base-llm@7b-v1") == ["stages"]  # no check, approval or metric recorded
    assert {m.metric for m in dossier.measurements} == {"answer_accuracy", "toxicity_rate"}
    assert dossier.licenses == ["CC-BY-SA-4.0"] and dossier.privacy_classes == ["INTERNAL"]


@pytest.mark.parametrize("start", [PRODUCTION, model_version("credit-scoring", "1")], ids=["deployment", "version"])
def test_as_of_before_anything_existed_is_the_subject_alone(demo_registry, read_dossier, start):
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    dossier = read_dossier(start, as_of=moment)
    assert dossier.existed is False and dossier.complete is True and dossier.as_of == moment
    assert dossier.assets == [dossier.subject] and dossier.edges == [] and dossier.raw_sources == []
    assert dossier.model_version is None and dossier.serving is None
    assert dossier.licenses == [] and dossier.privacy_classes == []
    assert (dossier.checks, dossier.approvals, dossier.stages, dossier.measurements, dossier.deployment_history,
            dossier.incidents, dossier.restated) == ([], [], [], [], [], [], [])
    assert "stage" not in dossier.subject.fields
    assert dossier.audit.ok  # the chain is verified as it is now, whatever asOf


def test_an_unknown_subject_is_not_found_and_a_future_as_of_is_refused(demo_registry, read_dossier):
    with pytest.raises(NotFound) as missing:
        read_dossier(deployment("production", "no-such-api"))
    assert missing.value.code == "NOT_FOUND" and "production/no-such-api" in missing.value.message
    with pytest.raises(NotFound):
        read_dossier(model_version("credit-scoring", "99"))
    with pytest.raises(InvalidInput) as future:
        read_dossier(PRODUCTION, as_of=datetime.now(UTC) + timedelta(hours=1))
    assert future.value.details["field"] == "asOf"
    # Within the clock skew a time just ahead is read as now.
    assert read_dossier(PRODUCTION, as_of=datetime.now(UTC) + timedelta(seconds=5)).serving.model_version == \
        "credit-scoring@2"


def test_a_dossier_is_a_fixed_number_of_statements_whatever_its_size(demo_registry, service_db):
    async def statements(db, start) -> int:
        before = db.statements_run
        await service.dossier(db, start)
        return db.statements_run - before

    small = service_db(lambda db: statements(db, model_version("base-llm", "7b-v1")))
    large = service_db(lambda db: statements(db, PRODUCTION))
    # lookup + traversal + facts in one read transaction; the audit head and one page of events.
    assert small == large == 5
