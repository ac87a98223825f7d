"""Catalog mutations: thin resolvers that hand plain values to the service and present its answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar

import strawberry

from app.catalog import service
from app.catalog.inputs import (
    RecordModelVersionParentsInput,
    RecordRunLineageInput,
    RegisterDatasetInput,
    RegisterDatasetVersionInput,
    RegisterDeploymentInput,
    RegisterFeatureInput,
    RegisterJobInput,
    RegisterModelInput,
    RegisterModelVersionInput,
    RegisterRunInput,
    RegisterTeamInput,
    RegisterTrainingEventInput,
    break_glass_reason,
    enum_value,
    parameters,
    refs,
    run_io,
)
from app.catalog.types import Dataset, DatasetVersion, Deployment, Feature, Job, Model, ModelVersion, Run, Team, from_node
from app.auth.permissions import requires
from app.core.access import Permission
from app.core.context import Info
from app.governance.deployment import Refusal
from app.governance.types import DeploymentRefused, deployment_refused
from app.core.results import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, answer

T = TypeVar("T")


@strawberry.type(description="A registration's answer: the record as stored, and what this call did.")
class Registration(Generic[T]):
    node: T = strawberry.field(description="The record as stored after this call.")
    created: bool = strawberry.field(description="True when this call created the record.")
    changed: bool = strawberry.field(description="True when this call changed a field of an existing record.")


def _result(name: str, cls):
    kind = cls.__name__
    return Annotated[Registration[cls] | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
                     strawberry.union(name, description=f"What a mutation on a {kind} answers: the `{kind}Registration`, "
                                                        "or the error that stopped it (then nothing was written).")]


RegisterTeamResult = _result("RegisterTeamResult", Team)
RegisterDatasetResult = _result("RegisterDatasetResult", Dataset)
RegisterDatasetVersionResult = _result("RegisterDatasetVersionResult", DatasetVersion)
RegisterFeatureResult = _result("RegisterFeatureResult", Feature)
RegisterJobResult = _result("RegisterJobResult", Job)
RegisterRunResult = _result("RegisterRunResult", Run)
RegisterModelResult = _result("RegisterModelResult", Model)
RegisterModelVersionResult = _result("RegisterModelVersionResult", ModelVersion)
RegisterDeploymentResult = Annotated[
    Registration[Deployment] | DeploymentRefused | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("RegisterDeploymentResult", description="What `registerDeployment` answers: the "
                     "`DeploymentRegistration`, `DeploymentRefused` listing every requirement of the environment the "
                     "switch leaves unmet, or the error that stopped it (then nothing was written but, for a refusal, "
                     "its audit event)."),
]


@strawberry.type(description="A whole training event, registered atomically.")
class TrainingEventRegistered:
    job: Job = strawberry.field(description="The job, as stored after this call.")
    run: Run = strawberry.field(description="The run, as stored after this call.")
    model_version: ModelVersion = strawberry.field(description="The model version the run produced, as stored after this call.")
    created: bool = strawberry.field(description="True when the model version was created by this call.")


RegisterTrainingEventResult = Annotated[
    TrainingEventRegistered | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("RegisterTrainingEventResult", description="What `registerTrainingEvent` answers: the event "
                     "as registered, or the error that stopped it (then nothing was written)."),
]


def _registered(cls) -> Callable[[service.Registered], Registration]:
    return lambda r: Registration(node=from_node(cls, r.node), created=r.created, changed=r.changed)



async def _register(cls, use_case: Callable[[], Awaitable[service.Registered]]):
    async def work():
        return await use_case()

    return await answer(work(), _registered(cls))


@strawberry.type(description="Catalog changes: idempotent registrations on natural keys, and links between records.")
class CatalogMutation:
    @strawberry.mutation(description="Register a team, or update its description. Idempotent on the name. Admins only: teams scope "
                                     "every other write.", extensions=requires(Permission.MANAGE_ACCESS))
    async def register_team(
        self, info: Info,
        input: Annotated[RegisterTeamInput, strawberry.argument(description="The team to register.")],
    ) -> RegisterTeamResult:
        return await _register(Team, lambda: service.register_team(
            info.context.db, info.context.actor(), name=input.name, description=input.description))

    @strawberry.mutation(description="Register a dataset by (namespace, name), or update the fields given.",
                         extensions=requires(Permission.REGISTER))
    async def register_dataset(
        self, info: Info,
        input: Annotated[RegisterDatasetInput, strawberry.argument(description="The dataset to register; fields left out stay as they are.")],
    ) -> RegisterDatasetResult:
        return await _register(Dataset, lambda: service.register_dataset(
            info.context.db, info.context.actor(), namespace=input.namespace, name=input.name, owner=input.owner,
            description=input.description, tags=input.tags, license=input.license,
            privacy=enum_value(input.privacy),
            schema=None if input.schema is None else [service.SchemaField(f.name, f.type) for f in input.schema]))

    @strawberry.mutation(description="Register an immutable dataset snapshot; a different digest for it is a CONFLICT.",
                         extensions=requires(Permission.REGISTER))
    async def register_dataset_version(
        self, info: Info,
        input: Annotated[RegisterDatasetVersionInput, strawberry.argument(description="The snapshot to register, of an existing dataset.")],
    ) -> RegisterDatasetVersionResult:
        return await _register(DatasetVersion, lambda: service.register_dataset_version(
            info.context.db, info.context.actor(), namespace=input.namespace, name=input.name, version=input.version,
            digest=input.digest, row_count=input.row_count, created_at=input.created_at,
            description=input.description, uri=input.uri))

    @strawberry.mutation(description="Register a feature definition and the datasets it is derived from.",
                         extensions=requires(Permission.REGISTER))
    async def register_feature(
        self, info: Info,
        input: Annotated[RegisterFeatureInput, strawberry.argument(description="The feature to register; fields left out stay as they are.")],
    ) -> RegisterFeatureResult:
        return await _register(Feature, lambda: service.register_feature(
            info.context.db, info.context.actor(), group=input.group, name=input.name, owner=input.owner,
            dtype=input.dtype, transformation=input.transformation, description=input.description,
            tags=input.tags, derived_from_datasets=refs(input.derived_from_datasets),
            derived_from_dataset_versions=refs(input.derived_from_dataset_versions), at=input.at))

    @strawberry.mutation(description="Register a pipeline or training job by (namespace, name).",
                         extensions=requires(Permission.REGISTER))
    async def register_job(
        self, info: Info,
        input: Annotated[RegisterJobInput, strawberry.argument(description="The job to register; fields left out stay as they are.")],
    ) -> RegisterJobResult:
        return await _register(Job, lambda: service.register_job(
            info.context.db, info.context.actor(), namespace=input.namespace, name=input.name, owner=input.owner,
            description=input.description, tags=input.tags))

    @strawberry.mutation(description="Register a run of an existing job with what it used and produced.",
                         extensions=requires(Permission.REGISTER))
    async def register_run(
        self, info: Info,
        input: Annotated[RegisterRunInput, strawberry.argument(description="The run to register, of an existing job.")],
    ) -> RegisterRunResult:
        return await _register(Run, lambda: service.register_run(
            info.context.db, info.context.actor(), run_id=input.run_id, job_namespace=input.job_namespace,
            job_name=input.job_name, state=enum_value(input.state), started_at=input.started_at,
            ended_at=input.ended_at, code_repository=input.code_repository, code_commit=input.code_commit,
            parameters=parameters(input.parameters), io=run_io(input.inputs, input.outputs)))

    @strawberry.mutation(description="Register a model by name, or update the fields given.",
                         extensions=requires(Permission.REGISTER))
    async def register_model(
        self, info: Info,
        input: Annotated[RegisterModelInput, strawberry.argument(description="The model to register; fields left out stay as they are.")],
    ) -> RegisterModelResult:
        return await _register(Model, lambda: service.register_model(
            info.context.db, info.context.actor(), name=input.name, owner=input.owner, description=input.description,
            risk_tier=enum_value(input.risk_tier), tags=input.tags))

    @strawberry.mutation(description="Register a model version; a different artifact digest for it is a CONFLICT.",
                         extensions=requires(Permission.REGISTER))
    async def register_model_version(
        self, info: Info,
        input: Annotated[RegisterModelVersionInput, strawberry.argument(description="The model version to register, of an existing model.")],
    ) -> RegisterModelVersionResult:
        return await _register(ModelVersion, lambda: service.register_model_version(
            info.context.db, info.context.actor(), input.to_service()))

    @strawberry.mutation(description="Register a deployment and, with `serving`, what it serves from now on. The switch "
                                     "is evaluated against the policy's requirements for the environment; when any is "
                                     "unmet, `DeploymentRefused` lists them all and nothing changes.",
                         extensions=requires(Permission.DEPLOY))
    async def register_deployment(
        self, info: Info,
        input: Annotated[RegisterDeploymentInput, strawberry.argument(description="The deployment to register, and optionally what it serves.")],
    ) -> RegisterDeploymentResult:
        ctx = info.context

        def present(result):
            if isinstance(result, Refusal):
                return deployment_refused(result)
            return _registered(Deployment)(result)

        return await answer(service.register_deployment(
            ctx.db, info.context.actor(), policies=ctx.policies, environment=input.environment.value, name=input.name,
            endpoint=input.endpoint, status=enum_value(input.status),
            serving=input.serving.ref() if input.serving else None, at=input.at,
            break_glass_reason=break_glass_reason(input.break_glass)), present)

    @strawberry.mutation(description="Add what an existing run used and produced.",
                         extensions=requires(Permission.REGISTER))
    async def record_run_lineage(
        self, info: Info,
        input: Annotated[RecordRunLineageInput, strawberry.argument(description="The existing run and the links to add.")],
    ) -> RegisterRunResult:
        return await _register(Run, lambda: service.record_lineage(
            info.context.db, info.context.actor(), run_id=input.run_id, io=run_io(input.inputs, input.outputs), at=input.at))

    @strawberry.mutation(description="Record that a model version was fine-tuned or distilled from others.",
                         extensions=requires(Permission.REGISTER))
    async def record_model_version_parents(
        self, info: Info,
        input: Annotated[RecordModelVersionParentsInput, strawberry.argument(description="The existing version and the parents to add.")],
    ) -> RegisterModelVersionResult:
        return await _register(ModelVersion, lambda: service.record_model_version_parents(
            info.context.db, info.context.actor(), child=input.model_version.ref(), parents=refs(input.parents), at=input.at))

    @strawberry.mutation(description="Register a training job's run, inputs and produced model version atomically.",
                         extensions=requires(Permission.REGISTER))
    async def register_training_event(
        self, info: Info,
        input: Annotated[RegisterTrainingEventInput, strawberry.argument(description="The job, run, inputs and produced model version.")],
    ) -> RegisterTrainingEventResult:
        async def work():
            return await service.register_training_event(info.context.db, info.context.actor(), input.to_service())

        return await answer(work(), lambda r: TrainingEventRegistered(
            job=from_node(Job, r["job"].node), run=from_node(Run, r["run"].node),
            model_version=from_node(ModelVersion, r["model_version"].node), created=r["model_version"].created))
