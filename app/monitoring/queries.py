"""GraphQL queries of monitoring: what an incident the monitoring policy opened suspects. Health
itself is a field of Deployment and ModelVersion (app/monitoring/types.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.catalog.types import CatalogNode, from_labelled
from app.core.access import Permission
from app.core.context import Info
from app.monitoring import service


@strawberry.type(description="A node upstream of the version a critical signal's deployment served: a suspect of the "
                             "incident, not flagged (an alert does not say which input is to blame).")
class Suspect:
    kind: str = strawberry.field(description="Its node label, e.g. `DatasetVersion`.")
    depth: int = strawberry.field(description="Hops upstream of the served version.")
    node: CatalogNode = strawberry.field(description="The asset, as it is now.")


@strawberry.type(description="A page of an incident's suspects, nearest first.")
class SuspectPage:
    total_count: int = strawberry.field(description="Suspects over all pages (none for an incident no signal raised).")
    items: list[Suspect] = strawberry.field(description="This page.")


@strawberry.type(description="Monitoring: what the policy's incidents suspect.")
class MonitoringQuery:
    @strawberry.field(description="What an incident suspects: everything upstream of the version the alerting "
                                  "deployment served, linked by the monitoring policy; null when there is no such "
                                  "incident.", extensions=requires(Permission.READ))
    async def incident_suspects(
        self, info: Info, incident: Annotated[strawberry.ID, strawberry.argument(description="The incident's id.")],
        first: Annotated[int, strawberry.argument(description="Page size: 1–500, default 100.")] = 100,
        offset: Annotated[int, strawberry.argument(description="How many to skip, nearest first.")] = 0,
    ) -> SuspectPage | None:
        found = await service.incident_suspects(info.context.db, incident_id=str(incident), first=first, offset=offset)
        if found is None:
            return None
        return SuspectPage(total_count=found["total"], items=[
            Suspect(kind=s["kind"], depth=s["depth"], node=from_labelled(s["kind"], s["node"])) for s in found["page"]])
