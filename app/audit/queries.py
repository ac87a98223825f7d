"""GraphQL queries of the audit trail: auditTrail, verifyAudit; thin over app/audit/service.py."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from app.audit import service
from app.audit.inputs import AuditTargetInput
from app.audit.types import AuditEventConnection, AuditEventEdge, AuditVerification, audit_event
from app.auth.permissions import requires
from app.core import limits
from app.core.access import Permission
from app.core.context import Info
from app.core.errors import InvalidInput
from app.core.pagination import PageInfo


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
        edges = [AuditEventEdge(node=audit_event(e), cursor=str(e["seq"])) for e in page.events]
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
