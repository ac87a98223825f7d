"""Commands CI/CD pipelines call: record a deployment, record what a job run used and produced.

They talk to a running registry over HTTP (app/cli/client.py, through app/cli/remote.py), never to
Neo4j, and exit as every remote command does (README "CI/CD: the pipeline CLI"):

  0  recorded (or nothing to change)
  1  refused by the registry: invalid input, not found, conflict (code, message and field printed)
  2  bad usage: a missing or malformed option (nothing was sent)
  3  registry unreachable or unavailable: retry later (safe: every write is idempotent)
  4  unauthenticated or forbidden
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click

from app.cli.client import EXIT_OK, EXIT_REFUSED
from app.cli.remote import IsoTime, Remote, exit_codes_help, iso, print_json, registry_options
from app.core.validation import GIT_COMMIT, IDENTIFIER, VERSION
from app.core.vocabulary import (
    DEPLOYMENT_STATUSES,
    ENVIRONMENTS,
    FACETS_SCHEMA_URL,
    MODEL_VERSION_FACET,
    PARAMETERS_FACET,
    RUN_STATES,
    TERMINAL_RUN_STATES,
)

PRODUCER = "https://github.com/lineagegraph/lineagegraph/cli"
RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
DATASET_VERSION_FACET_SCHEMA = (
    "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet")
SOURCE_CODE_LOCATION_SCHEMA = (
    "https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet")
MODEL_VERSION_FACET_SCHEMA = f"{FACETS_SCHEMA_URL}#/$defs/ModelVersionDatasetFacet"
PARAMETERS_FACET_SCHEMA = f"{FACETS_SCHEMA_URL}#/$defs/RunParametersRunFacet"
MODEL_OUTPUT_NAMESPACE = "lineagegraph-models"

EXIT_CODES_HELP = exit_codes_help("recorded (or already recorded: nothing changed)",
                                  "refused by the registry (invalid input, not found, conflict)")

REF_SYNTAX_HELP = """\b
Dataset syntax (--input/--output), version optional:
  SCHEME://AUTHORITY/NAME[@VERSION]  s3://raw/transactions@2026-03-08
                                     -> namespace s3://raw, name transactions
                                     postgres://db:5432/shop.public.orders
  WORD:NAME[@VERSION] or WORD/NAME   bigquery:proj.sales.orders@v3
                                     -> namespace bigquery
  {"namespace": …, "name": …, "version": …}   JSON, for anything else
The namespace ends at the first '/' after SCHEME://AUTHORITY (or the first
':' or '/' after a bare word); the version starts at the last '@' of the
name. Names that contain '@', and namespaces with a path, need JSON."""


# --- deploy record ----------------------------------------------------------------------------

DEPLOYMENT_FIELDS = "id environment name endpoint status since modelVersion { modelName version }"

CURRENT_DEPLOYMENT = f"""query($environment: Environment!, $name: String!) {{
  deployment(environment: $environment, name: $name) {{ {DEPLOYMENT_FIELDS} }} }}"""

REGISTER_DEPLOYMENT = f"""mutation($input: RegisterDeploymentInput!) {{
  registerDeployment(input: $input) {{
    __typename
    ... on DeploymentRegistration {{ created changed node {{ {DEPLOYMENT_FIELDS} }} }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ field }}
    ... on ConflictError {{ field recorded attempted }}
    ... on NotFoundError {{ kind key }}
    ... on DeploymentRefused {{ code message unmet {{ kind message }} }}
  }} }}"""


@click.group("deploy")
def deploy() -> None:
    """Record deployments of model versions (for CI/CD)."""


@deploy.command("record", epilog=EXIT_CODES_HELP)
@click.option("--model", required=True, metavar="NAME", help="The registered model's name.")
@click.option("--version", "model_version", required=True, metavar="VERSION",
              help="The registered version of that model now serving.")
@click.option("--env", "environment", required=True,
              type=click.Choice([environment.upper() for environment in ENVIRONMENTS], case_sensitive=False),
              help="Where it runs.")
@click.option("--endpoint", default=None, metavar="URL", help="The absolute URI it serves on; kept when omitted.")
@click.option("--name", default=None, metavar="NAME",
              help="The deployment's name, unique within the environment (default: the model's name).")
@click.option("--status", type=click.Choice(DEPLOYMENT_STATUSES, case_sensitive=False), default="ACTIVE",
              show_default=True, help="Whether it takes traffic.")
@click.option("--at", "switched_at", type=IsoTime(), default=None, metavar="ISO-TIME",
              help="When the switch happened, for one recorded late (default now; UTC unless it says otherwise).")
@click.option("--break-glass-reason", default=None, metavar="TEXT",
              help="Admins only: switch despite unmet requirements of the environment, for this written reason "
                   "(audited, and recorded on the deployment's serving history).")
@registry_options
def deploy_record(model, model_version, environment, endpoint, name, status, switched_at, break_glass_reason,
                  **remote_options) -> None:
    """Record that MODEL@VERSION now serves in ENV at ENDPOINT.

    Registers the deployment (ENV, NAME) if it is new and switches what it serves; the
    version it served before stays in its history. Sending the same again changes nothing.
    The switch must meet the policy's requirements for ENV (e.g. production: stage PRODUCTION
    and the PRODUCTION gate passing); otherwise it exits 1 printing every unmet requirement.

    \b
    lineagegraph deploy record --model credit-scoring --version 7 \\
        --env production --endpoint https://credit.internal/v1 --name credit-api
    """
    remote = Remote.from_options(**remote_options)
    environment = environment.upper()
    name = name or model
    request = {"environment": environment, "name": name, "status": status.upper(),
               "serving": {"model": model, "version": model_version}}
    if endpoint is not None:
        request["endpoint"] = endpoint
    if switched_at is not None:
        request["at"] = switched_at.isoformat()
    if break_glass_reason is not None:
        request["breakGlass"] = {"reason": break_glass_reason}
    with remote.session(f"recording deployment {environment}/{name} of {model}@{model_version}") as client:
        before = client.graphql(CURRENT_DEPLOYMENT, {"environment": environment, "name": name})["deployment"]
        answer = client.graphql(REGISTER_DEPLOYMENT, {"input": request})["registerDeployment"]
    if answer["__typename"] == "DeploymentRefused":
        _refused(remote, answer)
    node = answer["node"]
    outcome = "created" if answer["created"] else "changed" if answer["changed"] else "unchanged"
    previous = (before or {}).get("modelVersion")
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, "result": outcome, "deployment": node,
                     "previouslyServing": previous})
        return
    serving = node.get("modelVersion") or {}
    click.echo(f"deployment {node['environment']}/{node['name']} {outcome} (id {node['id']})")
    line = f"  serves {serving.get('modelName')}@{serving.get('version')}"
    if node.get("since"):
        line += f" since {node['since']}"
    if previous and previous != serving:
        line += f" (was {previous['modelName']}@{previous['version']})"
    click.echo(line)
    click.echo(f"  endpoint {node.get('endpoint') or '-'}, status {node.get('status') or '-'}")


def _refused(remote: Remote, refusal: dict) -> None:
    """A switch the policy refuses: every unmet requirement on stderr (and in --json); exit 1."""
    click.echo(f"error: {refusal['code']}: {refusal['message']}", err=True)
    for unmet in refusal["unmet"]:
        click.echo(f"  - {unmet['kind']}: {unmet['message']}", err=True)
    if remote.as_json:
        print_json({"ok": False, "exitCode": EXIT_REFUSED, "unmet": refusal["unmet"],
                     "error": {"code": refusal["code"], "message": refusal["message"], "field": "serving",
                               "retryable": False}})
    sys.exit(EXIT_REFUSED)


# --- run record -------------------------------------------------------------------------------

_URI_REF = re.compile(r"(?P<namespace>[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+)/(?P<name>.+)", re.DOTALL)
_URI_WITHOUT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+/?")
_WORD_REF = re.compile(r"(?P<namespace>[A-Za-z][A-Za-z0-9_+.-]*)[:/](?P<name>.+)", re.DOTALL)


@dataclass(frozen=True)
class DatasetRef:
    namespace: str
    name: str
    version: str | None = None

    def __str__(self) -> str:
        separator = "/" if "://" in self.namespace else ":"
        return f"{self.namespace}{separator}{self.name}" + (f"@{self.version}" if self.version else "")


@dataclass(frozen=True)
class ModelVersionRef:
    model: str
    version: str
    extra: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return f"{self.model}@{self.version}"


def parse_namespaced(text: str, what: str) -> tuple[str, str]:
    """(namespace, name) from `SCHEME://AUTHORITY/NAME` or `WORD:NAME` / `WORD/NAME`."""
    text = text.strip()
    match = _URI_REF.fullmatch(text)
    if match is None and _URI_WITHOUT_NAME.fullmatch(text):
        raise ValueError(f"{text!r} has no {what} name: after SCHEME://AUTHORITY comes '/' and the name, "
                         f"e.g. s3://raw/transactions@2026-03-08")
    match = match or (None if "://" in text else _WORD_REF.fullmatch(text))
    if match is None:
        raise ValueError(f"{text!r} is not NAMESPACE/NAME: write SCHEME://AUTHORITY/NAME (s3://raw/transactions) "
                         f"or WORD:NAME (bigquery:proj.sales.orders)")
    return match["namespace"], match["name"]


def parse_dataset_ref(text: str) -> DatasetRef:
    """A dataset snapshot from the command line; see REF_SYNTAX_HELP. Raises ValueError."""
    if text.lstrip().startswith("{"):
        fields = _json_object(text, ("namespace", "name", "version"), required=("namespace", "name"))
        return DatasetRef(fields["namespace"], fields["name"], fields.get("version"))
    namespace, name = parse_namespaced(text, "dataset")
    version = None
    if "@" in name:
        name, version = name.rsplit("@", 1)
        if not VERSION.fullmatch(version):
            raise ValueError(f"{version!r} (after the last '@' of {text!r}) is not a version string "
                             "(letters, digits, . _ + : -); a name containing '@' needs the JSON form")
    if not name:
        raise ValueError(f"{text!r} has an empty dataset name")
    return DatasetRef(namespace, name, version)


_MODEL_VERSION_KEYS = ("model", "version", "framework", "artifactUri", "artifactDigest", "license",
                       "description", "tags", "metrics")


def parse_model_version_ref(text: str) -> ModelVersionRef:
    """`MODEL@VERSION`, or a JSON object with `model`, `version` and optional facet fields."""
    if text.lstrip().startswith("{"):
        fields = _json_object(text, _MODEL_VERSION_KEYS, required=("model", "version"))
        extra = tuple((key, fields[key]) for key in _MODEL_VERSION_KEYS[2:] if key in fields)
        return ModelVersionRef(fields["model"], fields["version"], extra)
    model, separator, version = text.strip().partition("@")
    if not separator or not IDENTIFIER.fullmatch(model) or not VERSION.fullmatch(version):
        raise ValueError(f"{text!r} is not MODEL@VERSION (e.g. credit-scoring@7): a model name of letters, "
                         "digits, . _ - and a version of letters, digits, . _ + : -")
    return ModelVersionRef(model, version)


def _json_object(text: str, keys: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError("the JSON form must be an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(keys)}")
    for key in required:
        if not isinstance(value.get(key), str) or not value[key]:
            raise ValueError(f"the JSON form needs a non-empty string {key!r}")
    return value


class _Parsed(click.ParamType):
    def __init__(self, parse, name: str):
        self.parse = parse
        self.name = name

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _job(value: str) -> tuple[str, str]:
    return parse_namespaced(value, "job")


def _run_id(value: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not a UUID (OpenLineage run ids are UUIDs)") from None


def _parameter(value: str) -> tuple[str, str]:
    name, separator, text = value.partition("=")
    if not separator or not name.strip():
        raise ValueError(f"{value!r} is not NAME=VALUE")
    return name.strip(), text


@click.group("run")
def run() -> None:
    """Record pipeline runs: what a job read and what it produced (for CI/CD)."""


@run.command("record", epilog=REF_SYNTAX_HELP + "\n\n" + EXIT_CODES_HELP)
@click.option("--job", required=True, type=_Parsed(_job, "NAMESPACE/NAME"),
              help="The job: ci/train-credit, airflow:fraud.train, https://git.example.com/ml/fraud-train.")
@click.option("--run-id", type=_Parsed(_run_id, "UUID"), default=None,
              help="The run's UUID. Default: a new one, printed. Pass the same one to retry or to add to a run.")
@click.option("--state", type=click.Choice(RUN_STATES, case_sensitive=False), default="COMPLETE", show_default=True,
              help="The run's state (the OpenLineage event type).")
@click.option("--input", "inputs", multiple=True, type=_Parsed(parse_dataset_ref, "DATASET"),
              help="A dataset snapshot the run read (repeatable).")
@click.option("--output", "outputs", multiple=True, type=_Parsed(parse_dataset_ref, "DATASET"),
              help="A dataset snapshot the run wrote (repeatable).")
@click.option("--model-version", "model_versions", multiple=True, type=_Parsed(parse_model_version_ref, "MODEL@VERSION"),
              help="A model version the run produced (repeatable); the model is registered when new. JSON form: "
                   '{"model", "version", "framework", "artifactUri", "artifactDigest", "license", "description", '
                   '"tags", "metrics"}.')
@click.option("--input-model-version", "input_model_versions", multiple=True,
              type=_Parsed(parse_model_version_ref, "MODEL@VERSION"),
              help="A model version the run read, e.g. the base of a fine-tune (repeatable).")
@click.option("--param", "parameters", multiple=True, type=_Parsed(_parameter, "NAME=VALUE"),
              help="A run parameter (repeatable).")
@click.option("--started-at", type=IsoTime(), default=None,
              help="When it started; sends a START event at that time before the final one.")
@click.option("--ended-at", type=IsoTime(), default=None,
              help="When it ended (terminal states only); default now. Give it to make a retry identical.")
@click.option("--git-url", default=None, metavar="URL", help="The code repository's URL.")
@click.option("--git-commit", default=None, metavar="SHA", help="The commit it ran (7–64 hex); needs --git-url.")
@click.option("--dry-run", is_flag=True, help="Print the OpenLineage event(s) on stdout; send nothing.")
@registry_options
def run_record(job, run_id, state, inputs, outputs, model_versions, input_model_versions, parameters, started_at,
               ended_at, git_url, git_commit, dry_run, **remote_options) -> None:
    """Record one run of a job: what it read (--input) and produced (--output, --model-version).

    Sends OpenLineage RunEvents to the registry's /api/v1/lineage, which records the
    job, the run, the datasets and snapshots, the model versions and the USED /
    WAS_GENERATED_BY links. Idempotent: the same run id and content again change nothing.

    \b
    lineagegraph run record --job ci/train-credit --run-id "$RUN_ID" \\
        --input s3://raw/transactions@2026-03-08 \\
        --input postgres://db:5432/crm.public.customers@snap-0308 \\
        --model-version credit-scoring@7 \\
        --git-url https://git.example.com/risk/credit --git-commit "$GIT_SHA" \\
        --ended-at 2026-03-08T07:12:00Z
    """
    remote = Remote.from_options(**remote_options)
    state = state.upper()
    if ended_at is not None and state not in TERMINAL_RUN_STATES:
        raise click.BadParameter(f"a {state} run has not ended; --ended-at needs --state "
                                 f"{'/'.join(TERMINAL_RUN_STATES)}", param_hint="'--ended-at'")
    if started_at is not None and ended_at is not None and ended_at < started_at:
        raise click.BadParameter("ends before it starts (--started-at is later)", param_hint="'--ended-at'")
    if git_commit is not None:
        git_commit = git_commit.strip().lower()
        if not GIT_COMMIT.fullmatch(git_commit):
            raise click.BadParameter(f"{git_commit!r} is not a git commit (7–64 hex characters)",
                                     param_hint="'--git-commit'")
        if git_url is None:
            raise click.BadParameter("a commit needs its repository: add --git-url", param_hint="'--git-commit'")
    names = [name for name, _ in parameters]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise click.BadParameter(f"given twice: {', '.join(duplicates)}", param_hint="'--param'")
    generated = run_id is None
    run_id = run_id or str(uuid.uuid4())

    events = build_run_events(
        job=job, run_id=run_id, state=state, inputs=list(inputs), outputs=list(outputs),
        model_versions=list(model_versions), input_model_versions=list(input_model_versions),
        parameters=dict(parameters), started_at=started_at, ended_at=ended_at, git_url=git_url,
        git_commit=git_commit)
    if dry_run:
        print_json({"events": events} if len(events) > 1 else events[0])
        return
    if generated and not remote.as_json:
        click.echo(f"new run id {run_id} (pass --run-id {run_id} to retry or to add to this run)", err=True)
    answers = []
    for event in events:  # at most two: a START, then the run's state
        with remote.session(f"recording run {run_id} of {job[0]}/{job[1]} ({event['eventType']} event)") as client:
            answers.append(client.post_lineage(event))
    summary = {
        "runId": run_id,
        "job": {"namespace": job[0], "name": job[1]},
        "state": state,
        "inputs": [str(ref) for ref in (*inputs, *input_model_versions)],
        "outputs": [str(ref) for ref in outputs],
        "modelVersions": [str(ref) for ref in model_versions],
        "events": [event["eventType"] for event in events],
    }
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, **summary, "answers": answers})
        return
    click.echo(f"run {run_id} of {job[0]}/{job[1]} recorded: {state}")
    for label, items in (("used", summary["inputs"]), ("produced", summary["outputs"] + summary["modelVersions"])):
        if items:
            click.echo(f"  {label} {', '.join(items)}")


def build_run_events(*, job: tuple[str, str], run_id: str, state: str, inputs: list[DatasetRef],
                     outputs: list[DatasetRef], model_versions: list[ModelVersionRef],
                     input_model_versions: list[ModelVersionRef], parameters: dict[str, str],
                     started_at: datetime | None, ended_at: datetime | None, git_url: str | None,
                     git_commit: str | None, now: datetime | None = None) -> list[dict[str, Any]]:
    """The OpenLineage RunEvents for one run: a START at `started_at` when given (and the state is
    not START itself), then one event in `state` carrying everything the run read and produced.

    The registry takes a run's start and end times from its events' times (earliest, latest
    terminal), which is why a start time is its own event.
    """
    now = now or datetime.now(UTC)
    run_facets: dict[str, Any] = {}
    job_facets: dict[str, Any] = {}
    if git_url:
        location = {"_producer": PRODUCER, "_schemaURL": SOURCE_CODE_LOCATION_SCHEMA,
                    "type": "git", "url": git_url, "repoUrl": git_url}
        job_facets["sourceCodeLocation"] = location
        # The commit belongs to the run (each run may run another one): lineagegraph reads it here.
        run_facets["sourceCodeLocation"] = {**location, **({"version": git_commit} if git_commit else {})}
    if parameters:
        run_facets[PARAMETERS_FACET] = {"_producer": PRODUCER, "_schemaURL": PARAMETERS_FACET_SCHEMA,
                                        "parameters": parameters}
    input_datasets = [_dataset(ref) for ref in inputs] + [_model_dataset(ref) for ref in input_model_versions]
    output_datasets = [_dataset(ref) for ref in outputs] + [_model_dataset(ref) for ref in model_versions]

    def event(event_type: str, at: datetime, with_outputs: bool) -> dict[str, Any]:
        document = {
            "eventType": event_type,
            "eventTime": iso(at),
            "producer": PRODUCER,
            "schemaURL": RUN_EVENT_SCHEMA,
            "run": {"runId": run_id, **({"facets": run_facets} if run_facets else {})},
            "job": {"namespace": job[0], "name": job[1], **({"facets": job_facets} if job_facets else {})},
            "inputs": input_datasets,
            "outputs": output_datasets if with_outputs else [],
        }
        return document

    events = []
    if started_at is not None and state != "START":
        events.append(event("START", started_at, with_outputs=False))
    final_at = ended_at if state in TERMINAL_RUN_STATES and ended_at else (started_at if state == "START" and started_at
                                                                        else now)
    events.append(event(state, final_at, with_outputs=True))
    return events


def _dataset(ref: DatasetRef) -> dict[str, Any]:
    item: dict[str, Any] = {"namespace": ref.namespace, "name": ref.name}
    if ref.version is not None:
        item["facets"] = {"version": {"_producer": PRODUCER, "_schemaURL": DATASET_VERSION_FACET_SCHEMA,
                                      "datasetVersion": ref.version}}
    return item


def _model_dataset(ref: ModelVersionRef) -> dict[str, Any]:
    facet = {"_producer": PRODUCER, "_schemaURL": MODEL_VERSION_FACET_SCHEMA,
             "modelName": ref.model, "version": ref.version, **dict(ref.extra)}
    return {"namespace": MODEL_OUTPUT_NAMESPACE, "name": ref.model, "facets": {MODEL_VERSION_FACET: facet}}

