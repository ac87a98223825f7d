"""GraphQL input types of the catalog, and their conversion to the service's plain references."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog import service
from app.core.errors import InvalidInput
from app.catalog.types import DeploymentStatus, Environment, PrivacyClass, RiskTier, RunState


@strawberry.input(description="A dataset by natural key.")
class DatasetRefInput:
    namespace: str = strawberry.field(description="The dataset's namespace (source system), e.g. `s3://raw`.")
    name: str = strawberry.field(description="The dataset's name within its namespace.")

    def ref(self) -> service.DatasetRef:
        return service.DatasetRef(self.namespace, self.name)


@strawberry.input(description="A dataset version by natural key.")
class DatasetVersionRefInput:
    namespace: str = strawberry.field(description="The dataset's namespace (source system), e.g. `s3://raw`.")
    name: str = strawberry.field(description="The dataset's name within its namespace.")
    version: str = strawberry.field(description="The snapshot's version string, e.g. `2026-03-08`.")

    def ref(self) -> service.DatasetVersionRef:
        return service.DatasetVersionRef(self.namespace, self.name, self.version)


@strawberry.input(description="A feature by natural key.")
class FeatureRefInput:
    group: str = strawberry.field(description="The feature group (feature view).")
    name: str = strawberry.field(description="The feature's name within the group.")

    def ref(self) -> service.FeatureRef:
        return service.FeatureRef(self.group, self.name)


@strawberry.input(description="A model version by natural key.")
class ModelVersionRefInput:
    model: str = strawberry.field(description="The model's name.")
    version: str = strawberry.field(description="The version string, e.g. `7`.")

    def ref(self) -> service.ModelVersionRef:
        return service.ModelVersionRef(self.model, self.version)


@strawberry.input(description="An admin's override of the deployment gate: the switch goes through despite unmet "
                              "requirements, audited as such and recorded on the SERVES edge.")
class BreakGlassInput:
    reason: str = strawberry.field(
        description="Why the gate is overridden, for the incident and compliance record: non-empty, at most 2,000 "
                    "characters.")


def break_glass_reason(value: BreakGlassInput | None) -> str | None:
    return value.reason if value is not None else None


def refs(items: list | None) -> list:
    return [item.ref() for item in items or []]


@strawberry.input(description="A field of a dataset's schema.")
class SchemaFieldInput:
    name: str = strawberry.field(description="The column's name, at most 255 characters; unique within the schema.")
    type: str = strawberry.field(description="The column's type as the source system spells it, at most 128 characters.")


@strawberry.input(description="A run parameter.")
class ParameterInput:
    name: str = strawberry.field(description="The parameter's name, at most 128 characters; unique within the run.")
    value: str = strawberry.field(description="Its value as text, at most 4,096 characters.")


@strawberry.input(description="A metric measured on a dataset version.")
class MetricInput:
    name: str = strawberry.field(description="Metric name, e.g. `auc`, `f1`: 1–128 letters, digits, `.` `_` `-`.")
    value: float = strawberry.field(description="A finite number (no NaN, no infinity).")
    dataset_version: DatasetVersionRefInput = strawberry.field(
        description="The existing dataset version it was measured on.")


@strawberry.input(description="Assets a run used or produced.")
class RunAssetsInput:
    dataset_versions: list[DatasetVersionRefInput] = strawberry.field(
        default_factory=list, description="Existing dataset versions, at most 500.")
    features: list[FeatureRefInput] = strawberry.field(
        default_factory=list, description="Existing features, at most 500 (inputs only: a run produces no features).")
    model_versions: list[ModelVersionRefInput] = strawberry.field(
        default_factory=list, description="Existing model versions, at most 500.")


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
    name: str = strawberry.field(
        description="Team name, the natural key: 1–128 letters, digits, `.` `_` `-`, starting with a letter or digit.")
    description: str | None = strawberry.field(
        default=None, description="Free text, at most 10,000 characters; left as it is when omitted.")


@strawberry.input(description="Register a dataset by (namespace, name), or update the fields given.")
class RegisterDatasetInput:
    namespace: str = strawberry.field(
        description="The source system: `scheme://authority…` (`s3://raw`) or a bare word (`airflow`); at most 255 characters.")
    name: str = strawberry.field(
        description="Its name within the namespace: no leading/trailing spaces or control characters; at most 500 characters.")
    owner: str | None = strawberry.field(default=None, description="The owning team's name; it must exist.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    tags: list[str] | None = strawberry.field(
        default=None, description="At most 50 tags of 1–64 lower-case letters, digits, `.` `_` `:` `-`; replace the recorded ones.")
    license: str | None = strawberry.field(
        default=None, description="SPDX identifier (`Apache-2.0`, `CC-BY-NC-4.0`) or `proprietary`.")
    privacy: PrivacyClass | None = strawberry.field(default=None, description="How sensitive its content is.")
    schema: list[SchemaFieldInput] | None = strawberry.field(
        default=None, description="Its columns, at most 500; replace the recorded schema.")


@strawberry.input(description="Register an immutable snapshot of a dataset.")
class RegisterDatasetVersionInput:
    namespace: str = strawberry.field(description="The namespace of an existing dataset, e.g. `s3://raw`.")
    name: str = strawberry.field(description="The name of that existing dataset.")
    version: str = strawberry.field(
        description="Version string: 1–128 letters, digits, `.` `_` `+` `:` `-`, starting with a letter or digit.")
    digest: str | None = strawberry.field(
        default=None, description="`sha256:<64 hex>` (bare hex accepted); fixed once recorded.")
    row_count: int | None = strawberry.field(default=None, description="Number of rows in the snapshot; not negative.")
    created_at: datetime | None = strawberry.field(
        default=None, description="When the snapshot was taken (default: now); fixed at first registration.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    uri: str | None = strawberry.field(
        default=None, description="Where the snapshot's files are stored (an absolute URI, at most 2,000 characters, "
                                  "e.g. `s3://raw/transactions/2026-03-08/`): what `verifyArtifacts` reads and compares "
                                  "with `digest`. May be changed (a snapshot moved); its digest may not.")


@strawberry.input(description="Register a feature definition and what it is computed from.")
class RegisterFeatureInput:
    group: str = strawberry.field(description="The feature group (feature view): 1–128 letters, digits, `.` `_` `-`.")
    name: str = strawberry.field(description="Its name within the group: 1–128 letters, digits, `.` `_` `-`.")
    owner: str | None = strawberry.field(default=None, description="The owning team's name; it must exist.")
    dtype: str | None = strawberry.field(
        default=None, description="The data type of its values, e.g. `float64`: 1–128 letters, digits, `.` `_` `-`.")
    transformation: str | None = strawberry.field(
        default=None, description="How it is computed (SQL, code or prose), at most 10,000 characters.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    tags: list[str] | None = strawberry.field(
        default=None, description="At most 50 tags of 1–64 lower-case letters, digits, `.` `_` `:` `-`; replace the recorded ones.")
    derived_from_datasets: list[DatasetRefInput] | None = strawberry.field(
        default=None, description="Existing datasets it is computed from, at most 500; added to the recorded links.")
    derived_from_dataset_versions: list[DatasetVersionRefInput] | None = strawberry.field(
        default=None, description="Existing dataset versions it is computed from, at most 500; added to the recorded links.")
    at: datetime | None = strawberry.field(
        default=None, description="Since when the feature is computed from these, for `asOf` answers about the past: default now; a time without a "
                                  "zone is UTC; never in the future (more than LINEAGEGRAPH_MAX_CLOCK_SKEW ahead is BAD_USER_INPUT). "
                                  "A link recorded again with an earlier time is dated back to it.")


@strawberry.input(description="Register a pipeline or training job.")
class RegisterJobInput:
    namespace: str = strawberry.field(
        description="Where the job runs: `scheme://authority…` or a bare word (`airflow`); at most 255 characters.")
    name: str = strawberry.field(
        description="Its name within the namespace: no leading/trailing spaces or control characters; at most 255 characters.")
    owner: str | None = strawberry.field(default=None, description="The owning team's name; it must exist.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    tags: list[str] | None = strawberry.field(
        default=None, description="At most 50 tags of 1–64 lower-case letters, digits, `.` `_` `:` `-`; replace the recorded ones.")


@strawberry.input(description="Register one execution of an existing job, with what it used and produced.")
class RegisterRunInput:
    run_id: str = strawberry.field(
        description="The run's own id (an OpenLineage runId, an MLflow run id), the natural key; at most 128 characters.")
    job_namespace: str = strawberry.field(description="The namespace of an existing job; a run never moves to another job.")
    job_name: str = strawberry.field(description="The name of that existing job.")
    state: RunState | None = strawberry.field(default=None, description="Its latest state.")
    started_at: datetime | None = strawberry.field(default=None, description="When it started.")
    ended_at: datetime | None = strawberry.field(default=None, description="When it ended; not before `startedAt`.")
    code_repository: str | None = strawberry.field(
        default=None, description="Absolute URI of the code repository it ran from, at most 2,000 characters.")
    code_commit: str | None = strawberry.field(
        default=None, description="The git commit it ran: 7–64 hex characters (stored lower-case).")
    parameters: list[ParameterInput] | None = strawberry.field(
        default=None, description="Its parameters, at most 200, names unique; replace the recorded ones.")
    inputs: RunAssetsInput | None = strawberry.field(
        default=None, description="What it read (USED); added to the recorded links.")
    outputs: RunAssetsInput | None = strawberry.field(
        default=None, description="What it wrote (dataset and model versions); added to the recorded links.")


@strawberry.input(description="Register a model (the family of its versions).")
class RegisterModelInput:
    name: str = strawberry.field(
        description="Model name, the natural key: 1–128 letters, digits, `.` `_` `-`, starting with a letter or digit.")
    owner: str | None = strawberry.field(default=None, description="The owning team's name; it must exist.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    risk_tier: RiskTier | None = strawberry.field(default=None, description="How much harm a wrong prediction can do.")
    tags: list[str] | None = strawberry.field(
        default=None, description="At most 50 tags of 1–64 lower-case letters, digits, `.` `_` `:` `-`; replace the recorded ones.")


@strawberry.input(description="Register a model version with its parents and metrics.")
class RegisterModelVersionInput:
    model: str = strawberry.field(description="The name of an existing model.")
    version: str = strawberry.field(
        description="Version string: 1–128 letters, digits, `.` `_` `+` `:` `-`, starting with a letter or digit.")
    artifact_uri: str | None = strawberry.field(
        default=None, description="Where the artifact is stored: an absolute URI (`s3://models/fraud/7`), at most 2,000 characters.")
    artifact_digest: str | None = strawberry.field(
        default=None, description="`sha256:<64 hex>` (bare hex accepted); fixed once recorded.")
    framework: str | None = strawberry.field(
        default=None, description="The framework it was built with, e.g. `pytorch`: 1–128 letters, digits, `.` `_` `-`.")
    license: str | None = strawberry.field(
        default=None, description="SPDX identifier (`Apache-2.0`, `CC-BY-NC-4.0`) or `proprietary`.")
    compliance_flags: list[str] | None = strawberry.field(
        default=None, description="Compliance markers, e.g. `gdpr-reviewed`: at most 50 of 1–64 lower-case letters, digits, "
                                  "`.` `_` `:` `-`; replace the recorded ones.")
    description: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")
    tags: list[str] | None = strawberry.field(
        default=None, description="At most 50 tags of 1–64 lower-case letters, digits, `.` `_` `:` `-`; replace the recorded ones.")
    derived_from: list[ModelVersionRefInput] | None = strawberry.field(
        default=None, description="Existing versions it was fine-tuned or distilled from, at most 500; added to the recorded links.")
    metrics: list[MetricInput] | None = strawberry.field(
        default=None, description="Evaluation results, at most 200, one per (metric, dataset version); a re-sent one updates its value.")

    def to_service(self) -> service.ModelVersionInput:
        return service.ModelVersionInput(
            model_name=self.model, version=self.version, artifact_uri=self.artifact_uri,
            artifact_digest=self.artifact_digest, framework=self.framework, license=self.license,
            compliance_flags=self.compliance_flags, description=self.description,
            tags=self.tags, derived_from=refs(self.derived_from),
            metrics=[service.Metric(m.name, m.value, m.dataset_version.ref()) for m in self.metrics or []],
        )


@strawberry.input(description="Register a deployment; with `serving`, switch what it serves (history is kept).")
class RegisterDeploymentInput:
    environment: Environment = strawberry.field(description="Where it runs; with `name`, the natural key.")
    name: str = strawberry.field(description="Its name within the environment: 1–128 letters, digits, `.` `_` `-`.")
    endpoint: str | None = strawberry.field(
        default=None, description="Absolute URI it serves on, at most 2,000 characters.")
    status: DeploymentStatus | None = strawberry.field(default=None, description="Whether it takes traffic.")
    serving: ModelVersionRefInput | None = strawberry.field(
        default=None, description="The existing model version it serves from now on; the previous one is kept as "
                                  "history. The switch must meet the policy's requirements for the environment.")
    at: datetime | None = strawberry.field(
        default=None, description="With `serving`: when the switch happened, for a switch recorded late (default now; "
                                  "never in the future beyond the clock skew; a zone-less time is UTC). A switch older "
                                  "than the current one is a CONFLICT.")
    break_glass: BreakGlassInput | None = strawberry.field(
        default=None, description="Admins only: switch despite unmet requirements, with a written reason.")


@strawberry.input(description="Add what an existing run used and produced.")
class RecordRunLineageInput:
    run_id: str = strawberry.field(description="The run id of an existing run.")
    inputs: RunAssetsInput | None = strawberry.field(
        default=None, description="What it read (USED); added to the recorded links.")
    outputs: RunAssetsInput | None = strawberry.field(
        default=None, description="What it wrote (dataset and model versions); added to the recorded links.")
    at: datetime | None = strawberry.field(
        default=None, description="When the run read and wrote these, for `asOf` answers about the past: default now; a time without a "
                                  "zone is UTC; never in the future (more than LINEAGEGRAPH_MAX_CLOCK_SKEW ahead is BAD_USER_INPUT). "
                                  "A link recorded again with an earlier time is dated back to it.")


@strawberry.input(description="Record that a model version was fine-tuned or distilled from others.")
class RecordModelVersionParentsInput:
    model_version: ModelVersionRefInput = strawberry.field(description="The existing derived (child) version.")
    parents: list[ModelVersionRefInput] = strawberry.field(
        description="Existing versions it was fine-tuned or distilled from, at most 500, not itself; added to the recorded links.")
    at: datetime | None = strawberry.field(
        default=None, description="When the version was derived from these parents, for `asOf` answers about the past: default now; a time without a "
                                  "zone is UTC; never in the future (more than LINEAGEGRAPH_MAX_CLOCK_SKEW ahead is BAD_USER_INPUT). "
                                  "A link recorded again with an earlier time is dated back to it.")


@strawberry.input(description="A whole training event at once: job, run, inputs and the model version produced.")
class RegisterTrainingEventInput:
    job_namespace: str = strawberry.field(
        description="The job's namespace (`scheme://authority…` or a bare word); the job is registered when new.")
    job_name: str = strawberry.field(description="The job's name within the namespace; at most 255 characters.")
    run_id: str = strawberry.field(description="The run's own id (an OpenLineage runId, an MLflow run id); at most 128 characters.")
    model_version: RegisterModelVersionInput = strawberry.field(
        description="The model version the run produced; its model must exist.")
    job_owner: str | None = strawberry.field(default=None, description="The job's owning team; it must exist.")
    inputs: RunAssetsInput | None = strawberry.field(
        default=None, description="What the run read (USED); added to the recorded links.")
    state: RunState | None = strawberry.field(default=RunState.COMPLETE, description="The run's state; COMPLETE by default.")
    started_at: datetime | None = strawberry.field(default=None, description="When the run started.")
    ended_at: datetime | None = strawberry.field(default=None, description="When the run ended; not before `startedAt`.")
    code_repository: str | None = strawberry.field(
        default=None, description="Absolute URI of the code repository it ran from, at most 2,000 characters.")
    code_commit: str | None = strawberry.field(
        default=None, description="The git commit it ran: 7–64 hex characters (stored lower-case).")
    parameters: list[ParameterInput] | None = strawberry.field(
        default=None, description="The run's parameters, at most 200, names unique; replace the recorded ones.")

    def to_service(self) -> service.TrainingEvent:
        return service.TrainingEvent(
            job_namespace=self.job_namespace, job_name=self.job_name, run_id=self.run_id,
            model_version=self.model_version.to_service(), inputs=run_io(self.inputs, None),
            state=enum_value(self.state), started_at=self.started_at, ended_at=self.ended_at,
            code_repository=self.code_repository, code_commit=self.code_commit,
            parameters=parameters(self.parameters), job_owner=self.job_owner,
        )
