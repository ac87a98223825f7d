"""Catalog queries: each kind by id or natural key, filtered pages, and full-text search."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum

import strawberry

from app import limits
from app.catalog import service
from app.catalog.kinds import Kind, Kinds
from app.catalog.types import (
    Connection,
    Dataset,
    DatasetVersion,
    Deployment,
    DeploymentStatus,
    Environment,
    Feature,
    Job,
    Model,
    ModelVersion,
    PrivacyClass,
    RiskTier,
    Run,
    RunState,
    SearchHit,
    Stage,
    Team,
    connection,
    decode_cursor,
    from_labelled,
    from_node,
)
from app.context import Info
from app.errors import InvalidInput


@strawberry.input(description="Filters every list has: creation time range.")
class CreatedFilter:
    created_after: datetime | None = strawberry.field(default=None, description="Created at or after this time.")
    created_before: datetime | None = strawberry.field(default=None, description="Created before this time.")


@strawberry.input
class TeamFilter(CreatedFilter):
    pass


@strawberry.input
class OwnedFilter(CreatedFilter):
    owner: str | None = strawberry.field(default=None, description="Owning team's name.")
    tag: str | None = None


@strawberry.input
class DatasetFilter(OwnedFilter):
    namespace: str | None = None
    license: str | None = None
    privacy: PrivacyClass | None = None


@strawberry.input
class DatasetVersionFilter(CreatedFilter):
    namespace: str | None = None
    name: str | None = None


@strawberry.input
class FeatureFilter(OwnedFilter):
    group: str | None = None


@strawberry.input
class JobFilter(OwnedFilter):
    namespace: str | None = None


@strawberry.input
class RunFilter(CreatedFilter):
    job_namespace: str | None = None
    job_name: str | None = None
    state: RunState | None = None


@strawberry.input
class ModelFilter(OwnedFilter):
    risk_tier: RiskTier | None = None


@strawberry.input
class ModelVersionFilter(CreatedFilter):
    model_name: str | None = None
    stage: Stage | None = None
    license: str | None = None
    tag: str | None = None


@strawberry.input
class DeploymentFilter(CreatedFilter):
    environment: Environment | None = None
    status: DeploymentStatus | None = None


@strawberry.enum(description="The kinds of asset search can be restricted to.")
class CatalogKind(Enum):
    TEAM = "Team"
    DATASET = "Dataset"
    FEATURE = "Feature"
    JOB = "Job"
    MODEL = "Model"
    MODEL_VERSION = "ModelVersion"
    DEPLOYMENT = "Deployment"


async def _lookup(info: Info, kind: Kind, cls, node_id: str | None, *key):
    """By id, or by the complete natural key; null when there is no such record."""
    if node_id is not None:
        return from_node(cls, await info.context.loaders.by_id(kind).load(node_id))
    if key and all(part is not None for part in key):
        return from_node(cls, await info.context.loaders.by_key(kind).load(tuple(key)))
    raise InvalidInput(f"Give the id or the whole natural key ({', '.join(kind.key_fields)}).", field="id")


async def _page(info: Info, kind: Kind, cls, filter, first: int, after: str | None) -> Connection:
    values = {} if filter is None else {
        f.name: (getattr(filter, f.name).value if isinstance(getattr(filter, f.name), Enum) else getattr(filter, f.name))
        for f in dataclasses.fields(filter)
    }
    page = await service.list_page(info.context.db, kind, filter=values, first=first, after=decode_cursor(after))
    return connection(cls, page.nodes, page.has_next_page)




@strawberry.type
class CatalogQuery:
    @strawberry.field(description="A team by id or name.")
    async def team(self, info: Info, id: strawberry.ID | None = None, name: str | None = None) -> Team | None:
        return await _lookup(info, Kinds.TEAM.value, Team, id, name)

    @strawberry.field(description="Teams, oldest first.")
    async def teams(self, info: Info, filter: TeamFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                    after: str | None = None) -> Connection[Team]:
        return await _page(info, Kinds.TEAM.value, Team, filter, first, after)

    @strawberry.field(description="A dataset by id or by (namespace, name).")
    async def dataset(self, info: Info, id: strawberry.ID | None = None, namespace: str | None = None,
                      name: str | None = None) -> Dataset | None:
        return await _lookup(info, Kinds.DATASET.value, Dataset, id, namespace, name)

    @strawberry.field(description="Datasets, oldest first.")
    async def datasets(self, info: Info, filter: DatasetFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                       after: str | None = None) -> Connection[Dataset]:
        return await _page(info, Kinds.DATASET.value, Dataset, filter, first, after)

    @strawberry.field(description="A dataset version by id or by (namespace, name, version).")
    async def dataset_version(self, info: Info, id: strawberry.ID | None = None, namespace: str | None = None,
                              name: str | None = None, version: str | None = None) -> DatasetVersion | None:
        return await _lookup(info, Kinds.DATASET_VERSION.value, DatasetVersion, id, namespace, name, version)

    @strawberry.field(description="Dataset versions, oldest first.")
    async def dataset_versions(self, info: Info, filter: DatasetVersionFilter | None = None,
                               first: int = limits.DEFAULT_PAGE_SIZE, after: str | None = None) -> Connection[DatasetVersion]:
        return await _page(info, Kinds.DATASET_VERSION.value, DatasetVersion, filter, first, after)

    @strawberry.field(description="A feature by id or by (group, name).")
    async def feature(self, info: Info, id: strawberry.ID | None = None, group: str | None = None,
                      name: str | None = None) -> Feature | None:
        return await _lookup(info, Kinds.FEATURE.value, Feature, id, group, name)

    @strawberry.field(description="Features, oldest first.")
    async def features(self, info: Info, filter: FeatureFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                       after: str | None = None) -> Connection[Feature]:
        return await _page(info, Kinds.FEATURE.value, Feature, filter, first, after)

    @strawberry.field(description="A job by id or by (namespace, name).")
    async def job(self, info: Info, id: strawberry.ID | None = None, namespace: str | None = None,
                  name: str | None = None) -> Job | None:
        return await _lookup(info, Kinds.JOB.value, Job, id, namespace, name)

    @strawberry.field(description="Jobs, oldest first.")
    async def jobs(self, info: Info, filter: JobFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                   after: str | None = None) -> Connection[Job]:
        return await _page(info, Kinds.JOB.value, Job, filter, first, after)

    @strawberry.field(description="A run by id or by its run id.")
    async def run(self, info: Info, id: strawberry.ID | None = None, run_id: str | None = None) -> Run | None:
        return await _lookup(info, Kinds.RUN.value, Run, id, run_id)

    @strawberry.field(description="Runs, oldest first.")
    async def runs(self, info: Info, filter: RunFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                   after: str | None = None) -> Connection[Run]:
        return await _page(info, Kinds.RUN.value, Run, filter, first, after)

    @strawberry.field(description="A model by id or name.")
    async def model(self, info: Info, id: strawberry.ID | None = None, name: str | None = None) -> Model | None:
        return await _lookup(info, Kinds.MODEL.value, Model, id, name)

    @strawberry.field(description="Models, oldest first.")
    async def models(self, info: Info, filter: ModelFilter | None = None, first: int = limits.DEFAULT_PAGE_SIZE,
                     after: str | None = None) -> Connection[Model]:
        return await _page(info, Kinds.MODEL.value, Model, filter, first, after)

    @strawberry.field(description="A model version by id or by (model, version).")
    async def model_version(self, info: Info, id: strawberry.ID | None = None, model: str | None = None,
                            version: str | None = None) -> ModelVersion | None:
        return await _lookup(info, Kinds.MODEL_VERSION.value, ModelVersion, id, model, version)

    @strawberry.field(description="Model versions, oldest first.")
    async def model_versions(self, info: Info, filter: ModelVersionFilter | None = None,
                             first: int = limits.DEFAULT_PAGE_SIZE, after: str | None = None) -> Connection[ModelVersion]:
        return await _page(info, Kinds.MODEL_VERSION.value, ModelVersion, filter, first, after)

    @strawberry.field(description="A deployment by id or by (environment, name).")
    async def deployment(self, info: Info, id: strawberry.ID | None = None, environment: Environment | None = None,
                         name: str | None = None) -> Deployment | None:
        env = environment.value if environment is not None else None
        return await _lookup(info, Kinds.DEPLOYMENT.value, Deployment, id, env, name)

    @strawberry.field(description="Deployments, oldest first.")
    async def deployments(self, info: Info, filter: DeploymentFilter | None = None,
                          first: int = limits.DEFAULT_PAGE_SIZE, after: str | None = None) -> Connection[Deployment]:
        return await _page(info, Kinds.DEPLOYMENT.value, Deployment, filter, first, after)

    @strawberry.field(description="Full-text search across names, descriptions and tags, best match first. "
                                  "Each word also matches as a prefix.")
    async def search(self, info: Info, text: str, kinds: list[CatalogKind] | None = None,
                     first: int = 20, offset: int = 0) -> list[SearchHit]:
        hits = await service.search(info.context.db, text=text, kinds=[k.value for k in kinds] if kinds else None,
                                    first=first, offset=offset)
        return [SearchHit(score=score, node=from_labelled(label, node)) for label, node, score in hits]
