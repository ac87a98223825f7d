"""Cypher access for the audit trail (reads; appends are app/audit/chain.py's)."""

from __future__ import annotations

from app.core.db import Tx


async def head(tx: Tx) -> dict | None:
    """The last seq and hash appended, or None before the first append."""
    record = await tx.single("audit.head")
    return dict(record) if record is not None else None


async def events_after(tx: Tx, *, after: int, limit: int) -> list[dict]:
    """Stored events with seq above `after`, in seq order."""
    return [r["event"] for r in await tx.records("audit.events_after", after=after, limit=limit)]


async def trail(tx: Tx, *, target_id: str | None, target_kind: str | None, target_key: str | None,
                before: int | None, limit: int) -> list[dict]:
    """One target's events, newest first, below seq `before`."""
    if target_id is not None:
        records = await tx.records("audit.trail_by_id", target_id=target_id, before=before, limit=limit)
    else:
        records = await tx.records("audit.trail_by_key", target_kind=target_kind, target_key=target_key,
                                   before=before, limit=limit)
    return [r["event"] for r in records]


async def lineage_target_ids(tx: Tx, *, run_ids: list[str], jobs: list[dict], datasets: list[dict]) -> dict[tuple, str]:
    """(kind, key text) -> id of the runs, jobs and datasets that exist."""
    records = await tx.records("audit.lineage_target_ids", run_ids=run_ids, jobs=jobs, datasets=datasets)
    return {(r["kind"], r["key"]): r["id"] for r in records}
