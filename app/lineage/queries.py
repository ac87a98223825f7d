"""GraphQL queries of lineage: impact, provenance, lineage — one traversal each (app/lineage/service.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment

from app.catalog.types import Dataset, Environment, PrivacyClass, from_labelled, from_node
from app.core import limits
from app.core.context import Info
from app.core.pagination import decode_offset_cursor, offset_cursor
from app.lineage import service
from app.lineage.inputs import ImpactStartInput, LineageStartInput, ProvenanceStartInput, start_of
from app.lineage.types import (
    Direction,
    ExplanationPath,
    ImpactAnswer,
    ImpactItem,
    ImpactKind,
    LineageEdge,
    LineageGraph,
    LineageNode,
    PathNode,
    ProvenanceAnswer,
)
from app.system.types import KindCount


def _item(raw: dict) -> ImpactItem:
    return ImpactItem(
        kind=raw["kind"], depth=raw["depth"], node=from_labelled(raw["kind"], raw["node"]),
        path=ExplanationPath(nodes=[PathNode(**n) for n in raw["path_nodes"]], edges=raw["path_edges"]),
    )


def _selects(selections: list, *path: str) -> bool:
    """Whether a GraphQL selection set selects the field `path` (`items`, `path`), through fragments.
    Erring towards yes is safe (a field computed and not read); a no must be certain."""
    name, rest = path[0], path[1:]
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            if _selects(selection.selections, *path):
                return True
        elif selection.name == name and (not rest or _selects(selection.selections, *rest)):
            return True
    return False


def _impact_selection(info: Info) -> dict:
    """What of the impact answer the request reads, as service.impact's `owners` and `paths`: the
    owners pass and the explaining paths are the statement's dearest parts, computed only when read."""
    selected = info.selected_fields[0].selections
    paths = (service.PATHS_NAMED if _selects(selected, "items", "path", "nodes")
             else service.PATHS_EDGES if _selects(selected, "items", "path") else service.PATHS_NONE)
    return {"owners": _selects(selected, "owners"), "paths": paths}


def _arg(description: str):
    return strawberry.argument(description=description)


_AS_OF = "Answer as the graph stood at this time (edges then present, `SERVES` then open); now when null."


_NODE_BUDGET = "Stop after this many nodes: 1–200,000, default 50,000; a cut answer says NODE_BUDGET."


@strawberry.type(description="Impact, provenance and lineage: one graph traversal per question.")
class LineageQuery:
    @strawberry.field(description="Everything downstream of a dataset (optionally its versions created in a window), "
                                  "a dataset version, a feature, a run or a model version: one traversal.")
    async def impact(
        self, info: Info,
        of: Annotated[ImpactStartInput, _arg("Where to start: exactly one asset.")],
        created_after: Annotated[datetime | None, _arg(
            "With a dataset start: only its versions created at or after this time.")] = None,
        created_before: Annotated[datetime | None, _arg(
            "With a dataset start: only its versions created before this time.")] = None,
        as_of: Annotated[datetime | None, _arg(_AS_OF)] = None,
        max_depth: Annotated[int, _arg(
            "Follow at most this many hops: 1–25, default 25; a cut answer says DEPTH_LIMIT.")] = limits.MAX_LINEAGE_DEPTH,
        node_budget: Annotated[int, _arg(_NODE_BUDGET)] = limits.DEFAULT_NODE_BUDGET,
        kinds: Annotated[list[ImpactKind] | None, _arg(
            "List only these kinds (`counts` and `owners` still cover all); every kind when null.")] = None,
        environment: Annotated[Environment | None, _arg(
            "List only deployments in this environment; other kinds are not filtered.")] = None,
        first: Annotated[int, _arg("Page size: 1–500, default 100.")] = limits.DEFAULT_IMPACT_PAGE,
        after: Annotated[str | None, _arg(
            "Continue after this `endCursor` of a previous page; null for the first page.")] = None,
    ) -> ImpactAnswer:
        offset = decode_offset_cursor(after)
        answer = await service.impact(
            info.context.db, start_of(of, created_after, created_before), as_of=as_of, max_depth=max_depth,
            budget=node_budget, kinds=[k.value for k in kinds] if kinds else None,
            environment=environment.value if environment else None, first=first, offset=offset,
            **_impact_selection(info),
        )
        end = offset + len(answer.items)
        return ImpactAnswer(
            complete=answer.complete, cut_reasons=answer.cut_reasons, start_count=answer.start_count,
            counts=[KindCount(kind=k, count=c) for k, c in sorted(answer.counts.items())],
            total_count=answer.total, owner_names=answer.owners, items=[_item(i) for i in answer.items],
            has_next_page=end < answer.total, end_cursor=offset_cursor(end) if answer.items else None,
        )

    @strawberry.field(description="Everything upstream of a model version or a deployment, to the raw sources, "
                                  "with licenses and privacy classes; `asOf` answers for a past time.")
    async def provenance(
        self, info: Info,
        of: Annotated[ProvenanceStartInput, _arg("Where to start: a model version or a deployment.")],
        as_of: Annotated[datetime | None, _arg(_AS_OF)] = None,
        node_budget: Annotated[int, _arg(_NODE_BUDGET)] = limits.DEFAULT_NODE_BUDGET,
    ) -> ProvenanceAnswer:
        answer = await service.provenance(info.context.db, start_of(of), as_of=as_of, budget=node_budget)
        return ProvenanceAnswer(
            complete=not answer.cut_reasons, cut_reasons=answer.cut_reasons,
            nodes=[from_labelled(kind, node) for kind, node in answer.nodes],
            edges=[LineageEdge(**edge) for edge in answer.edges],
            raw_sources=[from_node(Dataset, d) for d in answer.raw_sources],
            licenses=answer.licenses, privacy_classes=[PrivacyClass(p) for p in answer.privacy_classes],
        )

    @strawberry.field(description="The lineage subgraph around any asset, upstream or downstream, for a UI to draw.")
    async def lineage(
        self, info: Info,
        of: Annotated[LineageStartInput, _arg("Where to start: exactly one asset.")],
        direction: Annotated[Direction, _arg("Which way to walk; DOWNSTREAM by default.")] = Direction.DOWNSTREAM,
        depth: Annotated[int, _arg("Follow at most this many hops: 1–25, default 3; a cut graph says DEPTH_LIMIT.")] = 3,
        as_of: Annotated[datetime | None, _arg(_AS_OF)] = None,
        node_budget: Annotated[int, _arg(_NODE_BUDGET)] = limits.DEFAULT_NODE_BUDGET,
    ) -> LineageGraph:
        graph = await service.subgraph(info.context.db, start_of(of), direction=direction.value, depth=depth,
                                       as_of=as_of, budget=node_budget)
        return LineageGraph(
            complete=not graph.cut_reasons, cut_reasons=graph.cut_reasons,
            nodes=[LineageNode(depth=depth, node=from_labelled(kind, node)) for kind, node, depth in graph.nodes],
            edges=[LineageEdge(**edge) for edge in graph.edges],
        )
