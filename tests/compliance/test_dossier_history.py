"""The dossier after the demo's incident is played out at chosen times, through the services as the
API would: the corrupted snapshot quarantined, production rolled back, the incident released, an
admin breaking glass to serve the refused candidate, a check of version 1 recorded again. Each
moment's dossier says what stood then, and only that."""

from __future__ import annotations

import pytest

from app.audit import service as audit
from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.catalog import service as catalog
from app.catalog.service import ModelVersionRef
from app.cli import demo
from app.compliance import service
from app.core.access import Principal, Role
from app.core.actor import Actor
from app.core.config import default_policy_file
from app.core.kinds import Kinds
from app.governance import service as governance
from app.governance.policy import load_policies
from app.incident import service as incidents
from app.lineage.service import Start
from tests.compliance.conftest import deployment, model_version

ADMIN = Principal("rita.responder", roles=frozenset({Role.ADMIN}))
QUARANTINED_AT = demo.at("03-21", "09:00")
ROLLED_BACK_AT = demo.at("03-21", "10:00")
RELEASED_AT = demo.at("03-22", "09:00")
BROKEN_GLASS_AT = demo.at("03-23", "09:00")
RECHECKED_AT = demo.at("03-24", "15:00")
GLASS_REASON = "Regulator demo needs the bureau-score model for one day."
PRODUCTION = deployment(*demo.PRODUCTION_DEPLOYMENT)
V2 = model_version("credit-scoring", "2")


def _actor(when):
    return Actor(principal=ADMIN.name, now=when, access=ADMIN)


@pytest.fixture(scope="module")
def played_out(demo_registry, service_db):
    """The incident's days, each at its time; returns the incident's id."""
    policies = load_policies(default_policy_file())
    corrupted = Start(kind=Kinds.DATASET_VERSION.value, key=vars(demo.CORRUPTED_RAW_VERSION))
    opened = service_db(lambda db: incidents.quarantine(db, _actor(QUARANTINED_AT), corrupted,
                                                        reason="Double-loaded partition."))
    incident_id = opened.incident["id"]
    rolled = service_db(lambda db: incidents.rollback_deployment(
        db, _actor(ROLLED_BACK_AT), policies=policies, environment="production", name="credit-scoring-api",
        reason="credit-scoring@2 was trained on the corrupted snapshot."))
    assert rolled.changed
    service_db(lambda db: incidents.release(db, _actor(RELEASED_AT), incident_id=incident_id,
                                            note="Snapshot reloaded; v2 retrains separately."))
    glass = service_db(lambda db: catalog.register_deployment(
        db, _actor(BROKEN_GLASS_AT), policies=policies, environment="production", name="credit-scoring-api",
        serving=ModelVersionRef("credit-scoring", "3"), at=BROKEN_GLASS_AT, break_glass_reason=GLASS_REASON))
    assert not hasattr(glass, "unmet"), glass
    reviewer = demo.REVIEWERS["credit-risk"]
    service_db(lambda db: governance.record_check(
        db, reviewer, demo.PREVIOUS_MODEL_VERSION, kind="bias_assessment", status="PASSED",
        evidence_uri="https://reviews.example.com/credit-scoring/1/bias_assessment-rerun", at=RECHECKED_AT))
    return incident_id


def test_now_production_serves_the_candidate_through_broken_glass(played_out, read_dossier):
    dossier = read_dossier(PRODUCTION)
    assert dossier.model_version.label == "credit-scoring@3"
    glass = dossier.serving.break_glass
    assert (glass.reason, glass.by) == (GLASS_REASON, ADMIN.name)
    assert any(line.startswith("LICENSE: ") and "CC-BY-NC-4.0" in line for line in glass.overrode), glass.overrode
    assert "CC-BY-NC-4.0" in dossier.licenses
    assert [(s.model_version, s.since, s.until, s.rollback_reason is not None, s.break_glass is not None)
            for s in dossier.deployment_history] == [
        ("credit-scoring@1", demo.at("03-10", "09:00"), demo.at("03-20", "09:00"), False, False),
        ("credit-scoring@2", demo.at("03-20", "09:00"), ROLLED_BACK_AT, False, False),
        ("credit-scoring@1", ROLLED_BACK_AT, BROKEN_GLASS_AT, True, False),
        ("credit-scoring@3", BROKEN_GLASS_AT, None, False, True)]
    rollback = dossier.deployment_history[2]
    assert rollback.by == ADMIN.name and "corrupted snapshot" in rollback.rollback_reason
    assert dossier.incidents == []  # nothing credit-scoring@3 is built from was quarantined


def test_while_the_incident_was_open_production_served_an_affected_version(played_out, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=demo.at("03-21", "09:30"))
    assert dossier.serving.model_version == "credit-scoring@2" and dossier.serving.until is None
    (incident,) = dossier.incidents
    assert incident.id == played_out and incident.status == "OPEN" and incident.opened_by == ADMIN.name
    assert incident.opened_at == QUARANTINED_AT and incident.start == "s3://raw/transactions@2026-03-08"
    assert (incident.released_at, incident.released_by) == (None, None)
    assert set(incident.affected) >= {"s3://raw/transactions@2026-03-08", "s3://curated/transactions_clean@2026-03-08",
                                      "credit/txn_amount_30d", "credit/txn_count_7d", "credit-scoring@2"}
    assert "s3://curated/customers_clean@2026-03-01" not in incident.affected
    flags = {a.label: a.fields.get("quarantined") for a in dossier.assets if a.kind in ("DatasetVersion", "ModelVersion")}
    assert flags["credit-scoring@2"] is True and flags["s3://raw/transactions@2026-03-08"] is True
    assert flags["s3://curated/customers_clean@2026-03-01"] is False


def test_just_before_the_quarantine_nothing_was_known(played_out, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=demo.at("03-21", "08:59"))
    assert dossier.incidents == [] and dossier.model_version.fields["quarantined"] is False


def test_after_the_rollback_the_dossier_describes_the_clean_version(played_out, read_dossier):
    dossier = read_dossier(PRODUCTION, as_of=demo.at("03-21", "12:00"))
    assert dossier.serving.model_version == "credit-scoring@1" and dossier.serving.rollback_reason
    assert dossier.serving.by == ADMIN.name and dossier.serving.since == ROLLED_BACK_AT
    assert dossier.incidents == []


def test_the_affected_version_shows_its_incident_open_then_released(played_out, read_dossier):
    during = read_dossier(V2, as_of=demo.at("03-21", "12:00"))
    (incident,) = during.incidents
    assert incident.status == "OPEN" and during.subject.fields["quarantined"] is True
    # It stopped serving production at the rollback; staging still serves it.
    assert [(s.deployment, s.until) for s in during.deployment_history] == [
        ("staging/credit-scoring-staging", None), ("production/credit-scoring-api", ROLLED_BACK_AT)]
    now = read_dossier(V2)
    (incident,) = now.incidents
    assert (incident.status, incident.released_at, incident.released_by) == ("RELEASED", RELEASED_AT, ADMIN.name)
    assert now.subject.fields["quarantined"] is False


def test_a_check_recorded_again_later_is_named_not_shown_as_of_before(played_out, read_dossier):
    before = read_dossier(PRODUCTION, as_of=demo.at("03-15"))
    assert before.model_version.label == "credit-scoring@1"
    assert {c.kind for c in before.checks} == set(demo.CREDIT_CHECKS) - {"bias_assessment"}
    (restated,) = before.restated
    assert (restated.model_version, restated.what, restated.name, restated.recorded_at) == (
        "credit-scoring@1", "check", "bias_assessment", RECHECKED_AT)
    after = read_dossier(model_version("credit-scoring", "1"))
    bias = next(c for c in after.checks if c.kind == "bias_assessment")
    assert bias.at == RECHECKED_AT and bias.evidence_uri.endswith("-rerun") and after.restated == []


def test_the_audit_line_checks_the_chains_recent_events_and_says_how_many(played_out, read_dossier, service_db,
                                                                           run_cypher):
    # Last in this module: it tampers with the chain. First grow it past the window the dossier checks.
    async def grow(db):
        async def work(tx):
            for i in range(service.AUDIT_WINDOW + 10):
                record_audit(tx, AuditEntry(actor=ADMIN.name, action="registerTeam", target_kind="Team",
                                            target_key=f"team-{i}"))
        await db.write(work)

    service_db(grow)
    line = read_dossier(PRODUCTION).audit
    assert line.ok and line.problem is None and line.checked == service.AUDIT_WINDOW
    head = line.head_seq

    run_cypher("admin.tamper_audit_event", seq=1, after=None, actor="mallory")  # older than the window
    assert read_dossier(PRODUCTION).audit.ok  # the bound, as documented: verifyAudit checks the whole chain
    assert not service_db(lambda db: audit.verify(db)).ok

    run_cypher("admin.tamper_audit_event", seq=head - 3, after=None, actor="mallory")
    line = read_dossier(PRODUCTION, as_of=demo.at("03-15")).audit  # whatever asOf: the chain as it is now
    assert not line.ok and line.problem.startswith(f"event {head - 3}: ") and line.head_seq == head
