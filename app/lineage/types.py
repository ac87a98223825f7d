"""GraphQL for impact and provenance."""

from __future__ import annotations

import base64
from datetime import datetime
from enum import Enum

import strawberry

from app import limits
from app.catalog.inputs import DatasetRefInput, DatasetVersionRefInput, FeatureRefInput, ModelVersionRefInput
from app.catalog.kinds import Kinds
from app.catalog.types import CatalogNode, Dataset, Environment, PrivacyClass, Team, from_labelled, from_node
from app.context import Info
from app.errors import InvalidInput
from app.lineage import service
from app.system.types import KindCount


@strawberry.enum(description="Kinds an impact answer lists.")
class ImpactKind(Enum):
    DATASET_VERSION = "DatasetVersion"
    FEATURE = "Feature"
    RUN = "Run"
    MODEL_VERSION = "ModelVersion"
    MODEL = "Model"
    DEPLOYMENT = "Deployment"


@strawberry.input(description="Where an impact question starts: give exactly one.", one_of=True)
class ImpactStartInput:
    dataset: DatasetRefInput | None = strawberry.UNSET
    dataset_version: DatasetVersionRefInput | None = strawberry.UNSET
    feature: FeatureRefInput | None = strawberry.UNSET
    run_id: str | None = strawberry.UNSET
    model_version: ModelVersionRefInput | None = strawberry.UNSET


@strawberry.input(description="A deployment by natural key.")
class DeploymentRefInput:
    environment: Environment
    name: str


@strawberry.input(description="Where a provenance question starts: give exactly one.", one_of=True)
class ProvenanceStartInput:
    model_version: ModelVersionRefInput | None = strawberry.UNSET
    deployment: DeploymentRefInput | None = strawberry.UNSET


@strawberry.input(description="Any catalog node by natural key: give exactly one.", one_of=True)
class LineageStartInput:
    dataset: DatasetRefInput | None = strawberry.UNSET
    dataset_version: DatasetVersionRefInput | None = strawberry.UNSET
    feature: FeatureRefInput | None = strawberry.UNSET
    run_id: str | None = strawberry.UNSET
    model: str | None = strawberry.UNSET
    model_version: ModelVersionRefInput | None = strawberry.UNSET
    deployment: DeploymentRefInput | None = strawberry.UNSET


@strawberry.enum(description="Which way to walk the lineage: UPSTREAM is along the arrows (where it came from).")
class Direction(Enum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"


@strawberry.type(description="A node of a lineage subgraph and its distance from the start.")
class LineageNode:
    depth: int
    node: CatalogNode


@strawberry.type(description="An edge of a lineage subgraph.")
class LineageEdge:
    source: strawberry.ID
    type: str
    target: strawberry.ID


@strawberry.type(description="A lineage subgraph for drawing: nodes with depths, typed edges.")
class LineageGraph:
    complete: bool
    cut_reasons: list[str]
    nodes: list[LineageNode]
    edges: list[LineageEdge]


@strawberry.type(description="One node on an explaining path.")
class PathNode:
    kind: str
    id: strawberry.ID
    name: str | None = strawberry.field(description="Its version, run id or name.")


@strawberry.type(description="Why an item is affected: the chain from the start to it, and the edge types between.")
class ExplanationPath:
    nodes: list[PathNode]
    edges: list[str] = strawberry.field(description="Edge types between consecutive nodes, e.g. USED, WAS_GENERATED_BY.")


@strawberry.type(description="One affected asset.")
class ImpactItem:
    kind: str
    depth: int = strawberry.field(description="Hops from the nearest start.")
    node: CatalogNode
    path: ExplanationPath


@strawberry.type(description="Everything downstream of a start, grouped by kind, production deployments first.")
class ImpactAnswer:
    complete: bool = strawberry.field(description="False when a guard rail cut the answer short: never read that as 'nothing more'.")
    cut_reasons: list[str] = strawberry.field(description="DEPTH_LIMIT: something lies beyond maxDepth; NODE_BUDGET: more than nodeBudget nodes.")
    start_count: int = strawberry.field(description="How many start nodes (a dataset: its versions in the window).")
    counts: list[KindCount] = strawberry.field(description="Affected assets per kind, over the whole answer.")
    total_count: int = strawberry.field(description="Items after the kind and environment filters, over all pages.")
    owner_names: strawberry.Private[list[str]]
    items: list[ImpactItem]
    has_next_page: bool
    end_cursor: str | None

    @strawberry.field(description="The teams owning affected assets: who to notify.")
    async def owners(self, info: Info) -> list[Team]:
        teams = await info.context.loaders.by_key(Kinds.TEAM.value).load_many([(name,) for name in self.owner_names])
        return [from_node(Team, team) for team in teams if team is not None]


@strawberry.type(description="Everything upstream of a model version or deployment, as a subgraph and a summary.")
class ProvenanceAnswer:
    complete: bool
    cut_reasons: list[str]
    nodes: list[CatalogNode] = strawberry.field(description="The start and everything upstream, with the datasets of every dataset version.")
    edges: list[LineageEdge]
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


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode().removeprefix("offset:"))
    except ValueError:
        raise InvalidInput("after is not a cursor this API returned.", field="after") from None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _item(raw: dict) -> ImpactItem:
    return ImpactItem(
        kind=raw["kind"], depth=raw["depth"], node=from_labelled(raw["kind"], raw["node"]),
        path=ExplanationPath(nodes=[PathNode(**n) for n in raw["path_nodes"]], edges=raw["path_edges"]),
    )


@strawberry.type
class LineageQuery:
    @strawberry.field(description="Everything downstream of a dataset (optionally its versions created in a window), "
                                  "a dataset version, a feature, a run or a model version: one traversal.")
    async def impact(
        self, info: Info, of: ImpactStartInput, created_after: datetime | None = None,
        created_before: datetime | None = None, as_of: datetime | None = None,
        max_depth: int = limits.MAX_LINEAGE_DEPTH, node_budget: int = limits.DEFAULT_NODE_BUDGET,
        kinds: list[ImpactKind] | None = None, environment: Environment | None = None,
        first: int = limits.DEFAULT_IMPACT_PAGE, after: str | None = None,
    ) -> ImpactAnswer:
        offset = _offset(after)
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
            has_next_page=end < answer.total, end_cursor=_cursor(end) if answer.items else None,
        )

    @strawberry.field(description="Everything upstream of a model version or a deployment, to the raw sources, "
                                  "with licenses and privacy classes; `asOf` answers for a past time.")
    async def provenance(self, info: Info, of: ProvenanceStartInput, as_of: datetime | None = None,
                         node_budget: int = limits.DEFAULT_NODE_BUDGET) -> ProvenanceAnswer:
        answer = await service.provenance(info.context.db, _start(of), as_of=as_of, budget=node_budget)
        return ProvenanceAnswer(
            complete=not answer.cut_reasons, cut_reasons=answer.cut_reasons,
            nodes=[from_labelled(kind, node) for kind, node in answer.nodes],
            edges=[LineageEdge(**edge) for edge in answer.edges],
            raw_sources=[from_node(Dataset, d) for d in answer.raw_sources],
            licenses=answer.licenses, privacy_classes=[PrivacyClass(p) for p in answer.privacy_classes],
        )

    @strawberry.field(description="The lineage subgraph around any asset, upstream or downstream, for a UI to draw.")
    async def lineage(self, info: Info, of: LineageStartInput, direction: Direction = Direction.DOWNSTREAM,
                      depth: int = 3, as_of: datetime | None = None,
                      node_budget: int = limits.DEFAULT_NODE_BUDGET) -> LineageGraph:
        graph = await service.subgraph(info.context.db, _start(of), direction=direction.value, depth=depth,
                                       as_of=as_of, budget=node_budget)
        return LineageGraph(
            complete=not graph.cut_reasons, cut_reasons=graph.cut_reasons,
            nodes=[LineageNode(depth=depth, node=from_labelled(kind, node)) for kind, node, depth in graph.nodes],
            edges=[LineageEdge(**edge) for edge in graph.edges],
        )
