"""GraphQL for impact and provenance."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from app.catalog import loaders as catalog_loaders
from app.core import limits
from app.catalog.inputs import DatasetRefInput, DatasetVersionRefInput, FeatureRefInput, ModelVersionRefInput
from app.core.kinds import Kinds
from app.catalog.types import CatalogNode, Dataset, Environment, PrivacyClass, Team, from_labelled, from_node
from app.core.context import Info
from app.core.errors import InvalidInput
from app.core.pagination import decode_offset_cursor, offset_cursor
from app.lineage import service
from app.system.types import KindCount


@strawberry.enum(description="Kinds an impact answer lists.")
class ImpactKind(Enum):
    DATASET_VERSION = strawberry.enum_value("DatasetVersion", description="Dataset versions built from affected data.")
    FEATURE = strawberry.enum_value("Feature", description="Features computed from affected data.")
    RUN = strawberry.enum_value("Run", description="Runs that used something affected.")
    MODEL_VERSION = strawberry.enum_value("ModelVersion", description="Model versions produced from or fine-tuned on affected assets.")
    MODEL = strawberry.enum_value("Model", description="Models with an affected version.")
    DEPLOYMENT = strawberry.enum_value("Deployment", description="Deployments serving an affected model version.")


@strawberry.input(description="Where an impact question starts: give exactly one.", one_of=True)
class ImpactStartInput:
    dataset: DatasetRefInput | None = strawberry.field(
        default=strawberry.UNSET, description="Every version of a dataset (or those in `createdAfter`/`createdBefore`).")
    dataset_version: DatasetVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="One dataset version.")
    feature: FeatureRefInput | None = strawberry.field(default=strawberry.UNSET, description="A feature.")
    run_id: str | None = strawberry.field(default=strawberry.UNSET, description="A run, by its run id.")
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")


@strawberry.input(description="A deployment by natural key.")
class DeploymentRefInput:
    environment: Environment = strawberry.field(description="Where it runs.")
    name: str = strawberry.field(description="Its name within the environment, e.g. `fraud-api`.")


@strawberry.input(description="Where a provenance question starts: give exactly one.", one_of=True)
class ProvenanceStartInput:
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")
    deployment: DeploymentRefInput | None = strawberry.field(
        default=strawberry.UNSET, description="A deployment, with the model version it serves (served, with `asOf`).")


@strawberry.input(description="Any catalog node by natural key: give exactly one.", one_of=True)
class LineageStartInput:
    dataset: DatasetRefInput | None = strawberry.field(default=strawberry.UNSET, description="A dataset.")
    dataset_version: DatasetVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A dataset version.")
    feature: FeatureRefInput | None = strawberry.field(default=strawberry.UNSET, description="A feature.")
    run_id: str | None = strawberry.field(default=strawberry.UNSET, description="A run, by its run id.")
    model: str | None = strawberry.field(default=strawberry.UNSET, description="A model, by name.")
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")
    deployment: DeploymentRefInput | None = strawberry.field(default=strawberry.UNSET, description="A deployment.")


@strawberry.enum(description="Which way to walk the lineage: UPSTREAM is along the arrows (where it came from).")
class Direction(Enum):
    UPSTREAM = strawberry.enum_value(
        "UPSTREAM", description="Along the arrows: what it came from (inputs, sources, parents, what it serves).")
    DOWNSTREAM = strawberry.enum_value(
        "DOWNSTREAM", description="Against the arrows: what came from it (runs, outputs, derived versions, deployments).")


@strawberry.type(description="A node of a lineage subgraph and its distance from the start.")
class LineageNode:
    depth: int = strawberry.field(description="Hops from the start; 0 for the start itself.")
    node: CatalogNode = strawberry.field(description="The asset.")


@strawberry.type(description="An edge of a lineage subgraph.")
class LineageEdge:
    source: strawberry.ID = strawberry.field(description="Id of the node the arrow leaves, e.g. the run that USED.")
    type: str = strawberry.field(
        description="The edge type: USED, WAS_GENERATED_BY, WAS_DERIVED_FROM, SERVES or VERSION_OF.")
    target: strawberry.ID = strawberry.field(description="Id of the node the arrow points to (upstream of `source`).")


@strawberry.type(description="A lineage subgraph for drawing: nodes with depths, typed edges.")
class LineageGraph:
    complete: bool = strawberry.field(
        description="False when a guard rail cut the graph short: never read that as 'nothing more'.")
    cut_reasons: list[str] = strawberry.field(
        description="DEPTH_LIMIT: something lies beyond `depth`; NODE_BUDGET: more than `nodeBudget` nodes. Empty when complete.")
    nodes: list[LineageNode] = strawberry.field(description="The start and every node within `depth` hops, nearest first.")
    edges: list[LineageEdge] = strawberry.field(description="The typed edges among those nodes.")


@strawberry.type(description="One node on an explaining path.")
class PathNode:
    kind: str = strawberry.field(description="Its node label, e.g. `DatasetVersion`.")
    id: strawberry.ID = strawberry.field(description="Its id.")
    name: str | None = strawberry.field(description="The step as a person reads it: `s3://raw/transactions@2026-03-08`, `clean_transactions run <id>`, `credit-scoring:2`, `production/credit-scoring-api`.")


@strawberry.type(description="Why an item is affected: the chain from the start to it, and the edge types between.")
class ExplanationPath:
    nodes: list[PathNode] = strawberry.field(description="The nodes from the start to the affected item, in order.")
    edges: list[str] = strawberry.field(description="Edge types between consecutive nodes, e.g. USED, WAS_GENERATED_BY.")


@strawberry.type(description="One affected asset.")
class ImpactItem:
    kind: str = strawberry.field(description="The affected asset's node label, e.g. `Deployment`.")
    depth: int = strawberry.field(
        description="Lineage hops from the nearest start, through edges that held at `asOf`; a model: its nearest "
                    "affected version's depth + 1.")
    node: CatalogNode = strawberry.field(description="The affected asset.")
    path: ExplanationPath = strawberry.field(
        description="Why it is affected: one shortest path from a start to it whose every edge held at `asOf`, "
                    "`depth` edges long (a model's ends with its nearest affected version's VERSION_OF).")


@strawberry.type(description="Everything downstream of a start, grouped by kind, production deployments first.")
class ImpactAnswer:
    complete: bool = strawberry.field(description="False when a guard rail cut the answer short: never read that as 'nothing more'.")
    cut_reasons: list[str] = strawberry.field(description="DEPTH_LIMIT: something lies beyond maxDepth; NODE_BUDGET: more than nodeBudget nodes.")
    start_count: int = strawberry.field(description="How many start nodes (a dataset: its versions in the window).")
    counts: list[KindCount] = strawberry.field(description="Affected assets per kind, over the whole answer.")
    total_count: int = strawberry.field(description="Items after the kind and environment filters, over all pages.")
    owner_names: strawberry.Private[list[str]]
    items: list[ImpactItem] = strawberry.field(
        description="This page: production deployments first, then other deployments, model versions, models, runs, "
                    "features and dataset versions, nearest first.")
    has_next_page: bool = strawberry.field(description="True when another page of items follows.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null when this page is empty.")

    @strawberry.field(description="The teams owning affected assets: who to notify.")
    async def owners(self, info: Info) -> list[Team]:
        teams = await catalog_loaders.by_key(info, Kinds.TEAM.value).load_many([(name,) for name in self.owner_names])
        return [from_node(Team, team) for team in teams if team is not None]


@strawberry.type(description="Everything upstream of a model version or deployment, as a subgraph and a summary.")
class ProvenanceAnswer:
    complete: bool = strawberry.field(
        description="False when `nodeBudget` cut the answer short: never read that as 'nothing more'.")
    cut_reasons: list[str] = strawberry.field(
        description="NODE_BUDGET when more than `nodeBudget` nodes lie upstream; empty when complete.")
    nodes: list[CatalogNode] = strawberry.field(description="The start and everything upstream, with the datasets of every dataset version.")
    edges: list[LineageEdge] = strawberry.field(description="The typed edges among those nodes.")
    raw_sources: list[Dataset] = strawberry.field(description="Datasets no recorded run produced: where the data came from.")
    licenses: list[str] = strawberry.field(description="Every license of the upstream datasets.")
    privacy_classes: list[PrivacyClass] = strawberry.field(description="Every privacy class of the upstream datasets.")


def _start(of: ImpactStartInput | ProvenanceStartInput | LineageStartInput, window_from=None,
           window_to=None) -> service.Start:
    given = {name: value for name, value in vars(of).items() if value is not strawberry.UNSET and value is not None}
    if len(given) != 1:
        raise InvalidInput("Give exactly one start.", field="of")
    (name, value), = given.items()
    if window_from is not None or window_to is not None:
        if name != "dataset":
            raise InvalidInput("A time window applies to a dataset's versions only.", field="createdAfter")
    key = {
        "dataset": lambda: (Kinds.DATASET, {"namespace": value.namespace, "name": value.name}),
        "dataset_version": lambda: (Kinds.DATASET_VERSION, {"namespace": value.namespace, "name": value.name,
                                                            "version": value.version}),
        "feature": lambda: (Kinds.FEATURE, {"group": value.group, "name": value.name}),
        "run_id": lambda: (Kinds.RUN, {"run_id": value}),
        "model_version": lambda: (Kinds.MODEL_VERSION, {"model_name": value.model, "version": value.version}),
        "deployment": lambda: (Kinds.DEPLOYMENT, {"environment": value.environment.value, "name": value.name}),
        "model": lambda: (Kinds.MODEL, {"name": value}),
    }[name]
    kind, key_values = key()
    return service.Start(kind=kind.value, key=key_values, window_from=window_from, window_to=window_to)


def _item(raw: dict) -> ImpactItem:
    return ImpactItem(
        kind=raw["kind"], depth=raw["depth"], node=from_labelled(raw["kind"], raw["node"]),
        path=ExplanationPath(nodes=[PathNode(**n) for n in raw["path_nodes"]], edges=raw["path_edges"]),
    )


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
            info.context.db, _start(of, created_after, created_before), as_of=as_of, max_depth=max_depth,
            budget=node_budget, kinds=[k.value for k in kinds] if kinds else None,
            environment=environment.value if environment else None, first=first, offset=offset,
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
        answer = await service.provenance(info.context.db, _start(of), as_of=as_of, budget=node_budget)
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
        graph = await service.subgraph(info.context.db, _start(of), direction=direction.value, depth=depth,
                                       as_of=as_of, budget=node_budget)
        return LineageGraph(
            complete=not graph.cut_reasons, cut_reasons=graph.cut_reasons,
            nodes=[LineageNode(depth=depth, node=from_labelled(kind, node)) for kind, node, depth in graph.nodes],
            edges=[LineageEdge(**edge) for edge in graph.edges],
        )
