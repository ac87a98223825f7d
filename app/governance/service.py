"""Governance rules: checks and approvals recorded against model versions, and promotion
through the stages behind the gates of the policy file.

Every public function is one use case in one transaction. A promotion reads everything its
gate needs and changes the stage in the same write transaction, so nothing recorded between
the verdict and the change can slip past the gate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.auth import scope
from app.core.access import SYSTEM, Principal
from app.core import validation as v
from app.core import vocabulary
from app.core.kinds import Kinds
from app.catalog.service import ModelVersionRef, model_version_ref, not_found
from app.core.actor import Actor
from app.core.db import Database, Tx
from app.core.errors import Forbidden, InvalidInput
from app.governance import repository
from app.governance.gate import GateFacts, Verdict, evaluate
from app.governance.policy import CHECK_KINDS, CrossTeamAction, Policies


CHECK_STATUSES = ("PASSED", "FAILED", "WAIVED")


@dataclass(frozen=True)
class CheckRecorded:
    check: dict
    changed: bool


@dataclass(frozen=True)
class ApprovalRecorded:
    approval: dict
    created: bool


@dataclass(frozen=True)
class GateReport:
    """A verdict and the checks and approvals it was reached on."""

    verdict: Verdict
    facts: GateFacts


@dataclass(frozen=True)
class Promotion:
    """A promotion's answer: the verdict and, when allowed, the version as it now stands."""

    report: GateReport
    node: dict | None = None
    changed: bool = False


async def record_check(db: Database, principal: Principal, model_version: ModelVersionRef, *, kind: str,
                       status: str, evidence_uri: str | None = None, note: str | None = None,
                       at: datetime | None = None,
                       policies: Policies | None = None) -> CheckRecorded:
    """Record the outcome of one check of a version. One check per (version, kind): re-recording
    the same outcome changes nothing, a new outcome replaces the old (the audit trail keeps it).
    `at` (Python callers loading history, the demo) is when it was recorded; default now."""
    ref = model_version_ref(model_version, "modelVersion")
    kind = v.one_of("kind", kind, CHECK_KINDS)
    status = v.one_of("status", status, CHECK_STATUSES)
    note = v.description("note", note)
    if status == "WAIVED" and not (note or "").strip():
        raise InvalidInput("A WAIVED check needs a note saying why it is waived.", field="note")
    actor = _actor(principal, at)
    params = {**ref, "id": _derived_id("check", version_key(ref), kind), "kind": kind, "status": status,
              "evidence_uri": None if evidence_uri is None else v.uri("evidenceUri", evidence_uri), "note": note,
              **actor.stamp()}

    async def work(tx: Tx) -> CheckRecorded:
        await _authorize(tx, policies, principal, ref, "record_check")
        record = await repository.record_check(tx, **params)
        if record is None:
            raise not_found(Kinds.MODEL_VERSION.value, ref)
        if record["changed"]:
            record_audit(tx, AuditEntry(actor=principal.name, action="recordCheck", target_kind="ModelVersion",
                                       target_key=Kinds.MODEL_VERSION.value.describe_key(ref), target_id=record["model_version_id"],
                                       before=_check_summary(kind, record["before"]),
                                       after=_check_summary(kind, record["check"])))
        return CheckRecorded(check=record["check"], changed=record["changed"])

    return await db.write(work)


async def approve(db: Database, policies: Policies, principal: Principal, model_version: ModelVersionRef, *,
                  stage: str, note: str | None = None, at: datetime | None = None) -> ApprovalRecorded:
    """Approve a version for a target stage. Never by its author (its creator or its producing run's);
    approving again changes nothing. The approver's roles are recorded: the policy counts those."""
    ref = model_version_ref(model_version, "modelVersion")
    stage = _target_stage(policies, stage)
    actor = _actor(principal, at)
    roles = sorted(role.value for role in principal.roles)
    params = {**ref, "id": _derived_id("approval", version_key(ref), stage, principal.name), "stage": stage,
              "roles": roles, "note": v.description("note", note), **actor.stamp()}

    async def work(tx: Tx) -> ApprovalRecorded:
        authors = await repository.version_authors(tx, **ref)
        if authors is None:
            raise not_found(Kinds.MODEL_VERSION.value, ref)
        await _authorize(tx, policies, principal, ref, "approve")
        if principal.name in authors["authors"]:
            raise Forbidden(f"{principal.name} authored {version_key(ref)} (created it or the run that produced it) "
                            "and cannot approve it: approvals must come from someone else.")
        record = await repository.record_approval(tx, **params)
        if record["created"]:
            record_audit(tx, AuditEntry(actor=principal.name, action="approveModelVersion", target_kind="ModelVersion",
                                       target_key=Kinds.MODEL_VERSION.value.describe_key(ref), target_id=record["model_version_id"],
                                       after={"approvedFor": stage, "roles": roles}))
        return ApprovalRecorded(approval=record["approval"], created=record["created"])

    return await db.write(work)


async def gate_status(db: Database, policies: Policies, model_version: ModelVersionRef, stage: str) -> GateReport:
    """What a promotion of the version to `stage` would answer now, without promoting."""
    ref = model_version_ref(model_version, "modelVersion")
    stage = _target_stage(policies, stage)

    async def work(tx: Tx) -> GateReport:
        return await _gate(tx, policies, ref, stage)

    return await db.read(work)


async def promote(db: Database, policies: Policies, principal: Principal, model_version: ModelVersionRef,
                  stage: str, *, at: datetime | None = None) -> Promotion:
    """Move a version to `stage` when the policy allows it; otherwise change nothing and say everything
    that is missing. The gate reads and the stage change happen in one write transaction."""
    ref = model_version_ref(model_version, "modelVersion")
    stage = _target_stage(policies, stage)
    actor = _actor(principal, at)

    async def work(tx: Tx) -> Promotion:
        await _authorize(tx, policies, principal, ref, "promote")
        report = await _gate(tx, policies, ref, stage)
        if not report.verdict.allowed:
            return Promotion(report)
        record = await _change_stage(tx, ref, stage, actor.now, principal.name, action="promote")
        return Promotion(report, node=record["node"], changed=record["changed"])

    return await db.write(work)


async def _authorize(tx: Tx, policies: Policies | None, principal: Principal, ref: dict,
                     action: CrossTeamAction) -> None:
    """The team scope of writes (app/auth/scope.py) on the version's model, unless the policy's
    `cross_team` block lets one of the principal's roles take this action across teams. Inside the
    write transaction; a refusal is FORBIDDEN and writes nothing but the denied attempt."""
    if policies is not None and policies.cross_team.allows(action, (role.value for role in principal.roles)):
        return
    await scope.authorize(tx, principal, Kinds.MODEL.value, {"name": ref["model_name"]},
                          what=f"model version {version_key(ref)}, which team {{owner}} owns")


async def _gate(tx: Tx, policies: Policies, ref: dict, stage: str) -> GateReport:
    record = await repository.gate_facts(tx, **ref, stage=stage)
    if record is None:
        raise not_found(Kinds.MODEL_VERSION.value, ref)
    facts = _facts(record)
    return GateReport(verdict=evaluate(policies, facts, stage), facts=facts)


def _facts(record: dict) -> GateFacts:
    return GateFacts.from_record(record)


def _actor(principal: Principal, at: datetime | None) -> Actor:
    """The acting principal, stamped now, or at `at` when history is being loaded (the demo)."""
    return Actor(principal.name, at) if at is not None else Actor.of(principal.name)


def _target_stage(policies: Policies, stage: str) -> str:
    stage = v.one_of("stage", stage, vocabulary.STAGES)
    if stage == "QUARANTINED":
        raise InvalidInput("QUARANTINED is set by incident response (quarantine), not by a promotion.", field="stage")
    return stage


def _derived_id(*parts: str) -> str:
    """A stable id from a natural key: concurrent writers of the same record meet on the id constraint."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "https://lineagegraph.dev/governance/" + "/".join(parts)))


def _check_summary(kind: str, check: dict | None) -> dict | None:
    if check is None:
        return None
    return {"check": kind, "status": check["status"], "evidenceUri": check.get("evidence_uri")}


def version_key(ref: dict) -> str:
    """A model version's natural key as people write it: credit-scoring@2."""
    return f"{ref['model_name']}@{ref['version']}"


async def record_stage_history(db: Database, model_version: ModelVersionRef, stage: str, *, since: datetime,
                               principal: str = SYSTEM.name) -> dict:
    """Record that a version entered a stage at `since`, without any gate: for loading history
    that happened elsewhere (an import), never for a promotion (the demo promotes through the
    gate). Replaying it changes nothing: a change older than the version's current stage is
    already history and is skipped."""
    ref = model_version_ref(model_version, "modelVersion")
    stage = v.one_of("stage", stage, vocabulary.STAGES)

    async def work(tx: Tx) -> dict:
        record = await _change_stage(tx, ref, stage, since, principal, action="recordStageHistory")
        return record["node"]

    return await db.write(work)


async def _change_stage(tx: Tx, ref: dict, stage: str, now: datetime, principal: str, *, action: str) -> dict:
    """The stage change and its audit entry; the repository's record (node, before, changed, stale)."""
    record = await repository.change_stage(tx, **ref, stage=stage, now=now, principal=principal)
    if record is None:
        raise not_found(Kinds.MODEL_VERSION.value, ref)
    if record["changed"]:
        record_audit(tx, AuditEntry(actor=principal, action=action, target_kind="ModelVersion",
                                   target_key=Kinds.MODEL_VERSION.value.describe_key(ref), target_id=record["node"]["id"],
                                   before={"stage": record["before"]}, after={"stage": stage}))
    return record
