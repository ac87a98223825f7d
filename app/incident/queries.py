"""GraphQL queries of incident response: incident, incidents; thin over app/incident/service.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.core import limits
from app.core.access import Permission
from app.core.context import Info
from app.core.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor
from app.incident import service
from app.incident.types import Incident, IncidentStatus, incident


@strawberry.type(description="Incidents: what was quarantined, what it affects, what to roll back.")
class IncidentQuery:
    @strawberry.field(description="An incident by id; null when there is none.", extensions=requires(Permission.READ))
    async def incident(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The incident's id.")],
    ) -> Incident | None:
        found = await service.incidents_by_id(info.context.db, [str(id)])
        return incident(found[str(id)]) if str(id) in found else None

    @strawberry.field(description="Incidents, oldest first, optionally only OPEN or RELEASED ones.",
                      extensions=requires(Permission.READ))
    async def incidents(
        self, info: Info,
        status: Annotated[IncidentStatus | None, strawberry.argument(
            description="Only incidents in this status; all when null.")] = None,
        first: Annotated[int, strawberry.argument(description="Page size: 1–500, default 50.")] = limits.DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, strawberry.argument(
            description="Continue after this `endCursor`; null for the first page.")] = None,
    ) -> Connection[Incident]:
        summaries, has_next = await service.list_incidents(
            info.context.db, status=status.value if status else None, first=first, after=decode_cursor(after))
        edges = [Edge(node=incident(s), cursor=encode_cursor(s["incident"])) for s in summaries]
        return Connection(edges=edges, page_info=PageInfo(has_next_page=has_next,
                                                          end_cursor=edges[-1].cursor if edges else None))
