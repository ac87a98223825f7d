"""OpenLineage events in: validation against the spec's JSON schema, then the registry's reading of them.

`read_event(document)` turns one decoded JSON document into `GraphChanges`: the nodes,
properties and edges the event asserts, in a form that merges commutatively
(`GraphChanges.merge`). That property is what makes ingestion idempotent and
order-independent: every value carries the event time it was asserted at, and the
graph keeps the winner of a fixed rule (README "OpenLineage ingestion"):

- a node's `created_at` is the earliest event time that mentions it, `updated_at` the latest;
- a facet's properties come from the latest event carrying that facet (ties broken by content);
- a run's state is the highest of START < RUNNING < terminal (COMPLETE, FAIL, ABORT), then latest;
  `started_at` is the earliest event time, `ended_at` the latest terminal one;
- an edge's `created_at` is the earliest event time that asserted it;
- node ids are derived from natural keys (uuid5), so a replay creates the same ids.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from importlib import resources
from typing import Any

import jsonschema_rs

from app.core import validation as v
from app.core.config import Settings
from app.core.errors import InvalidInput
from app.core.vocabulary import MODEL_VERSION_FACET, PARAMETERS_FACET, RUN_STATE_RANK, TERMINAL_RUN_STATES

# The snapshot an event means when it names a dataset without a `version` facet. One stable
# name (not one per run) so that a producer's output and a consumer's input meet in the same
# node whichever arrives first; per-snapshot precision needs the version facet.
UNVERSIONED = "unversioned"

FACETS_SCHEMA_FILE = "lineagegraph-facets-1-0-0.json"


# How far ahead of the registry's clock an eventTime may be (Settings.max_clock_skew; the route
# passes the configured one).
DEFAULT_SKEW = timedelta(seconds=Settings.model_fields["max_clock_skew_seconds"].default)

_ID_NAMESPACE = uuid.UUID("6f1c7a0e-8a53-4c55-9a53-1b7c0ad0f7a1")


class EventRejected(InvalidInput):
    """An event that is not valid OpenLineage, or that breaks a registry rule (422, nothing written)."""


def node_id(label: str, *key: str) -> str:
    """A node id derived from its natural key: the same on every replay, in every order."""
    return str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join((label, *key))))


# --- schema validation ----------------------------------------------------------------------

@cache
def _schema(file: str) -> dict:
    return json.loads(resources.files("app.openlineage").joinpath("schemas", file).read_text())


@cache
def _validator(file: str, definition: str) -> jsonschema_rs.Validator:
    # Compiled once, in Rust: ~18 µs an event where fastjsonschema's generated Python took ~140
    # (interpreting validators ~1.6 ms); the ingestion target is 1,000 events a second on two cores.
    # Formats asserted (`uri`), as the schema means them, not merely annotated.
    return jsonschema_rs.validator_for({"$ref": f"#/$defs/{definition}", "$defs": _schema(file)["$defs"]},
                                       validate_formats=True)


def facets_schema() -> dict:
    """The custom facets' JSON schema, as served to producers."""
    return _schema(FACETS_SCHEMA_FILE)


def _check(instance: Any, file: str, definition: str, prefix: str = "") -> None:
    validator = _validator(file, definition)
    try:
        if validator.is_valid(instance):  # the common case, without building an error
            return
        validator.validate(instance)
    except jsonschema_rs.ValidationError as error:
        where = _field(prefix, error.instance_path)
        kind = error.kind
        if kind.name == "required":
            # Name the missing field itself, not the object it is missing from.
            where = f"{where}.{kind.property}" if where else kind.property
            raise EventRejected(f"{where} is required.", field=where) from None
        raise EventRejected(f"{where or 'event'} {_expected(kind, error.message)}.", field=where or None) from None
    except (ValueError, OverflowError) as error:  # a value JSON Schema cannot hold (an integer past 64 bits)
        raise EventRejected(f"The event holds a value that cannot be validated: {str(error)[:200]}.") from None


def _field(prefix: str, path: list) -> str:
    """An instance path as the field names an error: `inputs[0].facets.version`."""
    where = prefix
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _expected(kind: Any, message: str) -> str:
    """What the schema expects where it failed, without echoing the (possibly large) value."""
    value = kind.value
    phrases = {
        "type": lambda: "must be of type " + " or ".join(value if isinstance(value, list) else [value]),
        "enum": lambda: "must be one of " + ", ".join(map(str, value)),
        "minLength": lambda: f"must be at least {value} character(s) long",
        "maxLength": lambda: f"must be at most {value} characters long",
        "minItems": lambda: f"must hold at least {value} item(s)",
        "maxItems": lambda: f"must hold at most {value} items",
        "minimum": lambda: f"must be at least {value}",
        "maximum": lambda: f"must be at most {value}",
        "format": lambda: f"must be a valid {value}",
    }
    phrase = phrases.get(kind.name)
    return phrase() if phrase is not None else f"is not valid: {message[:200]}"


# --- the graph changes one event asserts --------------------------------------------------------

@dataclass
class FacetValue:
    """Properties one facet sets, with the event time that asserted them."""

    at: datetime
    props: dict[str, Any]

    @cached_property
    def digest(self) -> str:
        # Cached: merges compare it again and again, and props never change after reading.
        return hashlib.sha256(json.dumps(self.props, sort_keys=True, default=str).encode()).hexdigest()

    def wins_over(self, other: FacetValue) -> bool:
        # The digest only breaks a tie in time: hashing both sides of every comparison was ~45 %
        # of merging a batch (a facet's props are JSON-encoded to be hashed).
        if self.at != other.at:
            return self.at > other.at
        return self.digest > other.digest


@dataclass
class NodeChange:
    """A node an event mentions: its key, when it was first and last mentioned, its facets."""

    key: dict[str, Any]
    first_at: datetime
    last_at: datetime
    facets: dict[str, FacetValue] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def merge(self, other: NodeChange) -> None:
        self.first_at = min(self.first_at, other.first_at)
        self.last_at = max(self.last_at, other.last_at)
        for name, value in other.facets.items():
            mine = self.facets.get(name)
            if mine is None or value.wins_over(mine):
                self.facets[name] = value
        _merge_extra(self.extra, other.extra)


def _merge_extra(mine: dict, theirs: dict) -> None:
    """Kind-specific values with their own commutative rules (run state and times, digests)."""
    for key, value in theirs.items():
        if key not in mine or mine[key] is None:
            mine[key] = value
        elif value is None:
            continue
        elif key == "state":
            mine[key] = max(mine[key], value)  # (rank, time, name) tuples
        elif key == "started_at":
            mine[key] = min(mine[key], value)
        elif key == "ended_at":
            mine[key] = max(mine[key], value)
        elif mine[key] != value:
            # job of a run, artifact digest: facts that cannot take two values.
            mine.setdefault("_contradictions", []).append((key, mine[key], value))


@dataclass(frozen=True)
class Mention:
    """An asset one event names, for the team scope of ingestion (app/openlineage/scope.py)."""

    where: str          # the event's field naming it: `job`, `outputs[0]`, `inputs[1]`, `run.facets.parent`
    kind: str           # Dataset | Job | Model: the record whose owning team decides
    key: tuple
    writes: bool        # False when the event only reads it (an input, a metric's dataset, a parent run)
    # The version (or run) the event names of it; a mere reading of another team's asset needs it recorded.
    part: tuple[str, tuple] | None = None
    # The node changes the mention asserts: left out when the event only reads another team's asset.
    nodes: tuple[tuple[str, tuple], ...] = ()
    ownership: bool = False         # it carries an ownership facet ...
    new_owner: str | None = None    # ... giving it to this team (None: to no team)


@dataclass
class GraphChanges:
    """What one or more events assert; merging is commutative and idempotent."""

    nodes: dict[str, dict[tuple, NodeChange]] = field(default_factory=dict)
    edges: dict[str, dict[tuple, datetime]] = field(default_factory=dict)
    # What the one event read was about, for its audit event (app/audit/service.py); not merged.
    summary: dict[str, Any] | None = None
    # The assets the one event names, for its team scope (app/openlineage/scope.py); not merged.
    mentions: list[Mention] = field(default_factory=list)

    def without_nodes(self, nodes: set[tuple[str, tuple]]) -> GraphChanges:
        """The same changes minus these node changes (edges, summary and mentions kept)."""
        kept = {kind: {key: change for key, change in changes.items() if (kind, key) not in nodes}
                for kind, changes in self.nodes.items()}
        return GraphChanges(nodes=kept, edges=self.edges, summary=self.summary, mentions=self.mentions)

    def node(self, kind: str, at: datetime, facets: dict[str, dict] | None = None,
             extra: dict | None = None, **key: Any) -> None:
        change = NodeChange(key=key, first_at=at, last_at=at,
                            facets={name: FacetValue(at, props) for name, props in (facets or {}).items()},
                            extra=dict(extra or {}))
        self._add_node(kind, change)

    def edge(self, kind: str, at: datetime, *ends: Any) -> None:
        edges = self.edges.setdefault(kind, {})
        edges[ends] = min(edges.get(ends, at), at)

    def merge(self, other: GraphChanges) -> None:
        for kind, changes in other.nodes.items():
            for change in changes.values():
                extra = {key: list(value) if key == "_contradictions" else value for key, value in change.extra.items()}
                self._add_node(kind, NodeChange(change.key, change.first_at, change.last_at, dict(change.facets), extra))
        for kind, edges in other.edges.items():
            for ends, at in edges.items():
                self.edge(kind, at, *ends)

    def contradictions(self) -> list[str]:
        """Facts that two merged events state differently (a run under two jobs, two digests)."""
        found = []
        for kind, changes in self.nodes.items():
            for change in changes.values():
                for key, first, second in change.extra.get("_contradictions", []):
                    found.append(f"{kind} {_describe(change.key)}: {key} is both {first} and {second}")
        return found

    def _add_node(self, kind: str, change: NodeChange) -> None:
        changes = self.nodes.setdefault(kind, {})
        key = tuple(change.key.values())
        if key in changes:
            changes[key].merge(change)
        else:
            changes[key] = change


def _describe(key: dict) -> str:
    return "/".join(str(value) for value in key.values())


# --- reading one event ----------------------------------------------------------------------------

def read_event(document: Any, *, now: datetime | None = None, skew: timedelta = DEFAULT_SKEW) -> GraphChanges:
    """Validate one decoded OpenLineage event and return the graph changes it asserts.

    Raises `EventRejected` naming the offending field (JSON-path-like: `inputs[0].facets.version`).
    An `eventTime` more than `skew` ahead of `now` (the registry's clock) is refused: the latest-wins
    merge would let it outrank every true event after it; within the skew it is recorded as `now`.
    """
    if not isinstance(document, dict):
        raise EventRejected("The body must be one OpenLineage event, a JSON object.")
    if "run" in document:
        _check(document, "openlineage-event.json", "RunEvent")
    elif "dataset" in document:
        _check(document, "openlineage-event.json", "DatasetEvent")
    elif "job" in document:
        _check(document, "openlineage-event.json", "JobEvent")
    else:
        raise EventRejected("Not an OpenLineage event: a RunEvent needs `run` and `job`, a JobEvent `job`, "
                            "a DatasetEvent `dataset`.", field="run")
    at = _event_time(document["eventTime"], now or datetime.now(UTC), skew)
    changes = GraphChanges()
    if "run" in document:
        _read_run_event(document, at, changes)
    elif "dataset" in document:
        _read_dataset(document["dataset"], at, changes, "dataset", writes=True)
    else:
        _read_job(document["job"], at, changes)
        for index, item in enumerate(document.get("inputs") or []):
            _read_dataset(item, at, changes, f"inputs[{index}]", writes=False)
        for index, item in enumerate(document.get("outputs") or []):
            _read_dataset(item, at, changes, f"outputs[{index}]", writes=True)
    changes.summary = _summary(document, at)
    return changes


def _summary(event: dict, at: datetime) -> dict[str, Any]:
    """The event's target (its run, else its job or dataset) and its shape, for the audit trail."""
    if "run" in event:
        target = {"kind": "Run", "key": {"run_id": _run_id(event["run"]["runId"], "run.runId")},
                  "job": f"{event['job']['namespace']}/{event['job']['name']}"}
    else:
        kind = "Dataset" if "dataset" in event else "Job"
        subject = event["dataset" if kind == "Dataset" else "job"]
        target = {"kind": kind, "key": {"namespace": subject["namespace"], "name": subject["name"]}}
    return {**target, "eventType": event.get("eventType"), "eventTime": at.isoformat(),
            "inputs": len(event.get("inputs") or []), "outputs": len(event.get("outputs") or [])}


def _event_time(text: str, now: datetime, skew: timedelta) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise EventRejected(f"eventTime {text[:40]!r} is not an ISO 8601 date-time.", field="eventTime") from None
    if value.tzinfo is None:
        raise EventRejected("eventTime must carry a time zone (e.g. 'Z' or '+00:00').", field="eventTime")
    # Stored in UTC, so that the same instant sent with different offsets is one value.
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise EventRejected(f"eventTime {text[:40]!r} lies outside the years 1 to 9999 in UTC.",
                            field="eventTime") from None
    return v.happened_at("eventTime", value, now, skew=skew)


def _read_run_event(event: dict, at: datetime, changes: GraphChanges) -> None:
    run = event["run"]
    run_id = _run_id(run["runId"], "run.runId")
    job_namespace, job_name = _read_job(event["job"], at, changes, run_id=run_id)
    facets = run.get("facets") or {}
    event_type = event.get("eventType")
    extra: dict[str, Any] = {"job": (job_namespace, job_name), "started_at": at}
    if event_type in RUN_STATE_RANK:
        extra["state"] = (RUN_STATE_RANK[event_type], at, event_type)
    if event_type in TERMINAL_RUN_STATES:
        extra["ended_at"] = at
    changes.node("Run", at, facets=_run_facets(facets), extra=extra, run_id=run_id)

    parent = facets.get("parent")
    if parent:
        parent_job = (v.namespace("run.facets.parent.job.namespace", parent["job"]["namespace"]),
                      v.text_key("run.facets.parent.job.name", parent["job"]["name"]))
        parent_run_id = _run_id(parent["run"]["runId"], "run.facets.parent.run.runId")
        if parent_run_id == run_id:
            raise EventRejected("A run cannot be its own parent.", field="run.facets.parent.run.runId")
        changes.node("Job", at, namespace=parent_job[0], name=parent_job[1])
        changes.node("Run", at, extra={"job": parent_job}, run_id=parent_run_id)
        changes.edge("PART_OF", at, run_id, parent_run_id)
        # Being part of a run reads it: the parent is created when new, never changed when another team's.
        changes.mentions.append(Mention("run.facets.parent", "Job", parent_job, writes=False,
                                        part=("Run", (parent_run_id,)),
                                        nodes=(("Job", parent_job), ("Run", (parent_run_id,)))))

    for side, relation in (("inputs", "USED"), ("outputs", "GENERATED")):
        for index, item in enumerate(event.get(side) or []):
            where = f"{side}[{index}]"
            writes = side == "outputs"  # an output is changed by the run that wrote it; an input only read
            model_version = _read_model_version(item, at, changes, where, writes=writes)
            if model_version:
                changes.edge(f"{relation}_MODEL_VERSION", at, run_id, *model_version)
            else:
                changes.edge(f"{relation}_DATASET_VERSION", at, run_id,
                             *_read_dataset(item, at, changes, where, writes=writes))


def _run_id(value: str, where: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise EventRejected(f"{where} {value[:60]!r} is not a UUID.", field=where) from None


def _read_job(job: dict, at: datetime, changes: GraphChanges, *, run_id: str | None = None) -> tuple[str, str]:
    """The event's job; a run event records a run of it, which changes it (its team's to record)."""
    namespace = v.namespace("job.namespace", job["namespace"])
    name = v.text_key("job.name", job["name"])
    facets = job.get("facets") or {}
    props: dict[str, dict] = {}
    props.update(_documentation(facets, "job.facets"))
    ownership = _ownership(facets, "job.facets", at, changes)
    props.update(ownership)
    changes.mentions.append(Mention("job", "Job", (namespace, name), writes=True,
                                    part=("Run", (run_id,)) if run_id else None, **_claim(ownership)))
    props.update(_tags(facets, "job.facets"))
    location = facets.get("sourceCodeLocation")
    if location:
        props["sourceCodeLocation"] = {"code_repository": _bounded(location.get("repoUrl") or location["url"]),
                                       "code_path": location.get("path")}
    changes.node("Job", at, facets=props, namespace=namespace, name=name)
    return namespace, name


def _run_facets(facets: dict) -> dict[str, dict]:
    props: dict[str, dict] = {}
    location = facets.get("sourceCodeLocation")
    if location:
        commit = (location.get("version") or "").lower()
        props["sourceCodeLocation"] = {
            "code_repository": _bounded(location.get("repoUrl") or location["url"]),
            "code_commit": commit if v.GIT_COMMIT.fullmatch(commit) else None,
            "code_path": location.get("path"),
            "code_branch": location.get("branch"),
        }
    source = facets.get("sourceCode")
    if source:
        props["sourceCode"] = {"code_language": _bounded(source["language"], 64),
                               "source_code": _bounded(source["sourceCode"], 100_000)}
    parameters = facets.get(PARAMETERS_FACET)
    if parameters:
        _check(parameters, FACETS_SCHEMA_FILE, "RunParametersRunFacet", f"run.facets.{PARAMETERS_FACET}")
        checked = v.parameters(f"run.facets.{PARAMETERS_FACET}.parameters", parameters["parameters"])
        props[PARAMETERS_FACET] = {"parameters": json.dumps(checked, sort_keys=True)}
    return props


def _read_dataset(item: dict, at: datetime, changes: GraphChanges, where: str, *, writes: bool) -> tuple[str, str, str]:
    """A dataset and the snapshot the event means; returns the snapshot's key."""
    namespace = v.namespace(f"{where}.namespace", item["namespace"])
    name = v.text_key(f"{where}.name", item["name"], max_length=v.MAX_NAME)
    facets = item.get("facets") or {}
    props: dict[str, dict] = {}
    props.update(_documentation(facets, f"{where}.facets"))
    ownership = _ownership(facets, f"{where}.facets", at, changes)
    props.update(ownership)
    props.update(_tags(facets, f"{where}.facets"))
    schema = facets.get("schema")
    if schema is not None:
        fields = [{"name": f["name"], "type": f.get("type") or ""} for f in schema.get("fields") or []]
        props["schema"] = {"schema_fields": json.dumps(fields)}
    changes.node("Dataset", at, facets=props, namespace=namespace, name=name)
    version_facet = facets.get("version")
    version = (v.version(f"{where}.facets.version.datasetVersion", version_facet["datasetVersion"])
               if version_facet else UNVERSIONED)
    snapshot = _dataset_version(changes, at, namespace, name, version)
    changes.mentions.append(Mention(where, "Dataset", (namespace, name), writes=writes, part=("DatasetVersion", snapshot),
                                    nodes=(("Dataset", (namespace, name)), ("DatasetVersion", snapshot)),
                                    **_claim(ownership)))
    return snapshot


def _dataset_version(changes: GraphChanges, at: datetime, namespace: str, name: str, version: str) -> tuple[str, str, str]:
    changes.node("DatasetVersion", at, namespace=namespace, name=name, version=version)
    return namespace, name, version


def _read_model_version(item: dict, at: datetime, changes: GraphChanges, where: str, *,
                        writes: bool) -> tuple[str, str] | None:
    """The model version an input or output is, when it carries the lineagegraph_modelVersion facet."""
    facet = (item.get("facets") or {}).get(MODEL_VERSION_FACET)
    if facet is None:
        return None
    prefix = f"{where}.facets.{MODEL_VERSION_FACET}"
    _check(facet, FACETS_SCHEMA_FILE, "ModelVersionDatasetFacet", prefix)
    model = v.identifier(f"{prefix}.modelName", facet["modelName"])
    version = v.version(f"{prefix}.version", facet["version"])
    digest = facet.get("artifactDigest")
    fields = {
        "framework": _optional(v.identifier, f"{prefix}.framework", facet.get("framework")),
        "artifact_uri": _optional(v.uri, f"{prefix}.artifactUri", facet.get("artifactUri")),
        "license": _optional(v.license_id, f"{prefix}.license", facet.get("license")),
        "description": v.description(f"{prefix}.description", facet.get("description")),
        "aliases": v.tags(f"{prefix}.aliases", facet.get("aliases")),
    }
    # Field by field, unlike a standard facet (which states its whole group): a field the event
    # leaves out keeps its value, e.g. a license registered through GraphQL. Each stated field is
    # the latest event's, so the merge stays commutative.
    facets = {f"mv_{name}": {name: value} for name, value in fields.items() if value is not None}
    tags = v.tags(f"{prefix}.tags", facet.get("tags"))
    if tags is not None:
        facets["mv_tags"] = {"tags": tags, "tags_text": " ".join(tags)}
    changes.node("Model", at, name=model)
    changes.node("ModelVersion", at, facets=facets,
                 extra={"artifact_digest": _optional(v.sha256, f"{prefix}.artifactDigest", digest)},
                 model_name=model, version=version)
    nodes = [("Model", (model,)), ("ModelVersion", (model, version))]
    for index, metric in enumerate(facet.get("metrics") or []):
        mwhere = f"{prefix}.metrics[{index}]"
        ref = metric["dataset"]
        dataset = (v.namespace(f"{mwhere}.dataset.namespace", ref["namespace"]),
                   v.text_key(f"{mwhere}.dataset.name", ref["name"], max_length=v.MAX_NAME))
        dataset_version = v.version(f"{mwhere}.dataset.version", ref["version"]) if "version" in ref else UNVERSIONED
        changes.node("Dataset", at, namespace=dataset[0], name=dataset[1])
        snapshot = _dataset_version(changes, at, *dataset, dataset_version)
        # A metric measured on a dataset version reads it, whoever owns it.
        changes.mentions.append(Mention(f"{mwhere}.dataset", "Dataset", dataset, writes=False,
                                        part=("DatasetVersion", snapshot),
                                        nodes=(("Dataset", dataset), ("DatasetVersion", snapshot))))
        name = v.identifier(f"{mwhere}.name", metric["name"])
        changes.node("Evaluation", at, facets={"value": {"value": v.finite(f"{mwhere}.value", metric["value"])}},
                     model_name=model, version=version, metric=name,
                     dataset_namespace=dataset[0], dataset_name=dataset[1], dataset_version=dataset_version)
        nodes.append(("Evaluation", (model, version, name, *snapshot)))
    changes.mentions.append(Mention(where, "Model", (model,), writes=writes, part=("ModelVersion", (model, version)),
                                    nodes=tuple(nodes)))
    return model, version


def _documentation(facets: dict, where: str) -> dict[str, dict]:
    doc = facets.get("documentation")
    return {"documentation": {"description": v.description(f"{where}.documentation.description", doc["description"])}} if doc else {}


def _ownership(facets: dict, where: str, at: datetime, changes: GraphChanges) -> dict[str, dict]:
    ownership = facets.get("ownership")
    if not ownership:
        return {}
    owners = [owner["name"] for owner in ownership.get("owners") or []]
    # OpenLineage's convention names a team owner `team:<name>`; the first one is the owning team.
    teams = [name.split(":", 1)[1] for name in owners if name.startswith("team:")]
    team = v.identifier(f"{where}.ownership.owners", teams[0]) if teams else None
    if team is not None:
        changes.node("Team", at, name=team)
    return {"ownership": {"owners": [_bounded(name) for name in owners], "owner": team}}


def _claim(ownership: dict[str, dict]) -> dict[str, Any]:
    """The Mention fields of an ownership facet read by `_ownership`."""
    if not ownership:
        return {}
    return {"ownership": True, "new_owner": ownership["ownership"]["owner"]}


def _tags(facets: dict, where: str) -> dict[str, dict]:
    tags_facet = facets.get("tags")
    if not tags_facet:
        return {}
    tags = []
    for tag in tags_facet.get("tags") or []:
        text = tag["key"] if tag["value"] in ("", "true") else f"{tag['key']}:{tag['value']}"
        tags.append(text.lower())
    checked = v.tags(f"{where}.tags", tags) or []
    return {"tags": {"tags": checked, "tags_text": " ".join(checked)}}


def _optional(check, where: str, value):
    return None if value is None else check(where, value)


def _bounded(text: str, limit: int = 2_000) -> str:
    return text[:limit]


