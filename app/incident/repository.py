"""Cypher access for incident response. Every function takes the use case's transaction."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def lock_start(tx: Tx, start_id: str) -> bool:
    """Write-lock the start node so identical quarantines queue; False when it does not exist."""
    return await tx.single("incident.lock_start", start_id=start_id) is not None


async def open_incident_for_start(tx: Tx, start_ref: str) -> str | None:
    """The id of the OPEN incident that quarantined exactly this start, if any."""
    record = await tx.single("incident.open_incident_for_start", start_ref=start_ref)
    return record["id"] if record is not None else None


async def quarantine(tx: Tx, **params: Any) -> dict:
    """The one traversal that finds what a start reaches and, when the answer is whole, quarantines it."""
    return dict(await tx.single("incident.quarantine", **params))


async def release(tx: Tx, **params: Any) -> dict | None:
    """Release an incident's flags; None when the incident does not exist."""
    record = await tx.single("incident.release", **params)
    return dict(record) if record is not None else None


async def rollback_plan(tx: Tx, **params: Any) -> dict | None:
    """A deployment's current version, its previous good one and the open incidents covering the
    current one; None when the deployment does not exist."""
    record = await tx.single("incident.rollback_plan", **params)
    return dict(record) if record is not None else None


async def record_rollback(tx: Tx, **params: Any) -> int:
    """Mark the rollback on the new SERVES edge and on the incidents it answers."""
    record = await tx.single("incident.record_rollback", **params)
    return record["recorded"] if record is not None else 0


async def summaries(tx: Tx, ids: list[str]) -> dict[str, dict]:
    """Incidents with their starts, counts and rollbacks, by id."""
    return {r["id"]: dict(r) for r in await tx.records("incident.summaries", ids=ids)}


async def affected(tx: Tx, requests: list[dict]) -> dict[int, dict]:
    """Pages of incidents' affected nodes with their totals, by request key; incidents that do not
    exist are left out."""
    return {record["key"]: dict(record) for record in await tx.records("incident.affected", requests=requests)}


async def list_incidents(tx: Tx, **params: Any) -> list[dict]:
    """One page of incident ids (with created_at for the cursor)."""
    return [dict(r) for r in await tx.records("incident.list_incidents", **params)]
