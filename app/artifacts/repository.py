"""Cypher access for artifact verification. Every function takes the use case's transaction."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def verification_targets(tx: Tx, *, model_versions: list[dict], dataset_versions: list[dict]) -> list[dict]:
    """One row per ref asked for: the version's id (None when it does not exist), location, recorded
    digest and baseline manifest; model versions first, each kind in the order given."""
    rows = [dict(r) for r in await tx.records("artifacts.verification_targets", model_versions=model_versions,
                                                 dataset_versions=dataset_versions)]
    return sorted(rows, key=lambda r: (r["kind"] != "ModelVersion", r["i"]))


async def record_verifications(tx: Tx, **params: Any) -> list[dict]:
    """Record verifications and each version's last one; each as recorded, in the order given."""
    return [dict(r) for r in await tx.records("artifacts.record_verifications", **params)]


async def verifications_of(tx: Tx, *, version_ids: list[str], limit: int) -> dict[str, list[dict]]:
    """The latest `limit` verifications of each version, newest first, by version id."""
    records = await tx.records("artifacts.verifications_of", version_ids=version_ids, limit=limit)
    return {r["version_id"]: list(r["verifications"]) for r in records}
