"""GraphQL types of the catalog: the assets, their relations (through DataLoaders), connections."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Generic, TypeVar

import strawberry
from neo4j.time import DateTime as Neo4jDateTime

from app.catalog.kinds import BY_LABEL, Kind, Kinds
from app.context import Info
from app.errors import InvalidInput

# --- enums --------------------------------------------------------------------------------


@strawberry.enum(description="Where a model version stands in its life cycle.")
class Stage(Enum):
    DEVELOPMENT = "DEVELOPMENT"
    STAGING = "STAGING"
    PRODUCTION = "PRODUCTION"
    ARCHIVED = "ARCHIVED"
    QUARANTINED = "QUARANTINED"


@strawberry.enum(description="How sensitive a dataset's content is.")
class PrivacyClass(Enum):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    CONFIDENTIAL = "CONFIDENTIAL"
    PII = "PII"
    SENSITIVE_PII = "SENSITIVE_PII"


@strawberry.enum(description="How much harm a wrong prediction of this model can do.")
class RiskTier(Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


@strawberry.enum(description="The state of a run, as OpenLineage reports it.")
class RunState(Enum):
    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    ABORT = "ABORT"


@strawberry.enum(description="Where a deployment runs.")
class Environment(Enum):
    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"


@strawberry.enum(description="Whether a deployment takes traffic.")
class DeploymentStatus(Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    ROLLED_BACK = "ROLLED_BACK"


# Where a field's value is stored under another property name than the field's.
_PROPERTY = {"owner_name": "owner", "parameters_json": "parameters", "dataset_version_ref": "dataset_version"}
_ENUM_FIELDS = {"stage": Stage, "privacy": PrivacyClass, "risk_tier": RiskTier, "state": RunState,
                "environment": Environment, "status": DeploymentStatus}


# --- building GraphQL objects from stored nodes ----------------------------------------------------


def from_node(cls, node: dict | None):
    """The GraphQL object of type `cls` for a stored node (properties by field name), or None."""
    if node is None:
        return None
    values = {}
    for f in dataclasses.fields(cls):  # includes the Private ones
        if not f.init:
            continue  # a field with a resolver
        value = node.get(_PROPERTY.get(f.name, f.name))
        if isinstance(value, Neo4jDateTime):
            value = value.to_native()
        elif f.name in _ENUM_FIELDS and value is not None:
            value = _ENUM_FIELDS[f.name](value)
        elif f.name == "tags" and value is None:
            value = []
        values[f.name] = value
    return cls(**values)


def from_labelled(label: str, node: dict):
    """A node whose label is only known at run time (relations, search hits)."""
    return from_node(_TYPE_BY_LABEL[label], node)


async def _one(info: Info, query: str, source_id: str):
    pairs = await info.context.loaders.related(query).load(source_id)
    return from_labelled(*pairs[0]) if pairs else None


async def _many(info: Info, query: str, source_id: str) -> list:
    return [from_labelled(label, node) for label, node in await info.context.loaders.related(query).load(source_id)]


async def _by_key(info: Info, kind: Kind, *key):
    if any(part is None for part in key):
        return None
    return from_node(_TYPE_BY_LABEL[kind.label], await info.context.loaders.by_key(kind).load(tuple(key)))


# --- the assets ---------------------------------------------------------------------------------------


@strawberry.interface(description="What every registry record carries: identity and who changed it when.")
class Record:
    id: strawberry.ID = strawberry.field(description="Stable id, assigned at first registration.")
    created_at: datetime
    updated_at: datetime
    created_by: str | None = strawberry.field(description="The principal that registered it.")
    updated_by: str | None = strawberry.field(description="The principal that last changed it.")


@strawberry.type(description="A team: owns assets and is who gets notified about them.")
class Team(Record):
    name: str
    description: str | None


@strawberry.interface(description="An asset with an owning team, tags and a description.")
class Owned(Record):
    description: str | None
    tags: list[str]
    owner_name: str | None = strawberry.field(description="The owning team's name.")

    @strawberry.field(description="The owning team.")
    async def owner(self, info: Info) -> Team | None:
        return await _by_key(info, Kinds.TEAM.value, self.owner_name)


@strawberry.type(description="A named field of a dataset's schema.")
class SchemaField:
    name: str
    type: str


@strawberry.type(description="A data source or table, identified by (namespace, name) as in OpenLineage.")
class Dataset(Owned):
    namespace: str = strawberry.field(description="The source system: `s3://bucket`, `postgres://host:5432`.")
    name: str
    license: str | None = strawberry.field(description="SPDX identifier of the data's license.")
    privacy: PrivacyClass | None
    schema_fields: strawberry.Private[str | None]

    @strawberry.field(description="The dataset's columns, as registered.")
    def schema(self) -> list[SchemaField]:
        return [SchemaField(**item) for item in json.loads(self.schema_fields or "[]")]

    @strawberry.field(description="Its snapshots, newest first.")
    async def versions(self, info: Info) -> list[DatasetVersion]:
        return await _many(info, "catalog.rel_dataset_versions", self.id)


@strawberry.type(description="One immutable snapshot of a dataset; lineage is recorded per version.")
class DatasetVersion(Record):
    namespace: str
    name: str
    version: str
    digest: str | None = strawberry.field(description="`sha256:<hex>` of the snapshot's content; never changes once recorded.")
    row_count: int | None
    description: str | None
    quarantined: bool | None

    @strawberry.field(description="The dataset this is a snapshot of.")
    async def dataset(self, info: Info) -> Dataset | None:
        return await _by_key(info, Kinds.DATASET.value, self.namespace, self.name)

    @strawberry.field(description="The run that wrote this snapshot, if it was recorded.")
    async def produced_by(self, info: Info) -> Run | None:
        return await _one(info, "catalog.rel_dataset_version_producers", self.id)


@strawberry.type(description="A reusable feature definition, derived from datasets.")
class Feature(Owned):
    group: str = strawberry.field(description="The feature group (feature view) it belongs to.")
    name: str
    dtype: str | None
    transformation: str | None

    @strawberry.field(description="The datasets and dataset versions it is computed from.")
    async def derived_from(self, info: Info) -> list[Annotated[Dataset | DatasetVersion, strawberry.union("FeatureSource")]]:
        return await _many(info, "catalog.rel_feature_sources", self.id)


@strawberry.type(description="A pipeline or training job; its executions are runs.")
class Job(Owned):
    namespace: str
    name: str

    @strawberry.field(description="Its runs, newest first.")
    async def runs(self, info: Info) -> list[Run]:
        return await _many(info, "catalog.rel_job_runs", self.id)


@strawberry.type(description="A run parameter (hyper-parameter, configuration value).")
class Parameter:
    name: str
    value: str


LineageAsset = Annotated["DatasetVersion | Feature | ModelVersion", strawberry.union(
    "LineageAsset", description="Something a run can use or produce.")]


@strawberry.type(description="One execution of a job: code, parameters, what it used and produced.")
class Run(Record):
    run_id: str = strawberry.field(description="The run's own id (an OpenLineage runId, an MLflow run id).")
    job_namespace: str
    job_name: str
    state: RunState | None
    started_at: datetime | None
    ended_at: datetime | None
    code_repository: str | None
    code_commit: str | None
    parameters_json: strawberry.Private[str | None]

    @strawberry.field(description="Parameters, sorted by name.")
    def parameters(self) -> list[Parameter]:
        return [Parameter(name=k, value=v) for k, v in sorted(json.loads(self.parameters_json or "{}").items())]

    @strawberry.field(description="The job this is a run of.")
    async def job(self, info: Info) -> Job | None:
        return await _by_key(info, Kinds.JOB.value, self.job_namespace, self.job_name)

    @strawberry.field(description="What the run read.")
    async def inputs(self, info: Info) -> list[LineageAsset]:
        return await _many(info, "catalog.rel_run_inputs", self.id)

    @strawberry.field(description="What the run wrote.")
    async def outputs(self, info: Info) -> list[LineageAsset]:
        return await _many(info, "catalog.rel_run_outputs", self.id)


@strawberry.type(description="A registered model: the family its versions belong to.")
class Model(Owned):
    name: str
    risk_tier: RiskTier | None

    @strawberry.field(description="Its versions, newest first.")
    async def versions(self, info: Info) -> list[ModelVersion]:
        return await _many(info, "catalog.rel_model_versions", self.id)


@strawberry.type(description="A metric value measured on a model version with a given dataset version.")
class Evaluation(Record):
    metric: str
    value: float
    dataset_version_ref: strawberry.Private[dict | None]

    @strawberry.field(description="The dataset version the metric was measured on.")
    async def dataset_version(self, info: Info) -> DatasetVersion | None:
        ref = self.dataset_version_ref or {}
        return await _by_key(info, Kinds.DATASET_VERSION.value, ref.get("namespace"), ref.get("name"), ref.get("version"))


@strawberry.type(description="One version of a model: artifact, metrics, stage and lineage.")
class ModelVersion(Record):
    model_name: str
    version: str
    artifact_uri: str | None
    artifact_digest: str | None = strawberry.field(description="`sha256:<hex>` of the artifact; never changes once recorded.")
    framework: str | None
    license: str | None
    stage: Stage | None
    compliance_flags: list[str] | None
    quarantined: bool | None
    description: str | None
    tags: list[str]

    @strawberry.field(description="The model this is a version of.")
    async def model(self, info: Info) -> Model | None:
        return await _by_key(info, Kinds.MODEL.value, self.model_name)

    @strawberry.field(description="The training run that produced it, if recorded.")
    async def produced_by(self, info: Info) -> Run | None:
        return await _one(info, "catalog.rel_model_version_producers", self.id)

    @strawberry.field(description="The versions it was fine-tuned or distilled from.")
    async def derived_from(self, info: Info) -> list[ModelVersion]:
        return await _many(info, "catalog.rel_model_version_parents", self.id)

    @strawberry.field(description="Its evaluation results.")
    async def metrics(self, info: Info) -> list[Evaluation]:
        pairs = await info.context.loaders.related("catalog.rel_model_version_evaluations").load(self.id)
        return [from_node(Evaluation, node) for _, node in pairs]

    @strawberry.field(description="The deployments serving it now.")
    async def deployments(self, info: Info) -> list[Deployment]:
        return await _many(info, "catalog.rel_model_version_deployments", self.id)


@strawberry.type(description="A model version serving in an environment.")
class Deployment(Record):
    environment: Environment
    name: str
    endpoint: str | None
    status: DeploymentStatus | None
    since: datetime | None = strawberry.field(description="When it started serving its current version.")

    @strawberry.field(description="The model version it serves now.")
    async def model_version(self, info: Info) -> ModelVersion | None:
        return await _one(info, "catalog.rel_deployment_serving", self.id)


_TYPE_BY_LABEL = {
    "Team": Team, "Dataset": Dataset, "DatasetVersion": DatasetVersion, "Feature": Feature, "Job": Job,
    "Run": Run, "Model": Model, "ModelVersion": ModelVersion, "Deployment": Deployment,
}
assert set(_TYPE_BY_LABEL) == set(BY_LABEL)

CatalogNode = Annotated[
    Team | Dataset | DatasetVersion | Feature | Job | Run | Model | ModelVersion | Deployment,
    strawberry.union("CatalogNode", description="Any asset of the catalog."),
]


# --- connections --------------------------------------------------------------------------------------

T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type(description="A page of results in (createdAt, id) order; pass `endCursor` as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(node: dict) -> str:
    created = node["created_at"]
    created = created.to_native() if isinstance(created, Neo4jDateTime) else created
    raw = json.dumps([created.isoformat(), node["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict | None:
    """The position a cursor points after, or None for the first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, node_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return {"created_at": datetime.fromisoformat(created), "id": str(node_id)}
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("after is not a cursor this API returned.", field="after") from None


def connection(cls, nodes: list[dict], has_next_page: bool) -> Connection:
    edges = [Edge(node=from_node(cls, node), cursor=encode_cursor(node)) for node in nodes]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=has_next_page,
                                                      end_cursor=edges[-1].cursor if edges else None))


@strawberry.type(description="A search hit: the asset and how well it matched.")
class SearchHit:
    score: float
    node: CatalogNode
