"""Appending to the hash chain, and the hash rule itself (README "Audit trail").

Every event's hash is `sha256(prev_hash + canonical_json(event))`, hex, where `prev_hash` is
the previous event's hash (64 zeros before seq 1) and the canonical JSON holds exactly the
fields in `HASHED_FIELDS` with sorted keys, no whitespace, UTF-8 text as is, `at` as
`YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC) and `before` / `after` as the JSON values they store.
Editing any hashed field of a stored event, or removing one, breaks the chain at that seq.

Appends are serialised by the chain's head, a single node that every appending transaction
write-locks before it reads the last seq and hash: concurrent transactions queue there, so
seqs stay contiguous and the chain never forks. The head is `(:AuditEvent:AuditHead {seq: 0})`
— seq 0 of the events' own unique constraint (migration 35) — because MERGE creates exactly one
node under concurrency only when a uniqueness constraint backs it, and the very first appends
of an empty registry may well be concurrent. It is bookkeeping, never an event (events start at 1).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from app.audit import repository
from app.audit.entry import AuditEntry
from app.events import outbox

GENESIS_HASH = "0" * 64

# The fields a hash covers, with their names as stored on the AuditEvent node.
HASHED_FIELDS = ("seq", "at", "actor", "action", "target_kind", "target_key", "target_id",
                 "before", "after", "outcome")

# A summary's text values longer than this are stored as their length and sha256: summaries
# stay small (a 10,000-character description would otherwise be copied into every event).
MAX_SUMMARY_TEXT = 256


def time_text(at: datetime | Any) -> str:
    """The one time format of the chain: UTC, microseconds, `Z` (neo4j DateTimes accepted)."""
    if hasattr(at, "to_native"):
        at = at.to_native()
    if isinstance(at, str):  # an edited event may hold text; hash what is there
        return at
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept as is: one text for one value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The hash rule: sha256 over the previous hash followed by the canonical event (hex)."""
    canonical = canonical_json({name: event.get(name) for name in HASHED_FIELDS})
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def hashed_view(stored: Mapping[str, Any]) -> dict[str, Any]:
    """An event as stored in Neo4j (before/after as JSON text, `at` a DateTime) in the form the
    hash covers. Raises ValueError when before/after is no longer JSON."""
    view = {name: stored.get(name) for name in HASHED_FIELDS}
    view["at"] = None if view["at"] is None else time_text(view["at"])
    for name in ("before", "after"):
        view[name] = None if view[name] is None else json.loads(view[name])
    return view


def summary_json(summary: Mapping[str, Any] | None) -> str | None:
    """A before/after summary as the JSON text stored (and, parsed back, hashed): times as chain
    time text, sets sorted, long text as {length, sha256}, so it survives the round trip exactly."""
    return None if summary is None else canonical_json(_plain(summary))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        if len(value) <= MAX_SUMMARY_TEXT:
            return value
        return {"length": len(value), "sha256": hashlib.sha256(value.encode("utf-8")).hexdigest()}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, Sequence):
        return [_plain(item) for item in value]
    if isinstance(value, datetime) or hasattr(value, "to_native"):
        return time_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def chained(entries: Sequence[AuditEntry], last_seq: int, last_hash: str) -> list[dict[str, Any]]:
    """The entries as AuditEvent properties, numbered after `last_seq` and hashed onto `last_hash`."""
    events = []
    prev_hash = last_hash
    for offset, entry in enumerate(entries, start=1):
        # The summaries in the form the hash covers are the plain values themselves: parsing the
        # stored JSON back (hashed_view, as verification does) gives the same values, so it is skipped
        # here, where every lineage event pays for it.
        before = None if entry.before is None else _plain(entry.before)
        after = None if entry.after is None else _plain(entry.after)
        stored = {
            "seq": last_seq + offset, "at": time_text(entry.at), "actor": entry.actor, "action": entry.action,
            "target_kind": entry.target_kind, "target_key": entry.target_key, "target_id": entry.target_id,
            "before": None if before is None else canonical_json(before),
            "after": None if after is None else canonical_json(after), "outcome": entry.outcome,
        }
        digest = event_hash(prev_hash, {**stored, "before": before, "after": after})
        events.append({**stored, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    return events


def record_audit(tx, entry: AuditEntry) -> None:
    """Append `entry` to the audit chain in this transaction: it commits with the change it
    describes, or not at all. All of a transaction's entries are chained together, at the end."""
    tx.before_commit(append, entry)


async def append(tx, entries: Sequence[AuditEntry]) -> None:
    """Chain the transaction's entries onto the head: two round trips, however many entries; then
    the change events they emit go to the outbox (app/events/outbox.py), one more when any does.
    Run by the transaction (Tx.before_commit) after the use case's work."""
    if not entries:
        return
    head = await repository.lock_head(tx, genesis=GENESIS_HASH)
    events = chained(entries, head["last_seq"], head["last_hash"])
    await repository.append_events(tx, events=events, last_seq=events[-1]["seq"], last_hash=events[-1]["hash"])
    # Still under the head's lock: the outbox is written in commit order, with the entries' seqs.
    await outbox.record(tx, events, subscribed=frozenset(head["subscribed"]))
