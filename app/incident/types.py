"""GraphQL types of incident response: incidents, what they affect, the rollbacks they call for."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.catalog import loaders as catalog_loaders
from app.catalog.types import BreakGlass, CatalogNode, Deployment, ModelVersion, from_labelled, from_node
from app.core import limits
from app.core.context import Info
from app.core.kinds import Kinds
from app.core.pagination import decode_offset_cursor, offset_cursor
from app.core.times import stored_time
from app.core.vocabulary import graphql_enum
from app.incident import service
from app.system.types import KindCount


IncidentStatus = graphql_enum("IncidentStatus")
AffectedKind = graphql_enum("AffectedKind")


@strawberry.type(description="A deployment an incident asks to roll back: it served an affected model version "
                             "when the incident was opened.")
class DeploymentRollback:
    deployment: Deployment = strawberry.field(description="The deployment, as it is now.")
    rolled_back: bool = strawberry.field(description="True once `rollbackDeployment` rolled it back for this incident.")
    rolled_back_at: datetime | None = strawberry.field(description="When it was rolled back; null until it is.")
    rolled_back_by: str | None = strawberry.field(description="Who rolled it back; null until someone does.")
    serves_affected_version: bool = strawberry.field(
        description="True while it still serves a model version this incident covers: the rollback is still to do.")
    break_glass: BreakGlass | None = strawberry.field(
        description="The override of the deployment gate the rollback was made with (no earlier version passed); "
                    "null when it met every requirement or is not done.")
    from_id: strawberry.Private[str | None]
    to_id: strawberry.Private[str | None]

    @strawberry.field(description="The affected version it served before the rollback; null until rolled back.")
    async def rolled_back_from(self, info: Info) -> ModelVersion | None:
        return await _model_version(info, self.from_id)

    @strawberry.field(description="The good version the rollback returned it to; null until rolled back.")
    async def rolled_back_to(self, info: Info) -> ModelVersion | None:
        return await _model_version(info, self.to_id)


async def _model_version(info: Info, version_id: str | None) -> ModelVersion | None:
    if version_id is None:
        return None
    return from_node(ModelVersion, await catalog_loaders.by_id(info, Kinds.MODEL_VERSION.value).load(version_id))


@strawberry.type(description="One asset an incident affects, and how far downstream of the start it lies.")
class AffectedItem:
    kind: str = strawberry.field(description="Its node label, e.g. `ModelVersion`.")
    depth: int = strawberry.field(description="Hops downstream of the nearest start.")
    node: CatalogNode = strawberry.field(description="The asset, as it is now.")


@strawberry.type(description="A page of what an incident affects.")
class AffectedPage:
    total_count: int = strawberry.field(description="Affected assets of the kinds asked for, over all pages.")
    items: list[AffectedItem] = strawberry.field(
        description="This page: model versions first, then runs, features and dataset versions, nearest first.")
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page; null when this page is empty.")


@strawberry.type(description="An incident: what was quarantined, why, by whom, everything it affects and the "
                             "deployments to roll back.")
class Incident:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID).")
    reason: str = strawberry.field(description="Why it was opened, as the responder wrote it.")
    status: IncidentStatus = strawberry.field(description="OPEN while in force; RELEASED once released.")
    start_kind: str = strawberry.field(
        description="What the quarantine started at: `DatasetVersion`, `Dataset` (its versions in a window) or `ModelVersion`.")
    start_key: str = strawberry.field(
        description="The start as people write it: `s3://raw/transactions@2026-03-08`, `credit-scoring@2`, or a dataset "
                    "with its window `s3://raw/transactions [from, to)`.")
    window_from: datetime | None = strawberry.field(
        description="With a dataset start: versions created at or after this time were quarantined.")
    window_to: datetime | None = strawberry.field(description="With a dataset start: … and before this time.")
    opened_at: datetime = strawberry.field(description="When it was opened.")
    opened_by: str = strawberry.field(description="The principal that opened it.")
    released_at: datetime | None = strawberry.field(description="When it was released; null while OPEN.")
    released_by: str | None = strawberry.field(description="Who released it; null while OPEN.")
    release_note: str | None = strawberry.field(description="Why it was released; null while OPEN.")
    starts: list[CatalogNode] = strawberry.field(
        description="The quarantined start nodes (STARTED_AT): one dataset or model version, or a dataset's versions in the window.")
    counts: list[KindCount] = strawberry.field(description="Affected assets per kind (AFFECTS), over the whole incident.")
    rollbacks: list[DeploymentRollback] = strawberry.field(
        description="Deployments that served an affected model version (ROLLBACK_NEEDED), production first, "
                    "and whether each was rolled back.")

    @strawberry.field(description="What it affects (AFFECTS), a page at a time: every asset downstream of the start.")
    async def affected(
        self, info: Info,
        kinds: Annotated[list[AffectedKind] | None, strawberry.argument(
            description="List only these kinds; every kind when null.")] = None,
        first: Annotated[int, strawberry.argument(description="Page size: 1–500, default 100.")] = limits.DEFAULT_IMPACT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="Continue after this `endCursor` of a previous page; null for the first page.")] = None,
    ) -> AffectedPage:
        offset = decode_offset_cursor(after)
        request = service.AffectedRequest(self.id, tuple(k.value for k in kinds) if kinds else None, first, offset)
        page = await info.context.loaders.batched(("incident", "affected"), _load_affected(info)).load(request.checked())
        end = offset + len(page.items)
        return AffectedPage(
            total_count=page.total,
            items=[AffectedItem(kind=i["kind"], depth=i["depth"], node=from_labelled(i["kind"], i["node"]))
                   for i in page.items],
            has_next_page=end < page.total, end_cursor=offset_cursor(end) if page.items else None)


def _load_affected(info: Info):
    async def load(requests: list[service.AffectedRequest]) -> list:
        return await service.affected_pages(info.context.db, list(requests))

    return load


def _break_glass(edge: dict | None) -> BreakGlass | None:
    if edge is None:
        return None
    return BreakGlass(reason=edge["break_glass_reason"], by=edge["break_glass_by"],
                      overrode=list(edge["break_glass_overrode"] or []))


def incident(summary: dict) -> Incident:
    """The GraphQL Incident of a summary row (app/incident/repository.summaries)."""
    node = summary["incident"]
    return Incident(
        id=node["id"], reason=node["reason"], status=IncidentStatus(node["status"]), start_kind=node["start_kind"],
        start_key=node["start_key"], window_from=stored_time(node.get("window_from")),
        window_to=stored_time(node.get("window_to")), opened_at=stored_time(node["opened_at"]), opened_by=node["opened_by"],
        released_at=stored_time(node.get("released_at")), released_by=node.get("released_by"),
        release_note=node.get("release_note"),
        starts=[from_labelled(s["kind"], s["node"]) for s in summary["starts"]],
        counts=[KindCount(kind=c["kind"], count=c["count"]) for c in summary["counts"]],
        rollbacks=[DeploymentRollback(
            deployment=from_node(Deployment, r["deployment"]), rolled_back=r["rolled_back_at"] is not None,
            rolled_back_at=stored_time(r["rolled_back_at"]), rolled_back_by=r["rolled_back_by"],
            serves_affected_version=r["serves_covered"], from_id=r["rolled_back_from"], to_id=r["rolled_back_to"],
            break_glass=_break_glass(r["break_glass"]))
            for r in summary["rollbacks"]],
    )
