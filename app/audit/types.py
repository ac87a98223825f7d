"""GraphQL of the audit trail: auditTrail (an entity's history), verifyAudit (recompute the chain)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from app.core import limits
from app.audit import service
from app.auth.permissions import requires
from app.core.access import Permission
from app.core.pagination import PageInfo
from app.core.context import Info
from app.core.errors import InvalidInput


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


@strawberry.input(description="Whose history: a record's `id`, or a `kind` and natural `key` as audit events "
                              "name them (`Dataset` + `s3://raw/transactions`; `Operation` + `registerDataset` "
                              "for denied attempts at an operation). Give `id`, or both `kind` and `key`.")
class AuditTargetInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="The record's id.")
    kind: str | None = strawberry.field(default=None, description="A node label (Dataset, ModelVersion …) or Operation.")
    key: str | None = strawberry.field(default=None, description="The natural key as text, parts joined by `/` "
                                                                 "(`credit-scoring/1.0.0` for a model version).")


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


def _event(stored: dict) -> AuditEvent:
    return AuditEvent(
        seq=stored["seq"], at=stored["at"].to_native() if hasattr(stored["at"], "to_native") else stored["at"],
        actor=stored["actor"], action=stored["action"], target_kind=stored["target_kind"],
        target_key=stored["target_key"], target_id=stored.get("target_id"),
        before=service.decoded(stored.get("before")), after=service.decoded(stored.get("after")),
        outcome=stored["outcome"], prev_hash=stored["prev_hash"], hash=stored["hash"])


def _seq_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise InvalidInput("after must be an endCursor from a previous page.", field="after")
    return int(cursor)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="A record's (or an operation's) audit history, newest first, paginated by seq. "
                                  "Needs the read_audit permission.", extensions=requires(Permission.READ_AUDIT))
    async def audit_trail(
        self, info: Info,
        of: Annotated[AuditTargetInput, strawberry.argument(description="Whose history.")],
        first: Annotated[int, strawberry.argument(description=f"Page size, at most {limits.MAX_PAGE_SIZE}.")]
        = limits.DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, strawberry.argument(description="An `endCursor`: continue with older events.")]
        = None,
    ) -> AuditEventConnection:
        page = await service.trail(info.context.db, target_id=of.id, target_kind=of.kind, target_key=of.key,
                                   first=first, before_seq=_seq_cursor(after))
        edges = [AuditEventEdge(node=_event(e), cursor=str(e["seq"])) for e in page.events]
        return AuditEventConnection(edges=edges, page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="Recompute the audit hash chain from `fromSeq` to its current end and report the "
                                  "first broken sequence number. Needs the read_audit permission.",
                      extensions=requires(Permission.READ_AUDIT))
    async def verify_audit(
        self, info: Info,
        from_seq: Annotated[int, strawberry.argument(description="Where to start (1: the whole chain); the event "
                                                                 "before it is trusted as the anchor.")] = 1,
        checkpoint: Annotated[JSON | None, strawberry.argument(
            description="A signed checkpoint document, as `lineagegraph audit checkpoint` wrote it: the chain must "
                        "still reach its seq with its hash, which detects a cut tail and a rewritten or forked "
                        "history. Its signature is checked against LINEAGEGRAPH_AUDIT_PUBLIC_KEY.")] = None,
    ) -> AuditVerification:
        result = await service.verify(info.context.db, from_seq=from_seq, checkpoint=checkpoint,
                                      trusted_key=info.context.audit_public_key)
        return AuditVerification(ok=result.ok, checked=result.checked, first_broken_seq=result.first_broken_seq,
                                 reason=result.reason, head_seq=result.head_seq, head_hash=result.head_hash,
                                 checkpoint_seq=result.checkpoint_seq)

