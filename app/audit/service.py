"""Audit use cases: denied attempts, accepted lineage events, an entity's history, chain verification.

Other services record their own changes with `record_audit(tx, AuditEntry(...))` inside their
transaction; app/core/db.py chains them just before it commits (app/audit/chain.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.core import limits
from app.audit import chain, repository
from app.audit import checkpoint as checkpoints
from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.core import validation as v
from app.core.db import Database, Tx
from app.core.errors import InvalidInput

# Events read per round trip while verifying: bounded memory and short transactions at any length.
VERIFY_PAGE = 2_000

DENIED_TARGET_KIND = "Operation"


async def record_denied(db: Database, actor: str, *, action: str, reason: str) -> None:
    """Append a denied attempt to the audit trail, in its own transaction (nothing else is written).
    Unguarded: the attempt of a token that was just revoked or demoted is recorded too."""

    async def work(tx: Tx) -> None:
        record_audit(tx, AuditEntry(actor=actor, action=action, target_kind=DENIED_TARGET_KIND, target_key=action,
                                   after={"reason": reason}, outcome="denied"))

    await db.write_unguarded(work)


def record_lineage_events(tx: Tx, events: Iterable[tuple[str, dict | None]], target_ids: dict[tuple[str, str], str]) -> None:
    """One audit event per accepted OpenLineage event — (principal, GraphChanges.summary) pairs —
    in the ingesting transaction, after its changes: each filed under its target's id, from
    `target_ids` ((kind, key text) -> id, as the apply statement returned them)."""
    for principal, summary in events:
        if summary is None:
            continue
        key_text = "/".join(summary["key"].values())
        after = {name: value for name, value in summary.items() if name not in ("kind", "key")}
        record_audit(tx, AuditEntry(actor=principal, action="lineageEvent", target_kind=summary["kind"],
                                   target_key=key_text, target_id=target_ids.get((summary["kind"], key_text)),
                                   after=after))


# --- auditTrail --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrailPage:
    events: list[dict]
    has_next_page: bool


async def trail(db: Database, *, target_id: str | None, target_kind: str | None, target_key: str | None,
                first: int, before_seq: int | None) -> TrailPage:
    """One target's history, newest first: by its id, or by its kind and natural key text."""
    v.in_range("first", first, 1, limits.MAX_PAGE_SIZE)
    if (target_id is None) == (target_kind is None or target_key is None):
        raise InvalidInput("Give either `id`, or both `kind` and `key`.", field="of")

    async def work(tx: Tx) -> list[dict]:
        return await repository.trail(tx, target_id=target_id, target_kind=target_kind, target_key=target_key,
                                      before=before_seq, limit=first + 1)

    events = await db.read(work)
    return TrailPage(events=events[:first], has_next_page=len(events) > first)


# --- verifyAudit --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    # The chain's head when verification began: everything up to it was checked when ok.
    head_seq: int = 0
    head_hash: str = chain.GENESIS_HASH
    checkpoint_seq: int | None = None  # the checkpoint the chain was compared with, when given


async def verify(db: Database, *, from_seq: int = 1, checkpoint: Any = None,
                 trusted_key: Ed25519PublicKey | None = None) -> Verification:
    """Recompute the chain from `from_seq` to its end, page by page (one read transaction each),
    and report the first seq whose stored hash or link does not hold, or that is missing. The
    head (read first) says where the chain ended then, so a removed tail is missing too. Given a
    verified checkpoint (seq, hash), the chain must still reach that seq with that hash: a cut
    tail with its head moved back, or a history rewritten and re-hashed, do not."""
    if from_seq < 1:
        raise InvalidInput("fromSeq must be at least 1.", field="fromSeq")
    if checkpoint is not None:
        checkpoint = _signed_claim(checkpoint, trusted_key)
        if from_seq > checkpoint[0] + 1:
            # The events between the checkpoint and fromSeq would be trusted unchecked.
            raise InvalidInput(f"With a checkpoint of seq {checkpoint[0]}, verification must start at or before "
                               f"seq {checkpoint[0] + 1}.", field="fromSeq")
    head = await db.read(repository.head)
    verdict = await _verify_chain(db, head, from_seq)
    if head is not None:
        verdict = replace(verdict, head_seq=head["last_seq"], head_hash=head["last_hash"])
    if checkpoint is None or not verdict.ok:
        return replace(verdict, checkpoint_seq=checkpoint[0] if checkpoint else None)
    return await _against_checkpoint(db, verdict, *checkpoint)


def _signed_claim(document: Any, trusted_key: Ed25519PublicKey | None) -> tuple[int, str]:
    """The (seq, hash) a checkpoint signed by the registry's trusted key claims."""
    if trusted_key is None:
        raise InvalidInput("This registry trusts no checkpoint key: set LINEAGEGRAPH_AUDIT_PUBLIC_KEY to the "
                           "public key the checkpoints are signed with.", field="checkpoint")
    try:
        return checkpoints.verify(document, trusted_key)
    except checkpoints.CheckpointError as exc:
        raise InvalidInput(f"The checkpoint cannot be used: {exc}.", field="checkpoint") from None


async def _against_checkpoint(db: Database, verdict: Verification, seq: int, hash_: str) -> Verification:
    verdict = replace(verdict, checkpoint_seq=seq)
    if seq == 0:
        return verdict  # a checkpoint of the empty chain: every chain extends it
    found = await db.read(repository.events_after, after=seq - 1, limit=1)
    if not found or found[0]["seq"] != seq:
        return replace(verdict, ok=False, first_broken_seq=min(seq, verdict.head_seq + 1),
                       reason=f"the chain ends at {verdict.head_seq}, before seq {seq} of the checkpoint: "
                              "events recorded since were removed (the tail cut, the head moved back)")
    if found[0].get("hash") != hash_:
        return replace(verdict, ok=False, first_broken_seq=seq,
                       reason=f"event {seq}'s hash is not the checkpoint's: the history up to it was rewritten "
                              "and re-hashed, or replaced by a forked one")
    return verdict


async def _verify_chain(db: Database, head: dict | None, from_seq: int) -> Verification:
    """The chain's own check: every event from `from_seq` links to its predecessor and matches its hash."""
    # The anchor: the hash seq from_seq - 1 claims (genesis before seq 1); it is trusted, not checked.
    prev_hash, expected = chain.GENESIS_HASH, from_seq
    if from_seq > 1:
        anchor = await db.read(repository.events_after, after=from_seq - 2, limit=1)
        if not anchor or anchor[0]["seq"] != from_seq - 1:
            if head is None or head["last_seq"] < from_seq:
                return Verification(ok=True, checked=0)  # nothing from there on, and nothing missing
            return Verification(ok=False, checked=0, first_broken_seq=from_seq - 1,
                                reason=f"event {from_seq - 1} (the one fromSeq links to) is missing")
        prev_hash = anchor[0].get("hash")

    checked = 0
    while True:
        # Unbounded above: events appended while this runs are checked too (they chain on).
        page = await db.read(repository.events_after, after=expected - 1, limit=VERIFY_PAGE)
        for event in page:
            problem = _problem(event, expected, prev_hash)
            if problem is not None:
                return Verification(ok=False, checked=checked, first_broken_seq=expected, reason=problem)
            prev_hash, expected, checked = event["hash"], expected + 1, checked + 1
        if len(page) < VERIFY_PAGE:
            break
    if head is not None and expected <= head["last_seq"]:
        return Verification(ok=False, checked=checked, first_broken_seq=expected,
                            reason=f"events {expected}..{head['last_seq']} are missing "
                                   f"(the chain's head says it ended at {head['last_seq']})")
    if head is None and expected > 1:
        return Verification(ok=False, checked=checked, first_broken_seq=expected,
                            reason="the chain's head (seq 0, its end marker) is missing: events after "
                                   f"{expected - 1} may have been removed")
    return Verification(ok=True, checked=checked)


def _problem(event: dict, expected: int, prev_hash: str) -> str | None:
    """Why this stored event breaks the chain at `expected`, or None when it holds."""
    if event.get("seq") != expected:
        return f"event {expected} is missing"
    if event.get("prev_hash") != prev_hash:
        return f"its prev_hash does not match the hash of event {expected - 1}"
    try:
        recomputed = chain.event_hash(prev_hash, chain.hashed_view(event))
    except (ValueError, TypeError) as exc:
        return f"its content cannot be read as an audit event ({type(exc).__name__})"
    if recomputed != event.get("hash"):
        return "its stored hash does not match its content (the event was changed after it was written)"
    return None


def decoded(text: str | None):
    """A stored before/after summary as its JSON value."""
    return None if text is None else json.loads(text)
