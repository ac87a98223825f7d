"""Governance rules: checks and approvals recorded against model versions, and promotion
through the stages behind the gates of the policy file.

Every public function is one use case in one transaction. A promotion reads everything its
gate needs and changes the stage in the same write transaction, so nothing recorded between
the verdict and the change can slip past the gate.
"""

from __future__ import annotations

from datetime import datetime

from app.audit.entry import AuditEntry
from app.auth.permissions import SYSTEM
from app.catalog.kinds import Kinds
from app.catalog.service import ModelVersionRef, _model_version_ref, _not_found
from app.catalog import validation as v
from app.db import Database, Tx
from app.governance import repository


def version_key(ref: dict) -> str:
    """A model version's natural key as people write it: credit-scoring@2."""
    return f"{ref['model_name']}@{ref['version']}"


async def record_stage_history(db: Database, model_version: ModelVersionRef, stage: str, *, since: datetime,
                               principal: str = SYSTEM.name) -> dict:
    """Record that a version entered a stage at `since`, without any gate: for loading history
    that happened elsewhere (the demo), never for a promotion. Replaying it changes nothing: a
    change older than the version's current stage is already history and is skipped."""
    ref = _model_version_ref(model_version, "modelVersion")
    stage = v.one_of("stage", stage, v.STAGES)

    async def work(tx: Tx) -> dict:
        record = await _change_stage(tx, ref, stage, since, principal, action="recordStageHistory")
        return record["node"]

    return await db.write(work)


async def _change_stage(tx: Tx, ref: dict, stage: str, now: datetime, principal: str, *, action: str) -> dict:
    """The stage change and its audit entry; the repository's record (node, before, changed, stale)."""
    record = await repository.change_stage(tx, **ref, stage=stage, now=now, principal=principal)
    if record is None:
        raise _not_found(Kinds.MODEL_VERSION.value, ref)
    if record["changed"]:
        tx.record_audit(AuditEntry(actor=principal, action=action, target_kind="ModelVersion",
                                   target_key=version_key(ref), target_id=record["node"]["id"],
                                   before={"stage": record["before"]}, after={"stage": stage}))
    return record
