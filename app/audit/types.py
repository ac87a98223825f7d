"""GraphQL types of the audit trail: its events, pages of them, and what verifying the chain found."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from app.audit import service
from app.core.pagination import PageInfo


@strawberry.type(description="One appended audit event: who did what to which target, a summary of before and "
                             "after, and its place in the hash chain (README \"Audit trail\").")
class AuditEvent:
    seq: int = strawberry.field(description="Its position in the chain: 1, 2, 3 … without gaps, in commit order.")
    at: datetime = strawberry.field(description="When the use case ran (UTC).")
    actor: str = strawberry.field(description="The principal who acted (or was refused).")
    action: str = strawberry.field(description="The operation: a mutation's name (registerDataset …), or "
                                               "`lineageEvent` for an accepted OpenLineage event.")
    target_kind: str = strawberry.field(description="The target's kind: a node label (Dataset, Run …), or "
                                                    "`Operation` for a denied attempt.")
    target_key: str = strawberry.field(description="The target's natural key as text (`s3://raw/transactions`); "
                                                   "for a denied attempt, the operation's name.")
    target_id: strawberry.ID | None = strawberry.field(description="The target's id, when it has one.")
    before: JSON | None = strawberry.field(description="A small summary of the target before (whether this call "
                                                       "created it, whether it changed it); null when none applies.")
    after: JSON | None = strawberry.field(description="A small summary of the target after (its key and the fields "
                                                      "this call set), or of a denied attempt (the reason).")
    outcome: str = strawberry.field(description="`ok`, or `denied` for an attempt refused for lack of permission.")
    prev_hash: str = strawberry.field(description="The hash of event seq − 1 (64 zeros before seq 1).")
    hash: str = strawberry.field(description="sha256(prevHash + the canonical event), hex (README \"Audit trail\").")


@strawberry.type(description="One audit event of a page, with its cursor.")
class AuditEventEdge:
    node: AuditEvent = strawberry.field(description="The event.")
    cursor: str = strawberry.field(description="Its seq as text: pass it as `after` to continue with older events.")


@strawberry.type(description="A page of a target's audit events, newest first; pass `endCursor` as `after` for older.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="The events of this page, each with its cursor.")
    page_info: PageInfo = strawberry.field(description="Whether older events follow, and the cursor to ask for them.")


@strawberry.type(description="What recomputing the audit chain found.")
class AuditVerification:
    ok: bool = strawberry.field(description="True when every checked event's hash and link hold and none is missing.")
    checked: int = strawberry.field(description="How many events were verified before the answer (all of them when ok).")
    first_broken_seq: int | None = strawberry.field(
        description="The first seq that does not hold: its content no longer matches its hash, its prevHash "
                    "does not match its predecessor, or it is missing. Null when ok.")
    reason: str | None = strawberry.field(description="Why that seq is broken, for a person to read. Null when ok.")
    head_seq: int = strawberry.field(description="The chain's last seq when verification began (0: empty). Sign it "
                                                 "with its hash into a checkpoint (`lineagegraph audit checkpoint`).")
    head_hash: str = strawberry.field(description="The hash of that last event (64 zeros for the empty chain).")
    checkpoint_seq: int | None = strawberry.field(
        description="The seq of the checkpoint the chain was compared with; null when none was given.")


def audit_event(stored: dict) -> AuditEvent:
    return AuditEvent(
        seq=stored["seq"], at=stored["at"].to_native() if hasattr(stored["at"], "to_native") else stored["at"],
        actor=stored["actor"], action=stored["action"], target_kind=stored["target_kind"],
        target_key=stored["target_key"], target_id=stored.get("target_id"),
        before=service.decoded(stored.get("before")), after=service.decoded(stored.get("after")),
        outcome=stored["outcome"], prev_hash=stored["prev_hash"], hash=stored["hash"])
