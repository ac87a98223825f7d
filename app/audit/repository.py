"""Cypher access for the audit trail: its reads, and the two statements app/audit/chain.py appends with."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def lock_head(tx: Tx, *, genesis: str) -> dict:
    """Write-lock the chain's head (created at `genesis` on first use): {last_seq, last_hash,
    subscribed (the event types some webhook subscription wants)}."""
    return dict(await tx.single("audit.lock_head", genesis=genesis))


async def append_events(tx: Tx, *, events: list[dict[str, Any]], last_seq: int, last_hash: str) -> None:
    """Store chained events and move the head to the last of them."""
    await tx.consume("audit.append_events", events=events, last_seq=last_seq, last_hash=last_hash)


async def head(tx: Tx) -> dict | None:
    """The last seq and hash appended, or None before the first append."""
    record = await tx.single("audit.head")
    return dict(record) if record is not None else None


async def events_after(tx: Tx, *, after: int, limit: int) -> list[dict]:
    """Stored events with seq above `after`, in seq order."""
    return [r["event"] for r in await tx.records("audit.events_after", after=after, limit=limit)]


async def trail(tx: Tx, *, target_id: str | None, target_kind: str | None, target_key: str | None,
                before: int | None, limit: int) -> list[dict]:
    """One target's events, newest first, below seq `before`: by its id when given, else by its
    kind and key text."""
    if target_id is not None:
        return await trail_by_id(tx, target_id=target_id, before=before, limit=limit)
    return await trail_by_key(tx, target_kind=target_kind, target_key=target_key, before=before, limit=limit)


async def trail_by_id(tx: Tx, *, target_id: str, before: int | None, limit: int) -> list[dict]:
    """The events of the target with this id, newest first, below seq `before`."""
    records = await tx.records("audit.trail_by_id", target_id=target_id, before=before, limit=limit)
    return [r["event"] for r in records]


async def trail_by_key(tx: Tx, *, target_kind: str | None, target_key: str | None, before: int | None,
                       limit: int) -> list[dict]:
    """The events of the target with this kind and key text, newest first, below seq `before`."""
    records = await tx.records("audit.trail_by_key", target_kind=target_kind, target_key=target_key,
                               before=before, limit=limit)
    return [r["event"] for r in records]
