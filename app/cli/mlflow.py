"""An MLflow tracking store, as OpenLineage RunEvents for the registry's `POST /api/v1/lineage`.

Three steps, each usable without the next:

1. `read_store(client)` reads the store through MLflow's own client (tracking and model
   registry): experiments, active runs with their dataset inputs, registered models with
   their versions and aliases, and each version's artifact location and flavor (its MLmodel
   file). It is the only step that talks to MLflow.
2. `plan_events(snapshot, report)` is pure: MLflow entities in, `openlineage-python` event
   objects out, each paired with the MLflow entity it describes (for error messages).
3. `send_events(planned, make_client)` sends them to `POST /api/v1/lineage` with the CLI's
   registry client (app/cli/client.py), whose failures and exit statuses every remote command
   shares.

The mapping, one MLflow run at a time:

- experiment → job `(namespace "mlflow", name = experiment name)`; run → run, its runId the
  MLflow run id read as a UUID (32 hex digits are one). A START event at the run's start time,
  and at its end time the terminal one (FINISHED → COMPLETE, FAILED → FAIL, KILLED → ABORT);
  a run still going gets a RUNNING event instead. Only times from the store are used, so a
  second import sends the very same events.
- params → the `lineagegraph_parameters` run facet; tags `mlflow.source.git.commit` /
  `…repoURL` / `…branch` → the `sourceCodeLocation` facet (on the run, and on the job).
- dataset inputs (`mlflow.log_input`) → input datasets: namespace and name from the dataset's
  source (`s3://bucket` + key, `file` + path, else `mlflow` + the dataset's name), the MLflow
  digest as the `version` facet (one snapshot per digest), MLflow column specs as `schema`.
- each registered model version whose source run is this run → an output carrying the
  `lineagegraph_modelVersion` facet: model name, version, framework (MLmodel flavor),
  artifact URI, description, tags, aliases, and the run's metrics measured on its evaluation
  dataset input (context eval/validation/test…, else its first input).

What does not fit the registry's rules is left out and counted in the `ImportReport`, never
sent to be refused: non-finite metric values, metrics of a run without dataset inputs,
tags and aliases that are not registry tags, parameters beyond the registry's bounds.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attr
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    RunFacet,
    dataset_version_dataset,
    documentation_job,
    schema_dataset,
    source_code_location_job,
)

from openlineage.client.serde import Serde

from app.cli.client import NoLineageEndpoint, RegistryClient, RegistryDenied, RegistryRefused
from app.core import validation as v
from app.core.errors import InvalidInput
from app.core.vocabulary import FACETS_SCHEMA_URL, MODEL_VERSION_FACET, PARAMETERS_FACET

PRODUCER = "https://github.com/lineagegraph/lineagegraph/tree/main/app/cli/mlflow.py"

JOB_NAMESPACE = "mlflow"
MODEL_NAMESPACE = "mlflow-models"
DATASET_NAMESPACE = "mlflow"  # datasets whose source names no location

# `mlflow.data.context` values that mean "measured on", in order of preference.
EVALUATION_CONTEXTS = ("eval", "evaluation", "validation", "valid", "val", "test", "testing", "holdout")
MAX_METRICS = 200  # the facet schema's bound

INSTALL_HINT = "pip install 'lineagegraph[mlflow]'"

_TERMINAL = {"FINISHED": RunState.COMPLETE, "FAILED": RunState.FAIL, "KILLED": RunState.ABORT}
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9._-]+")
_SCP_GIT_URL = re.compile(r"^(?P<user>[\w.-]+)@(?P<host>[\w.-]+):(?P<path>[^/].*)$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class MlflowMissing(RuntimeError):
    """The mlflow package is not installed."""


def require_mlflow():
    """The `mlflow` module, imported on first use (it is an optional dependency)."""
    try:
        import mlflow
    except ImportError as exc:
        raise MlflowMissing(f"The MLflow importer needs the mlflow package: {INSTALL_HINT}") from exc
    return mlflow


# --- the registry's custom facets (app/openlineage/schemas/lineagegraph-facets-1-0-0.json) --------

@attr.define
class ParametersRunFacet(RunFacet):
    """`lineagegraph_parameters`: the run's parameters as string pairs."""

    parameters: dict[str, str] = attr.field(factory=dict)

    @staticmethod
    def _get_schema() -> str:
        return f"{FACETS_SCHEMA_URL}#/$defs/RunParametersRunFacet"


@attr.define
class ModelVersionDatasetFacet(DatasetFacet):
    """`lineagegraph_modelVersion`: this output is a version of a registered model."""

    modelName: str  # noqa: N815 (the facet's JSON field names)
    version: str
    framework: str | None = attr.field(default=None)
    artifactUri: str | None = attr.field(default=None)  # noqa: N815
    description: str | None = attr.field(default=None)
    tags: list[str] | None = attr.field(default=None)
    aliases: list[str] | None = attr.field(default=None)
    metrics: list[dict[str, Any]] | None = attr.field(default=None)

    @staticmethod
    def _get_schema() -> str:
        return f"{FACETS_SCHEMA_URL}#/$defs/ModelVersionDatasetFacet"


# --- what is read, what is left out -----------------------------------------------------------------

@dataclass(frozen=True)
class RegisteredVersion:
    """One MLflow model version with what the registry keeps of it, resolved from the store."""

    model_name: str  # as MLflow spells it
    version: str
    run_id: str | None
    description: str | None
    tags: dict[str, str]
    aliases: tuple[str, ...]
    artifact_uri: str | None
    framework: str | None

    @property
    def label(self) -> str:
        return f"model version {self.model_name!r} v{self.version}"


@dataclass
class StoreSnapshot:
    """What `read_store` found: experiments, their active runs, registered model versions."""

    experiments: list[Any] = field(default_factory=list)  # mlflow.entities.Experiment
    runs: dict[str, list[Any]] = field(default_factory=dict)  # experiment id → mlflow.entities.Run
    versions: list[RegisteredVersion] = field(default_factory=list)
    registered_models: int = 0

    def versions_by_run(self) -> dict[str, list[RegisteredVersion]]:
        by_run: dict[str, list[RegisteredVersion]] = {}
        for version in self.versions:
            if version.run_id:
                by_run.setdefault(version.run_id, []).append(version)
        return by_run


@dataclass
class ImportReport:
    """Counts of what was converted and of what was left out, with the first few examples of each."""

    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def skip(self, what: str, example: str, n: int = 1) -> None:
        self.skipped[what] += n
        shown = self.examples.setdefault(what, [])
        if len(shown) < 3:
            shown.append(example)

    def error(self, message: str) -> None:
        self.errors.append(message)


@dataclass(frozen=True)
class PlannedEvent:
    """One event to send and the MLflow entity it describes (named in errors)."""

    event: RunEvent
    entity: str


# --- reading the store -------------------------------------------------------------------------------

def open_client(tracking_uri: str, registry_uri: str | None = None):
    """An `MlflowClient` on an existing store. MLflow would create an empty SQLite database or
    file store at a mistyped path; this refuses a path that does not exist instead."""
    mlflow = require_mlflow()
    _check_store_exists(tracking_uri)
    if registry_uri:
        _check_store_exists(registry_uri)
    return mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=registry_uri or tracking_uri)


def _check_store_exists(uri: str) -> None:
    path = None
    if uri.startswith("sqlite:///"):
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy reads them
        path = unquote(uri[len("sqlite:///"):].split("?", 1)[0])
    elif uri.startswith("file://"):
        path = unquote(urlsplit(uri).path)
    elif "://" not in uri:
        path = uri
    if path is not None and path != ":memory:" and not Path(path).exists():
        raise FileNotFoundError(f"No MLflow store at {uri}: {path} does not exist.")


def _pages(search: Callable[..., Any], **kwargs) -> Iterator[Any]:
    token = None
    while True:
        page = search(page_token=token, **kwargs)
        yield from page
        token = getattr(page, "token", None)
        if not token:
            return


def _no_bar(items, label: str):
    return contextlib.nullcontext(items)


def read_store(client, *, experiment_names: Iterable[str] = (), report: ImportReport | None = None,
               progress: Callable[[list, str], Any] = _no_bar, read_framework: bool = True) -> StoreSnapshot:
    """Read experiments (all active ones, or those named), their active runs, and every registered
    model version with its aliases, artifact location and flavor. `progress(items, label)` is a
    context manager yielding `items` (click.progressbar fits)."""
    from mlflow.entities import ViewType

    report = report if report is not None else ImportReport()
    snapshot = StoreSnapshot()
    wanted = set(experiment_names)
    experiments = list(_pages(client.search_experiments, view_type=ViewType.ACTIVE_ONLY))
    if wanted:
        missing = wanted - {experiment.name for experiment in experiments}
        if missing:
            raise LookupError(f"No active MLflow experiment named {', '.join(sorted(map(repr, missing)))}.")
        experiments = [experiment for experiment in experiments if experiment.name in wanted]
    snapshot.experiments = sorted(experiments, key=lambda e: e.experiment_id)
    with progress(snapshot.experiments, "Reading runs") as experiments_bar:
        for experiment in experiments_bar:
            runs = _pages(client.search_runs, experiment_ids=[experiment.experiment_id],
                          run_view_type=ViewType.ACTIVE_ONLY, max_results=1000)
            snapshot.runs[experiment.experiment_id] = sorted(runs, key=lambda r: r.info.run_id)

    models = list(_pages(client.search_registered_models, max_results=100))
    snapshot.registered_models = len(models)
    aliases: dict[tuple[str, str], list[str]] = {}
    for model in models:
        for alias, version in (model.aliases or {}).items():
            aliases.setdefault((model.name, str(version)), []).append(alias)
    versions = sorted(_pages(client.search_model_versions, max_results=10000),
                      key=lambda mv: (mv.name, _version_order(str(mv.version))))
    with progress(versions, "Reading model versions") as versions_bar:
        for mv in versions_bar:
            version = str(mv.version)
            location = _artifact_location(client, mv)
            framework = _framework(location, report, f"{mv.name} v{version}") if read_framework else None
            snapshot.versions.append(RegisteredVersion(
                model_name=mv.name, version=version, run_id=mv.run_id or None,
                description=mv.description or None, tags=dict(mv.tags or {}),
                aliases=tuple(sorted(aliases.get((mv.name, version), ()))),
                artifact_uri=location, framework=framework))
    return snapshot


def _version_order(version: str) -> tuple:
    return (0, int(version), "") if version.isdigit() else (1, 0, version)


def _artifact_location(client, mv) -> str | None:
    """Where the version's files really are (`models:/m-…` and `runs:/…` sources resolved)."""
    try:
        location = client.get_model_version_download_uri(mv.name, str(mv.version))
    except Exception:  # an unresolvable source: keep what MLflow recorded
        location = mv.source
    return artifact_uri(location)


def artifact_uri(location: str | None) -> str | None:
    """An absolute `scheme://…` URI for an artifact location, or None. Local paths become
    `file://` URIs; MLflow's `dbfs:/path` form gets its empty authority (`dbfs:///path`)."""
    if not location:
        return None
    if location.startswith("/"):
        location = Path(location).as_uri()
    if re.match(r"^(models|runs):", location):  # MLflow's own references, not a storage location
        return None
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):/(?!/)", location)
    if match:
        location = f"{match.group(1)}:///{location[len(match.group(0)):]}"
    return location if v.URI.fullmatch(location) else None


def _framework(location: str | None, report: ImportReport, label: str) -> str | None:
    """The model's flavor from its MLmodel file: the first flavor that is not the generic
    `python_function` one, or `pyfunc` for a plain Python model."""
    if not location:
        return None
    from mlflow.artifacts import download_artifacts

    try:
        with tempfile.TemporaryDirectory(prefix="lineagegraph-mlmodel-") as tmp:
            path = download_artifacts(artifact_uri=f"{location.rstrip('/')}/MLmodel", dst_path=tmp)
            return framework_of(Path(path).read_text(encoding="utf-8"))
    except Exception as exc:
        report.skip("frameworks not read (MLmodel unreadable)", f"{label}: {type(exc).__name__}: {exc}"[:300])
        return None


def framework_of(mlmodel_text: str) -> str | None:
    import yaml

    flavors = (yaml.safe_load(mlmodel_text) or {}).get("flavors") or {}
    names = [name for name in flavors if name != "python_function"]
    if not names:
        return "pyfunc" if "python_function" in flavors else None
    return names[0] if v.IDENTIFIER.fullmatch(names[0]) else None


# --- MLflow entities → OpenLineage events (pure) -----------------------------------------------------

def openlineage_run_id(mlflow_run_id: str) -> str:
    """The OpenLineage runId of an MLflow run: its 32 hex digits read as a UUID (a run id that is
    not one gets a name-based UUID, the same on every import)."""
    try:
        return str(uuid.UUID(hex=mlflow_run_id))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mlflow-run:{mlflow_run_id}"))


def event_time(milliseconds: int) -> str:
    """MLflow's epoch milliseconds as an ISO 8601 UTC timestamp (exact, no float rounding)."""
    return (_EPOCH + timedelta(milliseconds=int(milliseconds))).isoformat(timespec="milliseconds")


def registry_identifier(name: str) -> str | None:
    """A name under the registry's identifier rule (model, metric, framework names): characters
    other than letters, digits, '.', '_' and '-' become '_'; None when nothing is left."""
    text = _NOT_IDENTIFIER.sub("_", name.strip()).lstrip("._-")[:128]
    return text or None


def dataset_location(source_type: str | None, source: str | None, name: str | None) -> tuple[str, str]:
    """(namespace, name) of an MLflow dataset, after OpenLineage's naming: `s3://bucket` + key,
    `gs://bucket` + path, `https://host` + path, `file` + absolute path; a source that names no
    location (code, a table) gives `mlflow` (or its source type) + the table or dataset name."""
    try:
        spec = json.loads(source) if source else {}
    except ValueError:
        spec = {"uri": source}
    if not isinstance(spec, dict):
        spec = {}
    fallback_name = name or "dataset"
    location = spec.get("uri") or spec.get("url") or spec.get("path")
    location = location.strip() if isinstance(location, str) else ""
    if location:
        parts = urlsplit(location)
        if parts.scheme == "file" or (not parts.scheme and location.startswith("/")):
            return "file", unquote(parts.path) if parts.scheme == "file" else location
        if parts.scheme and parts.netloc:
            namespace = f"{parts.scheme}://{parts.netloc}"
            path = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
            if v.NAMESPACE.fullmatch(namespace):
                return namespace, path or fallback_name
        if not parts.scheme and source_type == "local":  # a relative path
            return "file", location
    # a source that is no location: a table, a hub dataset, code
    namespace = source_type if source_type and source_type != "code" and v.NAMESPACE.fullmatch(source_type) \
        else DATASET_NAMESPACE
    for key in ("table_name", "delta_table_name", "path"):
        value = spec.get(key)
        if isinstance(value, str) and value.strip() and "://" not in value:
            return namespace, value.strip()
    return DATASET_NAMESPACE, fallback_name


def schema_fields(schema: str | None) -> list[schema_dataset.SchemaDatasetFacetFields] | None:
    """Named columns of an MLflow dataset schema (`mlflow_colspec`); tensor specs have no names."""
    if not schema:
        return None
    try:
        spec = json.loads(schema)
    except ValueError:
        return None
    columns = spec.get("mlflow_colspec") if isinstance(spec, dict) else None
    if not isinstance(columns, list):
        return None
    fields = [schema_dataset.SchemaDatasetFacetFields(name=str(column["name"]), type=_column_type(column))
              for column in columns if isinstance(column, dict) and column.get("name")]
    return fields or None


def _column_type(column: dict) -> str | None:
    kind = column.get("type")
    return kind if isinstance(kind, str) else (json.dumps(kind, sort_keys=True) if kind is not None else None)


@dataclass(frozen=True)
class _Input:
    namespace: str
    name: str
    version: str | None
    context: str | None
    dataset: InputDataset

    @property
    def ref(self) -> dict[str, str]:
        ref = {"namespace": self.namespace, "name": self.name}
        if self.version:
            ref["version"] = self.version
        return ref


def _inputs(run, report: ImportReport, label: str) -> list[_Input]:
    inputs: dict[tuple, _Input] = {}
    for dataset_input in (run.inputs.dataset_inputs if run.inputs else None) or []:
        dataset = dataset_input.dataset
        context = next((tag.value for tag in dataset_input.tags or [] if tag.key == "mlflow.data.context"), None)
        namespace, name = dataset_location(dataset.source_type, dataset.source, dataset.name)
        facets: dict[str, Any] = {}
        version = dataset.digest or None
        if version and not v.VERSION.fullmatch(version):
            report.skip("dataset digests that are not registry versions (input left unversioned)",
                        f"{label}: {version!r}")
            version = None
        if version:
            facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
                datasetVersion=version, producer=PRODUCER)
        fields = schema_fields(dataset.schema)
        if fields:
            facets["schema"] = schema_dataset.SchemaDatasetFacet(fields=fields, producer=PRODUCER)
        key = (namespace, name, version)
        if key in inputs:
            # the same snapshot logged twice (say for training and evaluation): one input,
            # an evaluation context wins for metrics
            if context in EVALUATION_CONTEXTS and inputs[key].context not in EVALUATION_CONTEXTS:
                inputs[key] = _Input(namespace, name, version, context, inputs[key].dataset)
            continue
        inputs[key] = _Input(namespace, name, version, context,
                             InputDataset(namespace=namespace, name=name, facets=facets))
    return sorted(inputs.values(), key=lambda i: (i.namespace, i.name, i.version or ""))


def _measured_on(inputs: list[_Input]) -> _Input | None:
    """The dataset input a run's metrics were measured on: an evaluation context, else the first."""
    for context in EVALUATION_CONTEXTS:
        for item in inputs:
            if (item.context or "").lower() == context:
                return item
    return inputs[0] if inputs else None


def _parameters(run, report: ImportReport, label: str) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in sorted((run.data.params or {}).items()):
        value = "" if value is None else str(value)
        try:
            v.text_key("parameter", key, max_length=128)
        except InvalidInput:
            report.skip("parameters with names the registry refuses", f"{label}: {key[:60]!r}")
            continue
        if len(value) > v.MAX_PARAMETER_VALUE:
            report.skip(f"parameters longer than {v.MAX_PARAMETER_VALUE} characters", f"{label}: {key}")
            continue
        if len(kept) == v.MAX_PARAMETERS:
            report.skip(f"parameters beyond the registry's {v.MAX_PARAMETERS} per run", f"{label}: {key}")
            continue
        kept[key] = value
    return kept


def git_repository_url(url: str | None) -> str | None:
    """A repository URL as an absolute URI: `git@host:org/repo.git` becomes
    `ssh://git@host/org/repo.git`; anything else that is not `scheme://…` is dropped."""
    if not url:
        return None
    url = url.strip()
    scp = _SCP_GIT_URL.match(url)
    if scp and "://" not in url:
        url = f"ssh://{scp['user']}@{scp['host']}/{scp['path']}"
    return url if v.URI.fullmatch(url) else None


def _source_code(run, report: ImportReport, label: str) -> source_code_location_job.SourceCodeLocationJobFacet | None:
    tags = run.data.tags or {}
    commit = (tags.get("mlflow.source.git.commit") or "").strip().lower() or None
    repository = git_repository_url(tags.get("mlflow.source.git.repoURL") or tags.get("mlflow.gitRepoURL"))
    if commit and not v.GIT_COMMIT.fullmatch(commit):
        report.skip("git commits that are not hexadecimal commit ids", f"{label}: {commit[:60]!r}")
        commit = None
    if repository is None:
        if commit:
            report.skip("git commits without a repository URL (mlflow.source.git.repoURL)", label)
        return None
    return source_code_location_job.SourceCodeLocationJobFacet(
        type="git", url=repository, repoUrl=repository, version=commit,
        branch=tags.get("mlflow.source.git.branch") or None, producer=PRODUCER)


def _metrics(run, measured_on: _Input | None, report: ImportReport, label: str) -> list[dict[str, Any]] | None:
    values = run.data.metrics or {}
    if not values:
        return None
    if measured_on is None:
        report.skip("metrics of runs without a dataset input to be measured on", f"{label}: {len(values)} metric(s)",
                    n=len(values))
        return None
    metrics: dict[str, dict[str, Any]] = {}
    for key, value in sorted(values.items()):
        name = registry_identifier(key)
        if value is None or not _finite(value):
            report.skip("metric values that are NaN or infinite", f"{label}: {key}")
            continue
        if name is None or name in metrics:
            report.skip("metrics whose names collide once made registry names", f"{label}: {key!r}")
            continue
        if len(metrics) == MAX_METRICS:
            report.skip(f"metrics beyond {MAX_METRICS} per model version", f"{label}: {key}")
            continue
        metrics[name] = {"name": name, "value": float(value), "dataset": measured_on.ref}
    return list(metrics.values()) or None


def _finite(value: float) -> bool:
    try:
        return float(value) not in (float("inf"), float("-inf")) and float(value) == float(value)
    except (TypeError, ValueError):
        return False


def _model_version_output(mv: RegisteredVersion, model_name: str, metrics, report: ImportReport) -> OutputDataset:
    tags = []
    for key, value in sorted(mv.tags.items()):
        tag = (key if value in ("", "true") else f"{key}:{value}").lower()
        if v.TAG.fullmatch(tag) and len(tags) < v.MAX_TAGS:
            tags.append(tag)
        else:
            report.skip("model version tags that are not registry tags", f"{mv.label}: {tag[:60]!r}")
    aliases = []
    for alias in mv.aliases:
        if v.TAG.fullmatch(alias.lower()):
            aliases.append(alias.lower())
        else:
            report.skip("aliases that are not registry tags", f"{mv.label}: {alias!r}")
    description = mv.description
    if description and len(description) > v.MAX_DESCRIPTION:
        report.skip(f"descriptions cut to {v.MAX_DESCRIPTION} characters", mv.label)
        description = description[:v.MAX_DESCRIPTION]
    framework = mv.framework if mv.framework and v.IDENTIFIER.fullmatch(mv.framework) else None
    facet = ModelVersionDatasetFacet(
        modelName=model_name, version=mv.version, framework=framework, artifactUri=mv.artifact_uri,
        description=description, tags=tags or None, aliases=aliases or None, metrics=metrics, producer=PRODUCER)
    return OutputDataset(namespace=MODEL_NAMESPACE, name=f"{model_name}/{mv.version}",
                         facets={MODEL_VERSION_FACET: facet})


def model_names(snapshot: StoreSnapshot, report: ImportReport) -> dict[str, str]:
    """Registry model names for MLflow's: the same where it is valid, else with every other
    character made '_' (reported). Two MLflow models that would meet in one name are refused."""
    by_target: dict[str, list[str]] = {}
    for name in sorted({mv.model_name for mv in snapshot.versions}):
        target = name if v.IDENTIFIER.fullmatch(name) else registry_identifier(name)
        if target is None:
            report.error(f"registered model {name!r}: no registry model name can be made of it; not imported")
            continue
        by_target.setdefault(target, []).append(name)
    names: dict[str, str] = {}
    for target, sources in by_target.items():
        if len(sources) > 1:
            report.error(f"registered models {', '.join(map(repr, sources))} would all be {target!r} in the "
                         "registry; none of them is imported")
            continue
        if sources[0] != target:
            report.skip("model names changed to registry names", f"{sources[0]!r} → {target!r}")
        names[sources[0]] = target
    return names


def run_events(experiment, run, versions: list[RegisteredVersion], model_names: dict[str, str],
               report: ImportReport, *, namespace: str = JOB_NAMESPACE) -> list[PlannedEvent]:
    """The events of one MLflow run: START at its start time, then COMPLETE / FAIL / ABORT at its
    end time (or RUNNING while it goes on), the terminal one with the model versions it produced."""
    info = run.info
    label = f"run {info.run_id}" + (f" ({info.run_name!r})" if info.run_name else "") + \
        f" of experiment {experiment.name!r}"
    inputs = _inputs(run, report, label)
    measured_on = _measured_on(inputs)
    run_facets: dict[str, Any] = {}
    parameters = _parameters(run, report, label)
    if parameters:
        run_facets[PARAMETERS_FACET] = ParametersRunFacet(parameters=parameters, producer=PRODUCER)
    code = _source_code(run, report, label)
    job_facets: dict[str, Any] = {}
    if code is not None:
        run_facets["sourceCodeLocation"] = code
        job_facets["sourceCodeLocation"] = code
    note = (experiment.tags or {}).get("mlflow.note.content")
    if note:
        job_facets["documentation"] = documentation_job.DocumentationJobFacet(
            description=note[:v.MAX_DESCRIPTION], producer=PRODUCER)

    outputs = []
    produced = []
    for mv in versions:
        model_name = model_names.get(mv.model_name)
        if model_name is None:
            continue  # refused in model_names()
        metrics = _metrics(run, measured_on, report, mv.label)
        outputs.append(_model_version_output(mv, model_name, metrics, report))
        produced.append(f"{model_name} v{mv.version}")
        report.count("model versions")
        report.count("evaluations", len(metrics or []))

    run_id = openlineage_run_id(info.run_id)
    job = Job(namespace=namespace, name=experiment.name, facets=job_facets)
    start = info.start_time
    terminal = _TERMINAL.get(info.status)
    end = info.end_time if terminal else None
    events = []
    entity = label + (f", which produced {', '.join(produced)}" if produced else "")
    if start is not None:
        events.append(PlannedEvent(RunEvent(
            eventType=RunState.START, eventTime=event_time(start), producer=PRODUCER,
            run=Run(runId=run_id, facets=dict(run_facets)), job=job, inputs=[i.dataset for i in inputs],
            outputs=[]), f"{entity} (START)"))
    if terminal is not None:
        at = end if end is not None else start
        state = terminal
    else:  # RUNNING or SCHEDULED: what it has so far, at the latest time the store knows of
        at = start
        state = RunState.RUNNING
    if at is not None:
        events.append(PlannedEvent(RunEvent(
            eventType=state, eventTime=event_time(at), producer=PRODUCER,
            run=Run(runId=run_id, facets=dict(run_facets)), job=job, inputs=[i.dataset for i in inputs],
            outputs=outputs), f"{entity} ({state.value})"))
    else:
        report.error(f"{label}: the store records no start or end time; not imported")
        return []
    report.count("runs")
    report.count("dataset inputs", len(inputs))
    return events


def plan_events(snapshot: StoreSnapshot, report: ImportReport, *, namespace: str = JOB_NAMESPACE) -> list[PlannedEvent]:
    """Every event of the store, run by run (runs in id order, so the plan is the same every time)."""
    names = model_names(snapshot, report)
    by_run = snapshot.versions_by_run()
    seen_runs: set[str] = set()
    planned: list[PlannedEvent] = []
    for experiment in snapshot.experiments:
        events = []
        for run in snapshot.runs.get(experiment.experiment_id, []):
            seen_runs.add(run.info.run_id)
            events.extend(run_events(experiment, run, by_run.get(run.info.run_id, []), names, report,
                                     namespace=namespace))
        if events:  # an experiment without runs is no job yet
            report.count("experiments")
            planned.extend(events)
    for mv in snapshot.versions:
        if mv.model_name not in names:
            continue
        if not mv.run_id:
            report.skip("model versions registered without a source run (lineage needs the run)", mv.label)
        elif mv.run_id not in seen_runs:
            report.skip("model versions whose source run is not among the imported runs",
                        f"{mv.label} (run {mv.run_id})")
    report.counts["registered models"] = len({names[mv.model_name] for mv in snapshot.versions
                                              if mv.model_name in names and mv.run_id in seen_runs})
    report.counts["aliases"] = sum(len(mv.aliases) for mv in snapshot.versions
                                   if mv.model_name in names and mv.run_id in seen_runs)
    return planned


# --- sending ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """An event the registry refused, and the MLflow entity it describes."""

    entity: str
    error: RegistryRefused


def send_events(planned: list[PlannedEvent], make_client: Callable[[], RegistryClient], *, workers: int = 4,
                on_sent: Callable[[PlannedEvent], None] | None = None) -> list[Refusal]:
    """Send every event to the registry's `POST /api/v1/lineage`, from `workers` threads with a client
    each (the registry commits concurrent events together, in any order); return the ones it refused
    (invalid, contradicting the graph …), in plan order.

    A failure that every further event would meet stops the sending and is raised, the events not
    yet sent staying unsent: `RegistryUnreachable` (no answer, 429, 5xx, after the client's
    retries), `RegistryDenied` (401/403), `NoLineageEndpoint` (the URL is not the registry's).
    """
    local = threading.local()
    clients: list[RegistryClient] = []
    lock = threading.Lock()

    def send(index: int, item: PlannedEvent) -> tuple[int, Refusal | None]:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = make_client()
            with lock:
                clients.append(client)
        return index, _send_one(client, item)

    refusals: list[tuple[int, Refusal]] = []
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="lineagegraph-import")
    futures = [pool.submit(send, index, item) for index, item in enumerate(planned)]
    try:
        for future in as_completed(futures):
            index, refusal = future.result()
            if refusal is not None:
                refusals.append((index, refusal))
            if on_sent:
                on_sent(planned[index])
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        for client in clients:
            client.close()
    return [refusal for _, refusal in sorted(refusals, key=lambda pair: pair[0])]


def _send_one(client: RegistryClient, item: PlannedEvent) -> Refusal | None:
    try:
        client.post_lineage(Serde.to_dict(item.event))
    except (RegistryDenied, NoLineageEndpoint):
        raise  # every other event would be refused alike
    except RegistryRefused as error:
        return Refusal(item.entity, error)
    return None
