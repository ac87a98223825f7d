"""GraphQL types of impact, provenance and the lineage subgraph."""

from __future__ import annotations


import strawberry

from app.catalog import loaders as catalog_loaders
from app.catalog.types import CatalogNode, Dataset, PrivacyClass, Team, from_node
from app.core.context import Info
from app.core.kinds import Kinds
from app.system.types import KindCount
from app.core.vocabulary import graphql_enum


ImpactKind = graphql_enum("ImpactKind")
Direction = graphql_enum("Direction")


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
