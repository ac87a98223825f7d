"""Cypher access for change events out: the outbox the changing transactions write, the webhook
subscriptions, and the deliverer's claims and acknowledgements. Every function takes the use case's
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.db import Tx


async def record_events(tx: Tx, *, events: list[dict[str, Any]], now: datetime) -> int:
    """Queue the events for every subscription that wants their type; how many deliveries were queued."""
    record = await tx.single("events.record_events", events=events, now=now)
    return record["queued"] if record is not None else 0


async def upsert_subscription(tx: Tx, *, name: str, id: str, url: str, event_types: list[str], secret: str | None,
                              description: str | None, now: datetime, principal: str) -> dict:
    """Create or update a subscription by name: {subscription, has_secret, created, changed,
    secret_changed, previous, total}."""
    record = await tx.single("events.upsert_subscription", name=name, id=id, url=url, event_types=event_types,
                             secret=secret, description=description, now=now, principal=principal)
    return dict(record)


async def delete_subscription(tx: Tx, *, name: str) -> dict | None:
    """Delete a subscription and its deliveries: {id, pending}; None when there is no such subscription."""
    record = await tx.single("events.delete_subscription", name=name)
    return dict(record) if record is not None else None


async def list_subscriptions(tx: Tx, *, name: str | None) -> list[dict]:
    """Subscriptions (all, or the one named) without secrets: [{subscription, pending, oldest_pending_at}]."""
    return [dict(r) for r in await tx.records("events.list_subscriptions", name=name)]


async def recent_deliveries(tx: Tx, *, subscription_ids: list[str], status: str | None, first: int) -> dict[str, list]:
    """The latest `first` deliveries (of one status, or any) of each subscription, newest first, by its id."""
    records = await tx.records("events.recent_deliveries", subscription_ids=subscription_ids, status=status,
                               first=first)
    return {r["subscription_id"]: r["deliveries"] for r in records}


async def claim_deliveries(tx: Tx, *, now: datetime, owner: str, lease_until: datetime, room: dict[str, int],
                           per_subscription: int, scan: int, limit: int) -> list[dict]:
    """Lease the deliveries that may be sent now (each subject's oldest undelivered one, when due): at
    most `room[id]` (else `per_subscription`) for a subscription and `limit` in all, with what sending
    them needs: [{id, attempts, subscription_id, url, secret, event_id, body}]."""
    records = await tx.records("events.claim_deliveries", now=now, owner=owner, lease_until=lease_until, room=room,
                               per_subscription=per_subscription, scan=scan, limit=limit)
    return [dict(r) for r in records]


async def record_attempts(tx: Tx, *, results: list[dict[str, Any]], owner: str) -> int:
    """Record sends: [{id, at, delivered, status_code, error, next_attempt_at}]; how many were recorded."""
    record = await tx.single("events.record_attempts", results=results, owner=owner)
    return record["recorded"] if record is not None else 0


async def release_claims(tx: Tx, *, ids: list[str], owner: str) -> int:
    """Give back this process's leases on these deliveries; how many were released."""
    record = await tx.single("events.release_claims", ids=ids, owner=owner)
    return record["released"] if record is not None else 0


async def prune_deliveries(tx: Tx, *, before: datetime, limit: int) -> int:
    """Remove up to `limit` deliveries delivered before `before` (and events left without any)."""
    record = await tx.single("events.prune_deliveries", before=before, limit=limit)
    return (record["removed"] or 0) if record is not None else 0
