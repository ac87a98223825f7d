"""GraphQL input types of the catalog, and their conversion to the service's plain references."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog import service
from app.errors import InvalidInput
from app.catalog.types import DeploymentStatus, Environment, PrivacyClass, RiskTier, RunState, Stage


@strawberry.input(description="A dataset by natural key.")
class DatasetRefInput:
    namespace: str
    name: str

    def ref(self) -> service.DatasetRef:
        return service.DatasetRef(self.namespace, self.name)


@strawberry.input(description="A dataset version by natural key.")
class DatasetVersionRefInput:
    namespace: str
    name: str
    version: str

    def ref(self) -> service.DatasetVersionRef:
        return service.DatasetVersionRef(self.namespace, self.name, self.version)


@strawberry.input(description="A feature by natural key.")
class FeatureRefInput:
    group: str
    name: str

    def ref(self) -> service.FeatureRef:
        return service.FeatureRef(self.group, self.name)


@strawberry.input(description="A model version by natural key.")
class ModelVersionRefInput:
    model: str
    version: str

    def ref(self) -> service.ModelVersionRef:
        return service.ModelVersionRef(self.model, self.version)


def refs(items: list | None) -> list:
    return [item.ref() for item in items or []]


@strawberry.input(description="A field of a dataset's schema.")
class SchemaFieldInput:
    name: str
    type: str


@strawberry.input(description="A run parameter.")
class ParameterInput:
    name: str
    value: str


@strawberry.input(description="A metric measured on a dataset version.")
class MetricInput:
    name: str = strawberry.field(description="Metric name, e.g. `auc`, `f1`.")
    value: float = strawberry.field(description="A finite number.")
    dataset_version: DatasetVersionRefInput = strawberry.field(description="What it was measured on.")


@strawberry.input(description="Assets a run used or produced.")
class RunAssetsInput:
    dataset_versions: list[DatasetVersionRefInput] = strawberry.field(default_factory=list)
    features: list[FeatureRefInput] = strawberry.field(default_factory=list)
    model_versions: list[ModelVersionRefInput] = strawberry.field(default_factory=list)


def run_io(inputs: RunAssetsInput | None, outputs: RunAssetsInput | None) -> service.RunIO:
    inputs = inputs or RunAssetsInput()
    outputs = outputs or RunAssetsInput()
    if outputs.features:
        raise InvalidInput("A run produces dataset versions and model versions, not feature definitions.",
                                   field="outputs.features")
    return service.RunIO(
        used_dataset_versions=refs(inputs.dataset_versions),
        used_features=refs(inputs.features),
        used_model_versions=refs(inputs.model_versions),
        generated_dataset_versions=refs(outputs.dataset_versions),
        generated_model_versions=refs(outputs.model_versions),
    )


def parameters(items: list[ParameterInput] | None) -> dict[str, str] | None:
    if items is None:
        return None
    out: dict[str, str] = {}
    for item in items:
        if item.name in out:
            raise InvalidInput(f"parameters names {item.name!r} twice.", field="parameters")
        out[item.name] = item.value
    return out


def enum_value(value):
    return None if value is None else value.value


@strawberry.input(description="Register a team, or update its description.")
class RegisterTeamInput:
    name: str
    description: str | None = None


@strawberry.input(description="Register a dataset by (namespace, name), or update the fields given.")
class RegisterDatasetInput:
    namespace: str
    name: str
    owner: str | None = strawberry.field(default=None, description="The owning team's name; it must exist.")
    description: str | None = None
    tags: list[str] | None = None
    license: str | None = None
    privacy: PrivacyClass | None = None
    schema: list[SchemaFieldInput] | None = None


@strawberry.input(description="Register an immutable snapshot of a dataset.")
class RegisterDatasetVersionInput:
    namespace: str
    name: str
    version: str
    digest: str | None = strawberry.field(default=None, description="`sha256:<hex>`; fixed once recorded.")
    row_count: int | None = None
    created_at: datetime | None = strawberry.field(default=None, description="When the snapshot was taken (default: now).")
    description: str | None = None


@strawberry.input(description="Register a feature definition and what it is computed from.")
class RegisterFeatureInput:
    group: str
    name: str
    owner: str | None = None
    dtype: str | None = None
    transformation: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    derived_from_datasets: list[DatasetRefInput] | None = None
    derived_from_dataset_versions: list[DatasetVersionRefInput] | None = None


@strawberry.input(description="Register a pipeline or training job.")
class RegisterJobInput:
    namespace: str
    name: str
    owner: str | None = None
    description: str | None = None
    tags: list[str] | None = None


@strawberry.input(description="Register one execution of an existing job, with what it used and produced.")
class RegisterRunInput:
    run_id: str
    job_namespace: str
    job_name: str
    state: RunState | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    code_repository: str | None = None
    code_commit: str | None = None
    parameters: list[ParameterInput] | None = None
    inputs: RunAssetsInput | None = None
    outputs: RunAssetsInput | None = None


@strawberry.input(description="Register a model (the family of its versions).")
class RegisterModelInput:
    name: str
    owner: str | None = None
    description: str | None = None
    risk_tier: RiskTier | None = None
    tags: list[str] | None = None


@strawberry.input(description="Register a model version with its parents and metrics.")
class RegisterModelVersionInput:
    model: str
    version: str
    artifact_uri: str | None = None
    artifact_digest: str | None = strawberry.field(default=None, description="`sha256:<hex>`; fixed once recorded.")
    framework: str | None = None
    license: str | None = None
    stage: Stage | None = strawberry.field(default=None, description="Default DEVELOPMENT on first registration.")
    compliance_flags: list[str] | None = None
    description: str | None = None
    tags: list[str] | None = None
    derived_from: list[ModelVersionRefInput] | None = strawberry.field(
        default=None, description="Versions it was fine-tuned or distilled from.")
    metrics: list[MetricInput] | None = None

    def to_service(self) -> service.ModelVersionInput:
        return service.ModelVersionInput(
            model_name=self.model, version=self.version, artifact_uri=self.artifact_uri,
            artifact_digest=self.artifact_digest, framework=self.framework, license=self.license,
            stage=enum_value(self.stage), compliance_flags=self.compliance_flags, description=self.description,
            tags=self.tags, derived_from=refs(self.derived_from),
            metrics=[service.Metric(m.name, m.value, m.dataset_version.ref()) for m in self.metrics or []],
        )


@strawberry.input(description="Register a deployment; with `serving`, switch what it serves (history is kept).")
class RegisterDeploymentInput:
    environment: Environment
    name: str
    endpoint: str | None = None
    status: DeploymentStatus | None = None
    serving: ModelVersionRefInput | None = None


@strawberry.input(description="Add what an existing run used and produced.")
class RecordRunLineageInput:
    run_id: str
    inputs: RunAssetsInput | None = None
    outputs: RunAssetsInput | None = None


@strawberry.input(description="Record that a model version was fine-tuned or distilled from others.")
class RecordModelVersionParentsInput:
    model_version: ModelVersionRefInput
    parents: list[ModelVersionRefInput]


@strawberry.input(description="A whole training event at once: job, run, inputs and the model version produced.")
class RegisterTrainingEventInput:
    job_namespace: str
    job_name: str
    run_id: str
    model_version: RegisterModelVersionInput
    job_owner: str | None = None
    inputs: RunAssetsInput | None = None
    state: RunState | None = RunState.COMPLETE
    started_at: datetime | None = None
    ended_at: datetime | None = None
    code_repository: str | None = None
    code_commit: str | None = None
    parameters: list[ParameterInput] | None = None

    def to_service(self) -> service.TrainingEvent:
        return service.TrainingEvent(
            job_namespace=self.job_namespace, job_name=self.job_name, run_id=self.run_id,
            model_version=self.model_version.to_service(), inputs=run_io(self.inputs, None),
            state=enum_value(self.state), started_at=self.started_at, ended_at=self.ended_at,
            code_repository=self.code_repository, code_commit=self.code_commit,
            parameters=parameters(self.parameters), job_owner=self.job_owner,
        )
