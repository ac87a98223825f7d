"""Catalog queries: each kind by id or natural key, filtered pages, and full-text search."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from app.catalog import loaders as catalog_loaders
from app.core import limits
from app.catalog import service
from app.core.kinds import Kind, Kinds
from app.catalog.types import Dataset, DatasetVersion, Deployment, DeploymentStatus, Environment, Feature, Job, Model, ModelVersion, PrivacyClass, RiskTier, Run, RunState, SearchHit, Stage, Team, connection, from_labelled, from_node
from app.core.pagination import Connection, decode_cursor
from app.core.context import Info
from app.core.errors import InvalidInput
from app.core.vocabulary import graphql_enum


@strawberry.input(description="Filters every list has: creation time range.")
class CreatedFilter:
    created_after: datetime | None = strawberry.field(default=None, description="Created at or after this time.")
    created_before: datetime | None = strawberry.field(default=None, description="Created before this time.")


@strawberry.input(description="Filters for `teams`; every filter given must match.")
class TeamFilter(CreatedFilter):
    pass


@strawberry.input(description="Filters for assets with an owner and tags; every filter given must match.")
class OwnedFilter(CreatedFilter):
    owner: str | None = strawberry.field(default=None, description="Owning team's name.")
    tag: str | None = strawberry.field(default=None, description="Only those carrying this tag.")


@strawberry.input(description="Filters for `datasets`; every filter given must match.")
class DatasetFilter(OwnedFilter):
    namespace: str | None = strawberry.field(default=None, description="Only those in this namespace, e.g. `s3://raw`.")
    license: str | None = strawberry.field(default=None, description="Only those under this license (SPDX identifier).")
    privacy: PrivacyClass | None = strawberry.field(default=None, description="Only those of this privacy class.")


@strawberry.input(description="Filters for `datasetVersions`; every filter given must match.")
class DatasetVersionFilter(CreatedFilter):
    namespace: str | None = strawberry.field(default=None, description="Only versions of datasets in this namespace.")
    name: str | None = strawberry.field(default=None, description="Only versions of datasets with this name.")


@strawberry.input(description="Filters for `features`; every filter given must match.")
class FeatureFilter(OwnedFilter):
    group: str | None = strawberry.field(default=None, description="Only those in this feature group.")


@strawberry.input(description="Filters for `jobs`; every filter given must match.")
class JobFilter(OwnedFilter):
    namespace: str | None = strawberry.field(default=None, description="Only those in this namespace, e.g. `airflow`.")


@strawberry.input(description="Filters for `runs`; every filter given must match.")
class RunFilter(CreatedFilter):
    job_namespace: str | None = strawberry.field(default=None, description="Only runs of jobs in this namespace.")
    job_name: str | None = strawberry.field(default=None, description="Only runs of jobs with this name.")
    state: RunState | None = strawberry.field(default=None, description="Only runs in this state.")


@strawberry.input(description="Filters for `models`; every filter given must match.")
class ModelFilter(OwnedFilter):
    risk_tier: RiskTier | None = strawberry.field(default=None, description="Only models of this risk tier.")


@strawberry.input(description="Filters for `modelVersions`; every filter given must match.")
class ModelVersionFilter(CreatedFilter):
    model_name: str | None = strawberry.field(default=None, description="Only versions of this model.")
    stage: Stage | None = strawberry.field(default=None, description="Only versions in this stage.")
    license: str | None = strawberry.field(default=None, description="Only versions under this license (SPDX identifier).")
    tag: str | None = strawberry.field(default=None, description="Only versions carrying this tag.")


@strawberry.input(description="Filters for `deployments`; every filter given must match.")
class DeploymentFilter(CreatedFilter):
    environment: Environment | None = strawberry.field(default=None, description="Only deployments in this environment.")
    status: DeploymentStatus | None = strawberry.field(default=None, description="Only deployments with this status.")


CatalogKind = graphql_enum("CatalogKind")


# Descriptions of the arguments every lookup and list shares.
IdArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="The record's id; without it, give the whole natural key.")]
FirstArg = Annotated[int, strawberry.argument(description="Page size: 1–500, default 50.")]
AfterArg = Annotated[str | None, strawberry.argument(
    description="Continue after this `endCursor` of a previous page; null for the first page.")]


async def _lookup(info: Info, kind: Kind, cls, node_id: str | None, *key):
    """By id, or by the complete natural key; null when there is no such record."""
    if node_id is not None:
        return from_node(cls, await catalog_loaders.lookup(info, kind, id=node_id, key=None))
    if key and all(part is not None for part in key):
        return from_node(cls, await catalog_loaders.lookup(info, kind, id=None, key=tuple(key)))
    raise InvalidInput(f"Give the id or the whole natural key ({', '.join(kind.key_fields)}).", field="id")


async def _page(info: Info, kind: Kind, cls, filter, first: int, after: str | None) -> Connection:
    values = {} if filter is None else {
        f.name: (getattr(filter, f.name).value if isinstance(getattr(filter, f.name), Enum) else getattr(filter, f.name))
        for f in dataclasses.fields(filter)
    }
    page = await service.list_page(info.context.db, kind, filter=values, first=first, after=decode_cursor(after))
    return connection(cls, page.nodes, page.has_next_page)




def _key(description: str):
    """A natural-key argument of a lookup."""
    return strawberry.argument(description=description + " Part of the natural key; ignored when `id` is given.")


@strawberry.type(description="Catalog reads: each kind by id or natural key, filtered pages, full-text search.")
class CatalogQuery:
    @strawberry.field(description="A team by id or name; null when there is none.")
    async def team(self, info: Info, id: IdArg = None,
                   name: Annotated[str | None, _key("The team's name.")] = None) -> Team | None:
        return await _lookup(info, Kinds.TEAM.value, Team, id, name)

    @strawberry.field(description="Teams, oldest first.")
    async def teams(self, info: Info,
                    filter: Annotated[TeamFilter | None, strawberry.argument(description="Only teams matching it.")] = None,
                    first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Team]:
        return await _page(info, Kinds.TEAM.value, Team, filter, first, after)

    @strawberry.field(description="A dataset by id or by (namespace, name); null when there is none.")
    async def dataset(self, info: Info, id: IdArg = None,
                      namespace: Annotated[str | None, _key("The dataset's namespace, e.g. `s3://raw`.")] = None,
                      name: Annotated[str | None, _key("The dataset's name.")] = None) -> Dataset | None:
        return await _lookup(info, Kinds.DATASET.value, Dataset, id, namespace, name)

    @strawberry.field(description="Datasets, oldest first.")
    async def datasets(self, info: Info,
                       filter: Annotated[DatasetFilter | None, strawberry.argument(
                           description="Only datasets matching it.")] = None,
                       first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Dataset]:
        return await _page(info, Kinds.DATASET.value, Dataset, filter, first, after)

    @strawberry.field(description="A dataset version by id or by (namespace, name, version); null when there is none.")
    async def dataset_version(self, info: Info, id: IdArg = None,
                              namespace: Annotated[str | None, _key("The dataset's namespace, e.g. `s3://raw`.")] = None,
                              name: Annotated[str | None, _key("The dataset's name.")] = None,
                              version: Annotated[str | None, _key("The snapshot's version string.")] = None,
                              ) -> DatasetVersion | None:
        return await _lookup(info, Kinds.DATASET_VERSION.value, DatasetVersion, id, namespace, name, version)

    @strawberry.field(description="Dataset versions, oldest first.")
    async def dataset_versions(self, info: Info,
                               filter: Annotated[DatasetVersionFilter | None, strawberry.argument(
                                   description="Only dataset versions matching it.")] = None,
                               first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None,
                               ) -> Connection[DatasetVersion]:
        return await _page(info, Kinds.DATASET_VERSION.value, DatasetVersion, filter, first, after)

    @strawberry.field(description="A feature by id or by (group, name); null when there is none.")
    async def feature(self, info: Info, id: IdArg = None,
                      group: Annotated[str | None, _key("The feature group.")] = None,
                      name: Annotated[str | None, _key("The feature's name within the group.")] = None) -> Feature | None:
        return await _lookup(info, Kinds.FEATURE.value, Feature, id, group, name)

    @strawberry.field(description="Features, oldest first.")
    async def features(self, info: Info,
                       filter: Annotated[FeatureFilter | None, strawberry.argument(
                           description="Only features matching it.")] = None,
                       first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Feature]:
        return await _page(info, Kinds.FEATURE.value, Feature, filter, first, after)

    @strawberry.field(description="A job by id or by (namespace, name); null when there is none.")
    async def job(self, info: Info, id: IdArg = None,
                  namespace: Annotated[str | None, _key("The job's namespace, e.g. `airflow`.")] = None,
                  name: Annotated[str | None, _key("The job's name.")] = None) -> Job | None:
        return await _lookup(info, Kinds.JOB.value, Job, id, namespace, name)

    @strawberry.field(description="Jobs, oldest first.")
    async def jobs(self, info: Info,
                   filter: Annotated[JobFilter | None, strawberry.argument(description="Only jobs matching it.")] = None,
                   first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Job]:
        return await _page(info, Kinds.JOB.value, Job, filter, first, after)

    @strawberry.field(description="A run by id or by its run id; null when there is none.")
    async def run(self, info: Info, id: IdArg = None,
                  run_id: Annotated[str | None, _key("The run's own id (an OpenLineage runId, an MLflow run id).")] = None,
                  ) -> Run | None:
        return await _lookup(info, Kinds.RUN.value, Run, id, run_id)

    @strawberry.field(description="Runs, oldest first.")
    async def runs(self, info: Info,
                   filter: Annotated[RunFilter | None, strawberry.argument(description="Only runs matching it.")] = None,
                   first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Run]:
        return await _page(info, Kinds.RUN.value, Run, filter, first, after)

    @strawberry.field(description="A model by id or name; null when there is none.")
    async def model(self, info: Info, id: IdArg = None,
                    name: Annotated[str | None, _key("The model's name.")] = None) -> Model | None:
        return await _lookup(info, Kinds.MODEL.value, Model, id, name)

    @strawberry.field(description="Models, oldest first.")
    async def models(self, info: Info,
                     filter: Annotated[ModelFilter | None, strawberry.argument(description="Only models matching it.")] = None,
                     first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Model]:
        return await _page(info, Kinds.MODEL.value, Model, filter, first, after)

    @strawberry.field(description="A model version by id or by (model, version); null when there is none.")
    async def model_version(self, info: Info, id: IdArg = None,
                            model: Annotated[str | None, _key("The model's name.")] = None,
                            version: Annotated[str | None, _key("The version string.")] = None) -> ModelVersion | None:
        return await _lookup(info, Kinds.MODEL_VERSION.value, ModelVersion, id, model, version)

    @strawberry.field(description="Model versions, oldest first.")
    async def model_versions(self, info: Info,
                             filter: Annotated[ModelVersionFilter | None, strawberry.argument(
                                 description="Only model versions matching it.")] = None,
                             first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None,
                             ) -> Connection[ModelVersion]:
        return await _page(info, Kinds.MODEL_VERSION.value, ModelVersion, filter, first, after)

    @strawberry.field(description="A deployment by id or by (environment, name); null when there is none.")
    async def deployment(self, info: Info, id: IdArg = None,
                         environment: Annotated[Environment | None, _key("Where it runs.")] = None,
                         name: Annotated[str | None, _key("Its name within the environment.")] = None,
                         ) -> Deployment | None:
        env = environment.value if environment is not None else None
        return await _lookup(info, Kinds.DEPLOYMENT.value, Deployment, id, env, name)

    @strawberry.field(description="Deployments, oldest first.")
    async def deployments(self, info: Info,
                          filter: Annotated[DeploymentFilter | None, strawberry.argument(
                              description="Only deployments matching it.")] = None,
                          first: FirstArg = limits.DEFAULT_PAGE_SIZE, after: AfterArg = None) -> Connection[Deployment]:
        return await _page(info, Kinds.DEPLOYMENT.value, Deployment, filter, first, after)

    @strawberry.field(description="Full-text search across names, descriptions and tags, best match first. "
                                  "Each word also matches as a prefix.")
    async def search(
        self, info: Info,
        text: Annotated[str, strawberry.argument(
            description="The words to look for, at most 200 characters; each also matches as a prefix.")],
        kinds: Annotated[list[CatalogKind] | None, strawberry.argument(
            description="Only hits of these kinds; every kind when null.")] = None,
        first: Annotated[int, strawberry.argument(description="How many hits: 1–500, default 20.")] = 20,
        offset: Annotated[int, strawberry.argument(description="How many of the best hits to skip: 0–10,000.")] = 0,
    ) -> list[SearchHit]:
        hits = await service.search(info.context.db, text=text, kinds=[k.value for k in kinds] if kinds else None,
                                    first=first, offset=offset)
        return [SearchHit(score=score, node=from_labelled(label, node)) for label, node, score in hits]
