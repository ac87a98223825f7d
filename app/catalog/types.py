"""GraphQL types of the catalog: the assets, their relations (through DataLoaders), connections."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Annotated

import strawberry

from app.artifacts import types as artifact_types
from app.artifacts.types import ArtifactVerification
from app.catalog import loaders as catalog_loaders
from app.catalog.repository import Relation
from app.core.kinds import BY_LABEL, Kind, Kinds
from app.core.context import Info
from app.core.pagination import Connection, Edge, PageInfo, encode_cursor
from app.core.times import stored_time
from app.core.vocabulary import graphql_enum
from app.monitoring import types as monitoring_types

# --- enums (the registry's vocabularies, app/core/vocabulary.toml) ----------------------------

Stage = graphql_enum("Stage")
PrivacyClass = graphql_enum("PrivacyClass")
RiskTier = graphql_enum("RiskTier")
RunState = graphql_enum("RunState")
Environment = graphql_enum("Environment")
DeploymentStatus = graphql_enum("DeploymentStatus")


# Where a field's value is stored under another property name than the field's.
_PROPERTY = {"owner_name": "owner", "parameters_json": "parameters", "dataset_version_ref": "dataset_version"}
# The datetime fields: stored as Neo4j DateTimes, returned by some statements as their ISO text
# (the lineage answers' lean node maps); either way a `datetime` here (app/core/times.py).
_TIME_FIELDS = {"created_at", "updated_at", "started_at", "ended_at", "since", "until"}
_ENUM_FIELDS = {"stage": Stage, "privacy": PrivacyClass, "risk_tier": RiskTier, "state": RunState,
                "environment": Environment, "status": DeploymentStatus}


# --- building GraphQL objects from stored nodes ----------------------------------------------------


def from_node(cls, node: dict | None):
    """The GraphQL object of type `cls` for a stored node (properties by field name), or None."""
    if node is None:
        return None
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _plan_of(cls)
    values = {}
    for name, prop, convert in plan:
        value = node.get(prop)
        values[name] = value if convert is None else convert(value)
    return cls(**values)


# Each type's (field, stored property, conversion) list, made once: an impact page builds 500
# objects, and reading the dataclass fields and their rules again for each was a fifth of its CPU.
_PLANS: dict[type, list[tuple[str, str, object]]] = {}


def _plan_of(cls) -> list[tuple[str, str, object]]:
    plan = []
    for f in dataclasses.fields(cls):  # includes the Private ones
        if not f.init:
            continue  # a field with a resolver
        if f.name in _TIME_FIELDS:
            convert = stored_time
        elif f.name in _ENUM_FIELDS:
            convert = _enum_or_none(_ENUM_FIELDS[f.name])
        elif f.name in ("tags", "aliases"):
            convert = _list_or_empty
        else:
            convert = None
        plan.append((f.name, _PROPERTY.get(f.name, f.name), convert))
    return plan


def _enum_or_none(enum):
    return lambda value: None if value is None else enum(value)


def _list_or_empty(value):
    return [] if value is None else value


def from_labelled(label: str, node: dict):
    """A node whose label is only known at run time (relations, search hits)."""
    return from_node(_TYPE_BY_LABEL[label], node)


async def _one(info: Info, relation: Relation, source_id: str):
    pairs = await catalog_loaders.related(info, relation).load(source_id)
    return from_labelled(*pairs[0]) if pairs else None


async def _many(info: Info, relation: Relation, source_id: str) -> list:
    return [from_labelled(label, node) for label, node in await catalog_loaders.related(info, relation).load(source_id)]


async def _by_key(info: Info, kind: Kind, *key):
    if any(part is None for part in key):
        return None
    return from_node(_TYPE_BY_LABEL[kind.label], await catalog_loaders.by_key(info, kind).load(tuple(key)))


# --- the assets ---------------------------------------------------------------------------------------


@strawberry.interface(description="What every registry record carries: identity and who changed it when.")
class Record:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID), assigned at first registration.")
    created_at: datetime = strawberry.field(
        description="When it was first registered; for a dataset version, when the snapshot was taken.")
    updated_at: datetime = strawberry.field(description="When it last changed (its registration time if never).")
    created_by: str | None = strawberry.field(
        description="The principal (token holder) that registered it; null when unknown.")
    updated_by: str | None = strawberry.field(description="The principal that last changed it; null when unknown.")


@strawberry.type(description="A team: owns assets and is who gets notified about them.")
class Team(Record):
    name: str = strawberry.field(description="Unique team name: 1–128 letters, digits, `.` `_` `-`.")
    description: str | None = strawberry.field(description="Free text, at most 10,000 characters; null when never given.")


@strawberry.interface(description="An asset with an owning team, tags and a description.")
class Owned(Record):
    description: str | None = strawberry.field(description="Free text, at most 10,000 characters; null when never given.")
    tags: list[str] = strawberry.field(description="Lower-case labels for search and filtering, at most 50; empty when none.")
    owner_name: str | None = strawberry.field(description="The owning team's name; null when no owner is recorded.")

    @strawberry.field(description="The owning team; null when no owner is recorded.")
    async def owner(self, info: Info) -> Team | None:
        return await _by_key(info, Kinds.TEAM.value, self.owner_name)


@strawberry.type(description="A named field of a dataset's schema.")
class SchemaField:
    name: str = strawberry.field(description="The column's name.")
    type: str = strawberry.field(description="The column's type as the source system spells it, e.g. `decimal(10,2)`.")


@strawberry.type(description="A data source or table, identified by (namespace, name) as in OpenLineage.")
class Dataset(Owned):
    namespace: str = strawberry.field(description="The source system: `s3://bucket`, `postgres://host:5432`.")
    name: str = strawberry.field(description="Its name within the namespace (table, path, topic); at most 500 characters.")
    license: str | None = strawberry.field(
        description="SPDX identifier of the data's license (or `proprietary`); null when unknown.")
    privacy: PrivacyClass | None = strawberry.field(description="How sensitive its content is; null when not classified.")
    schema_fields: strawberry.Private[str | None]

    @strawberry.field(description="The dataset's columns, as registered; empty when no schema was given.")
    def schema(self) -> list[SchemaField]:
        return [SchemaField(**item) for item in json.loads(self.schema_fields or "[]")]

    @strawberry.field(description="Its snapshots, newest first.")
    async def versions(self, info: Info) -> list[DatasetVersion]:
        return await _many(info, Relation.rel_dataset_versions, self.id)


@strawberry.interface(description="A version whose stored artifact `verifyArtifacts` reads and compares with its recorded "
                                  "digest (a model version's `artifactUri` / `artifactDigest`, a dataset version's "
                                  "`uri` / `digest`).")
class VerifiedArtifact:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID), assigned at first registration.")

    @strawberry.field(description="The last verification of its artifact against the recorded digest; null when never "
                                  "verified. DRIFT or MISSING here blocks the promotion and deployment gates.")
    async def last_verification(self, info: Info) -> ArtifactVerification | None:
        return await artifact_types.last(info, self.id)

    @strawberry.field(description="Its artifact's verifications, newest first.")
    async def verifications(self, info: Info, first: Annotated[int, strawberry.argument(
            description="How many: 1–50, default 10.")] = 10) -> list[ArtifactVerification]:
        return await artifact_types.history(info, self.id, first)


@strawberry.type(description="One immutable snapshot of a dataset; lineage is recorded per version.")
class DatasetVersion(Record, VerifiedArtifact):
    namespace: str = strawberry.field(description="The dataset's namespace (source system), e.g. `s3://raw`.")
    name: str = strawberry.field(description="The dataset's name within its namespace.")
    version: str = strawberry.field(description="The snapshot's version string, e.g. `2026-03-08`; unique per dataset.")
    digest: str | None = strawberry.field(
        description="`sha256:<hex>` of the snapshot's content; never changes once recorded; null when not recorded.")
    row_count: int | None = strawberry.field(description="Number of rows in the snapshot; null when not recorded.")
    description: str | None = strawberry.field(description="Free text, at most 10,000 characters; null when never given.")
    quarantined: bool | None = strawberry.field(
        description="True when quarantined after an incident (false when registered).")
    uri: str | None = strawberry.field(
        description="Where the snapshot's files are stored, an absolute URI such as `s3://raw/transactions/2026-03-08/` "
                    "(what `verifyArtifacts` reads); null when not recorded.")

    @strawberry.field(description="The dataset this is a snapshot of.")
    async def dataset(self, info: Info) -> Dataset | None:
        return await _by_key(info, Kinds.DATASET.value, self.namespace, self.name)

    @strawberry.field(description="The run that wrote this snapshot, if it was recorded.")
    async def produced_by(self, info: Info) -> Run | None:
        return await _one(info, Relation.rel_dataset_version_producers, self.id)


@strawberry.type(description="A reusable feature definition, derived from datasets.")
class Feature(Owned):
    group: str = strawberry.field(description="The feature group (feature view) it belongs to.")
    name: str = strawberry.field(description="Its name, unique within the group: 1–128 letters, digits, `.` `_` `-`.")
    dtype: str | None = strawberry.field(description="The data type of its values, e.g. `float64`; null when not given.")
    transformation: str | None = strawberry.field(
        description="How it is computed (SQL, code or prose), at most 10,000 characters; null when not given.")

    @strawberry.field(description="The datasets and dataset versions it is computed from.")
    async def derived_from(self, info: Info) -> list[Annotated[Dataset | DatasetVersion, strawberry.union(
            "FeatureSource", description="What a feature is computed from: a whole dataset or one dataset version.")]]:
        return await _many(info, Relation.rel_feature_sources, self.id)


@strawberry.type(description="A pipeline or training job; its executions are runs.")
class Job(Owned):
    namespace: str = strawberry.field(description="Where the job runs, e.g. `airflow`, `spark://cluster`.")
    name: str = strawberry.field(description="Its name within the namespace; at most 255 characters.")

    @strawberry.field(description="Its runs, newest first.")
    async def runs(self, info: Info) -> list[Run]:
        return await _many(info, Relation.rel_job_runs, self.id)


@strawberry.type(description="A run parameter (hyper-parameter, configuration value).")
class Parameter:
    name: str = strawberry.field(description="The parameter's name, e.g. `learning_rate`.")
    value: str = strawberry.field(description="Its value as text, at most 4,096 characters.")


LineageAsset = Annotated["DatasetVersion | Feature | ModelVersion", strawberry.union(
    "LineageAsset", description="Something a run can use or produce.")]


@strawberry.type(description="One execution of a job: code, parameters, what it used and produced.")
class Run(Record):
    run_id: str = strawberry.field(description="The run's own id (an OpenLineage runId, an MLflow run id).")
    job_namespace: str = strawberry.field(description="The namespace of the job this is a run of.")
    job_name: str = strawberry.field(description="The name of the job this is a run of.")
    state: RunState | None = strawberry.field(description="Its last reported state; null when never reported.")
    started_at: datetime | None = strawberry.field(description="When it started; null when not recorded.")
    ended_at: datetime | None = strawberry.field(description="When it ended; null when not recorded or still running.")
    code_repository: str | None = strawberry.field(
        description="URI of the code repository it ran from, e.g. `https://git.example.com/ml/fraud`; null when not recorded.")
    code_commit: str | None = strawberry.field(
        description="The git commit it ran (7–64 lower-case hex characters); null when not recorded.")
    parameters_json: strawberry.Private[str | None]

    @strawberry.field(description="Its parameters, sorted by name; empty when none were recorded.")
    def parameters(self) -> list[Parameter]:
        return [Parameter(name=k, value=v) for k, v in sorted(json.loads(self.parameters_json or "{}").items())]

    @strawberry.field(description="The job this is a run of.")
    async def job(self, info: Info) -> Job | None:
        return await _by_key(info, Kinds.JOB.value, self.job_namespace, self.job_name)

    @strawberry.field(description="What the run read (USED): dataset versions, features, model versions.")
    async def inputs(self, info: Info) -> list[LineageAsset]:
        return await _many(info, Relation.rel_run_inputs, self.id)

    @strawberry.field(description="What the run wrote (WAS_GENERATED_BY): dataset versions and model versions.")
    async def outputs(self, info: Info) -> list[LineageAsset]:
        return await _many(info, Relation.rel_run_outputs, self.id)


@strawberry.type(description="A registered model: the family its versions belong to.")
class Model(Owned):
    name: str = strawberry.field(description="Unique model name: 1–128 letters, digits, `.` `_` `-`.")
    risk_tier: RiskTier | None = strawberry.field(description="How much harm a wrong prediction can do; null when not assessed.")

    @strawberry.field(description="Its versions, newest first.")
    async def versions(self, info: Info) -> list[ModelVersion]:
        return await _many(info, Relation.rel_model_versions, self.id)


@strawberry.type(description="A stretch of time a model version spent in one stage.")
class StageSpan:
    stage: Stage = strawberry.field(description="The stage it was in.")
    since: datetime = strawberry.field(description="When it entered the stage.")
    until: datetime | None = strawberry.field(description="When it left the stage; null while it is still there.")
    by: str | None = strawberry.field(description="The principal that moved it there.")


@strawberry.type(description="A metric value measured on a model version with a given dataset version.")
class Evaluation(Record):
    metric: str = strawberry.field(description="The metric's name, e.g. `auc`, `f1`.")
    value: float = strawberry.field(description="The measured value (a finite number); the latest one recorded.")
    dataset_version_ref: strawberry.Private[dict | None]

    @strawberry.field(description="The dataset version the metric was measured on (MEASURED_ON).")
    async def dataset_version(self, info: Info) -> DatasetVersion | None:
        ref = self.dataset_version_ref or {}
        return await _by_key(info, Kinds.DATASET_VERSION.value, ref.get("namespace"), ref.get("name"), ref.get("version"))


@strawberry.type(description="One version of a model: artifact, metrics, stage and lineage.")
class ModelVersion(Record, VerifiedArtifact):
    model_name: str = strawberry.field(description="The name of the model this is a version of.")
    version: str = strawberry.field(description="The version string, e.g. `7`, `1.2.0`; unique per model.")
    artifact_uri: str | None = strawberry.field(
        description="Where the artifact is stored, an absolute URI such as `s3://models/fraud/7`; null when not recorded.")
    artifact_digest: str | None = strawberry.field(
        description="`sha256:<hex>` of the artifact; never changes once recorded; null when not recorded.")
    framework: str | None = strawberry.field(description="The framework it was built with, e.g. `pytorch`, `xgboost`.")
    license: str | None = strawberry.field(
        description="SPDX identifier of the model's license (or `proprietary`); null when unknown.")
    stage: Stage | None = strawberry.field(description="Where it stands in its life cycle (DEVELOPMENT when registered).")
    compliance_flags: list[str] | None = strawberry.field(
        description="Compliance markers, e.g. `gdpr-reviewed`: lower-case, at most 50; null when never set.")
    quarantined: bool | None = strawberry.field(
        description="True when quarantined after an incident (false when registered).")
    description: str | None = strawberry.field(description="Free text, at most 10,000 characters; null when never given.")
    tags: list[str] = strawberry.field(description="Lower-case labels for search and filtering, at most 50; empty when none.")
    aliases: list[str] = strawberry.field(
        description="Movable names it carries in its source system, e.g. MLflow's `champion`; empty when none.")

    @strawberry.field(description="The model this is a version of.")
    async def model(self, info: Info) -> Model | None:
        return await _by_key(info, Kinds.MODEL.value, self.model_name)

    @strawberry.field(description="The training run that produced it, if recorded.")
    async def produced_by(self, info: Info) -> Run | None:
        return await _one(info, Relation.rel_model_version_producers, self.id)

    @strawberry.field(description="The versions it was fine-tuned or distilled from (WAS_DERIVED_FROM).")
    async def derived_from(self, info: Info) -> list[ModelVersion]:
        return await _many(info, Relation.rel_model_version_parents, self.id)

    @strawberry.field(description="Its evaluation results: one per (metric, dataset version), by metric name.")
    async def metrics(self, info: Info) -> list[Evaluation]:
        pairs = await catalog_loaders.related(info, Relation.rel_model_version_evaluations).load(self.id)
        return [from_node(Evaluation, node) for _, node in pairs]

    @strawberry.field(description="The deployments serving it now (open SERVES edges), by environment and name.")
    async def deployments(self, info: Info) -> list[Deployment]:
        return await _many(info, Relation.rel_model_version_deployments, self.id)

    @strawberry.field(description="Every stage it has been in, oldest first: a stage change never overwrites history.")
    async def stage_history(self, info: Info) -> list[StageSpan]:
        spans = await catalog_loaders.related(info, Relation.rel_model_version_stages).load(self.id)
        return [from_node(StageSpan, span) for _, span in spans]

    health: monitoring_types.Health = strawberry.field(
        resolver=monitoring_types.health_of_record,
        description="Its health from the signals recorded against the version itself (drift, evaluation jobs), with "
                    "its newest signals; batched per request.")


@strawberry.type(description="A break-glass override of the deployment gate: an admin switched a deployment despite "
                             "unmet requirements, with a written reason.")
class BreakGlass:
    reason: str = strawberry.field(description="Why the gate was overridden, as the admin wrote it.")
    by: str = strawberry.field(description="The admin who overrode it.")
    overrode: list[str] = strawberry.field(
        description="Every requirement it overrode, as `KIND: message` (the kinds of `UnmetRequirement`).")


@strawberry.type(description="One span of what a deployment served: a switch never overwrites history.")
class ServingSpan:
    since: datetime = strawberry.field(description="When it started serving the version.")
    until: datetime | None = strawberry.field(description="When it stopped; null while it still serves it.")
    by: str | None = strawberry.field(description="The principal that recorded the switch.")
    rollback: bool = strawberry.field(description="True when the switch was a `rollbackDeployment`.")
    rollback_reason: str | None = strawberry.field(description="For a rollback: why, as the responder wrote it.")
    break_glass: BreakGlass | None = strawberry.field(
        description="The override of the deployment gate this switch was made with; null for a switch that met every "
                    "requirement.")
    model_version_node: strawberry.Private[dict]

    @strawberry.field(description="The version served.")
    def model_version(self) -> ModelVersion:
        return from_node(ModelVersion, self.model_version_node)


def _serving_span(node: dict) -> ServingSpan:
    glass = None
    if node["break_glass"]:
        glass = BreakGlass(reason=node["break_glass_reason"], by=node["break_glass_by"],
                           overrode=list(node["break_glass_overrode"]))
    return ServingSpan(since=stored_time(node["since"]), until=stored_time(node["until"]), by=node["by"],
                       rollback=node["rollback"], rollback_reason=node["rollback_reason"], break_glass=glass,
                       model_version_node=node["model_version"])


@strawberry.type(description="A model version serving in an environment.")
class Deployment(Record):
    environment: Environment = strawberry.field(description="Where it runs.")
    name: str = strawberry.field(description="Its name, unique within the environment, e.g. `fraud-api`.")
    endpoint: str | None = strawberry.field(
        description="The URI it serves on, e.g. `https://fraud.internal/v1`; null when not recorded.")
    status: DeploymentStatus | None = strawberry.field(description="Whether it takes traffic; null when not reported.")
    since: datetime | None = strawberry.field(
        description="When it started serving its current version; null when it never served one.")

    @strawberry.field(description="The model version it serves now; null when it serves none.")
    async def model_version(self, info: Info) -> ModelVersion | None:
        return await _one(info, Relation.rel_deployment_serving, self.id)

    @strawberry.field(description="Everything it has served, oldest first, with how each switch was made (rollbacks, "
                                  "break-glass overrides of the deployment gate).")
    async def serving_history(self, info: Info) -> list[ServingSpan]:
        spans = await catalog_loaders.related(info, Relation.rel_deployment_history).load(self.id)
        return [_serving_span(span) for _, span in spans]

    health: monitoring_types.Health = strawberry.field(
        resolver=monitoring_types.health_of_record,
        description="Its health from its signals (Alertmanager alerts, `recordHealthSignal`): the state and its newest "
                    "signals; batched per request, also in impact items and provenance.")


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

def connection(cls, nodes: list[dict], has_next_page: bool) -> Connection:
    edges = [Edge(node=from_node(cls, node), cursor=encode_cursor(node)) for node in nodes]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=has_next_page,
                                                      end_cursor=edges[-1].cursor if edges else None))


@strawberry.type(description="A search hit: the asset and how well it matched.")
class SearchHit:
    score: float = strawberry.field(description="Relevance from the full-text index; higher matches better.")
    node: CatalogNode = strawberry.field(description="The matching asset.")
