"""Cypher access for governance. Every function takes the use case's transaction."""

from __future__ import annotations

from datetime import datetime

from app.db import Tx


async def change_stage(tx: Tx, *, model_name: str, version: str, stage: str, now: datetime,
                       principal: str) -> dict | None:
    """Move a version to a stage with history kept; None when the version does not exist."""
    record = await tx.single("governance.change_stage", model_name=model_name, version=version, stage=stage,
                             now=now, principal=principal)
    return dict(record) if record is not None else None
