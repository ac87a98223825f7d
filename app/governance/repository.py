"""Cypher access for governance. Every function takes the use case's transaction and answers the
statement's one row as a dict, or None when the model version it names does not exist."""

from __future__ import annotations

from datetime import datetime

from app.core.db import Tx


async def _one(tx: Tx, query: str, /, **params) -> dict | None:
    record = await tx.single(query, **params)
    return dict(record) if record is not None else None


async def change_stage(tx: Tx, *, model_name: str, version: str, stage: str, now: datetime,
                       principal: str) -> dict | None:
    """Move a version to a stage with history kept: {node, before, changed, stale}."""
    return await _one(tx, "governance.change_stage", model_name=model_name, version=version, stage=stage,
                      now=now, principal=principal)


async def gate_facts(tx: Tx, *, model_name: str, version: str, stage: str) -> dict | None:
    """Everything the gate reads about a version, in one statement."""
    return await _one(tx, "governance.gate_facts", model_name=model_name, version=version, stage=stage)


async def version_authors(tx: Tx, *, model_name: str, version: str) -> dict | None:
    """{id, authors} of a version."""
    return await _one(tx, "governance.version_authors", model_name=model_name, version=version)


async def record_check(tx: Tx, **params) -> dict | None:
    """Record a check outcome: {check, model_version_id, before, changed}."""
    return await _one(tx, "governance.record_check", **params)


async def record_approval(tx: Tx, **params) -> dict | None:
    """Record an approval: {approval, model_version_id, created}."""
    return await _one(tx, "governance.record_approval", **params)
