"""The bulk-import format (README "Bulk import"), read and checked row by row before anything is written.

An import is a directory of JSON Lines files, one per kind (`teams.jsonl`, `datasets.jsonl`,
`dataset_versions.jsonl`, `features.jsonl`, `jobs.jsonl`, `runs.jsonl`, `models.jsonl`,
`model_versions.jsonl`, `deployments.jsonl`; a kind without a file has no rows), or one JSON Lines
file whose every line names its kind (`"kind": "dataset_version"`). A row is what the registration
of that kind takes, in the stored fields' names, plus its lineage as the GraphQL registrations give
it: a run's `inputs` / `outputs`, a feature's `derived_from_*`, a model version's `derived_from` and
`stages` (its stage history), a deployment's `serving` history. References are natural keys, to
rows of the same import. Every row may give `id` (a UUID; one is made when not), `created_at`,
`created_by`, `updated_at`, `updated_by` (default: the import's time and principal, updated as
created); a link may give `at` (default: when the later of its two ends was created).

Every value is checked with the rules the API applies (app/core/validation.py, the vocabulary), every
key must be unique and every reference must name a row; the first problems found are reported with
their file and line (`InvalidImport`), and then nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core import validation as v
from app.core import vocabulary
from app.core.errors import DomainError, InvalidInput

# The kinds in the order they are created (a row's parents first), with their file names.
KINDS = ("team", "dataset", "dataset_version", "feature", "job", "run", "model", "model_version", "deployment")
FILES = {"team": "teams.jsonl", "dataset": "datasets.jsonl", "dataset_version": "dataset_versions.jsonl",
         "feature": "features.jsonl", "job": "jobs.jsonl", "run": "runs.jsonl", "model": "models.jsonl",
         "model_version": "model_versions.jsonl", "deployment": "deployments.jsonl"}
LABELS = {"team": "Team", "dataset": "Dataset", "dataset_version": "DatasetVersion", "feature": "Feature",
          "job": "Job", "run": "Run", "model": "Model", "model_version": "ModelVersion", "deployment": "Deployment"}

# The lineage edges, by shape: name -> (source kind, edge type, target kind).
EDGES = {
    "used_dataset_versions": ("run", "USED", "dataset_version"),
    "used_features": ("run", "USED", "feature"),
    "used_model_versions": ("run", "USED", "model_version"),
    "generated_dataset_versions": ("dataset_version", "WAS_GENERATED_BY", "run"),
    "generated_model_versions": ("model_version", "WAS_GENERATED_BY", "run"),
    "feature_datasets": ("feature", "WAS_DERIVED_FROM", "dataset"),
    "feature_dataset_versions": ("feature", "WAS_DERIVED_FROM", "dataset_version"),
    "model_version_parents": ("model_version", "WAS_DERIVED_FROM", "model_version"),
    "serves": ("deployment", "SERVES", "model_version"),
    "stages": ("model_version", "IN_STAGE", "stage"),
}

# The fields a row of each kind may carry (anything else is refused: a misspelt field is not data).
_STAMPS = {"id", "created_at", "created_by", "updated_at", "updated_by", "kind"}
_FIELDS = {
    "team": {"name", "description"},
    "dataset": {"namespace", "name", "owner", "description", "license", "privacy", "tags", "schema"},
    "dataset_version": {"namespace", "name", "version", "digest", "row_count", "description", "uri"},
    "feature": {"group", "name", "owner", "dtype", "transformation", "description", "tags",
                "derived_from_datasets", "derived_from_dataset_versions"},
    "job": {"namespace", "name", "owner", "description", "tags"},
    "run": {"run_id", "job_namespace", "job_name", "state", "started_at", "ended_at", "code_repository",
            "code_commit", "parameters", "inputs", "outputs"},
    "model": {"name", "owner", "description", "risk_tier", "tags"},
    "model_version": {"model_name", "version", "artifact_uri", "artifact_digest", "framework", "license",
                      "compliance_flags", "description", "tags", "derived_from", "stages"},
    "deployment": {"environment", "name", "endpoint", "status", "serving"},
}
_INPUTS = {"dataset_versions", "features", "model_versions"}
_OUTPUTS = {"dataset_versions", "model_versions"}


class InvalidImport(DomainError):
    """Rows that break the format or the registry's rules: each problem names its file and line."""

    code = "BAD_USER_INPUT"
    http_status = 422

    def __init__(self, problems: list[str], more: int = 0):
        tail = f"\n… and {more} more" if more else ""
        super().__init__(f"{len(problems) + more} problem(s); nothing was imported:\n" + "\n".join(problems) + tail)
        self.problems = problems


@dataclass
class Node:
    """One node to create: its properties exactly as the service stores them, where it was read."""

    kind: str
    key: tuple
    props: dict[str, Any]
    origin: str  # file:line
    parent: tuple | None = None  # the key of its owner team, dataset, job or model
    created_at: datetime | None = None


@dataclass
class Parsed:
    """A checked import: nodes by kind, edges by shape (source id, target id or stage name, properties)."""

    nodes: dict[str, list[Node]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    edges: dict[str, list[tuple[str, str, dict]]] = field(default_factory=lambda: {name: [] for name in EDGES})
    digest: str = ""
    files: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def node_count(self) -> int:
        return sum(len(nodes) for nodes in self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(len(edges) for edges in self.edges.values())

    def counts(self) -> dict[str, int]:
        return {LABELS[kind]: len(nodes) for kind, nodes in self.nodes.items() if nodes}

    def edge_counts(self) -> dict[str, int]:
        return {name: len(edges) for name, edges in self.edges.items() if edges}


class _Problem(Exception):
    pass


MAX_PROBLEMS = 20


def input_files(path: Path) -> list[Path]:
    """The files of an import: a directory's kind files (in creation order), or the one file."""
    if path.is_dir():
        found = [path / FILES[kind] for kind in KINDS if (path / FILES[kind]).is_file()]
        strays = sorted(p.name for p in path.glob("*.jsonl") if p.name not in FILES.values())
        if strays:
            raise InvalidImport([f"{path}: {', '.join(strays)} names no kind (expected {', '.join(FILES.values())})"])
        if not found:
            raise InvalidImport([f"{path}: no import file (expected some of {', '.join(FILES.values())})"])
        return found
    if path.is_file():
        return [path]
    raise InvalidImport([f"{path}: no such file or directory"])


def parse(path: Path, *, principal: str, now: datetime, skew: timedelta = timedelta(minutes=5),
          make_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> Parsed:
    """Read and check the whole import at `path`; raises InvalidImport naming every problem's file:line."""
    reader = _Reader(principal=principal, now=now, skew=skew, make_id=make_id)
    files = input_files(path)
    digest = hashlib.sha256()
    rows: dict[str, list[tuple[str, dict]]] = {kind: [] for kind in KINDS}
    for file in files:
        kind_of_file = next((kind for kind, name in FILES.items() if file.name == name and file.parent == path), None)
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                digest.update(line)
                if not line.strip():
                    continue
                origin = f"{file}:{number}"
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    reader.problem(f"{origin}: not JSON ({exc})")
                    continue
                if not isinstance(row, dict):
                    reader.problem(f"{origin}: a row is a JSON object, not {type(row).__name__}")
                    continue
                kind = kind_of_file or row.get("kind")
                if kind_of_file is not None and row.get("kind") not in (None, kind_of_file):
                    reader.problem(f"{origin}: kind {row.get('kind')!r} in {file.name}, which holds {kind_of_file} rows")
                    continue
                if kind not in FILES:
                    reader.problem(f"{origin}: kind {kind!r} is not one of {', '.join(KINDS)}")
                    continue
                rows[kind].append((origin, row))
    parsed = reader.build(rows)
    parsed.digest = "sha256:" + digest.hexdigest()
    parsed.files = [str(f) for f in files]
    parsed.rows = sum(len(r) for r in rows.values())
    return parsed


class _Reader:
    """Builds the nodes and edges kind by kind (parents first), collecting problems."""

    def __init__(self, *, principal: str, now: datetime, skew: timedelta, make_id: Callable[[], str]):
        self.principal = principal
        self.now = now
        self.skew = skew
        self.make_id = make_id
        self.problems: list[str] = []
        self.more = 0
        self.parsed = Parsed()
        self.by_key: dict[str, dict[tuple, Node]] = {kind: {} for kind in KINDS}
        self.ids: dict[str, str] = {}  # id -> origin

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)
        else:
            self.more += 1

    def build(self, rows: dict[str, list[tuple[str, dict]]]) -> Parsed:
        pending_links: list[Callable[[], None]] = []
        for kind in KINDS:
            build = getattr(self, f"_{kind}")
            for origin, row in rows[kind]:
                try:
                    unknown = set(row) - _FIELDS[kind] - _STAMPS
                    if unknown:
                        raise InvalidInput(f"unknown field(s) {', '.join(sorted(unknown))} for a {kind} "
                                           f"(known: {', '.join(sorted(_FIELDS[kind]))})")
                    node, links = build(row, origin)
                    self._add(node)
                    if links is not None:
                        pending_links.append(links)
                except (InvalidInput, _Problem) as exc:
                    self.problem(f"{origin}: {_message(exc)}")
        for links in pending_links:  # every node is known now: references to later kinds resolve
            try:
                links()
            except (InvalidInput, _Problem) as exc:
                self.problem(_message(exc))
        if self.problems:
            raise InvalidImport(self.problems, self.more)
        return self.parsed

    # --- shared checks -------------------------------------------------------------------------
    def _add(self, node: Node) -> None:
        seen = self.by_key[node.kind].get(node.key)
        if seen is not None:
            raise _Problem(f"{node.kind} {_describe(node.key)} is already at {seen.origin}")
        node_id = node.props["id"]
        if node_id in self.ids:
            raise _Problem(f"id {node_id} is already at {self.ids[node_id]}")
        self.ids[node_id] = node.origin
        self.by_key[node.kind][node.key] = node
        self.parsed.nodes[node.kind].append(node)

    def _stamps(self, row: dict, *, created_default: datetime | None = None,
                updated_default: datetime | None = None) -> dict[str, Any]:
        node_id = row.get("id")
        if node_id is None:
            node_id = self.make_id()
        else:
            node_id = v.text_key("id", _text("id", node_id), max_length=128)
        created_at = self._time("created_at", row.get("created_at")) or created_default or self.now
        created_by = self._principal("created_by", row.get("created_by")) or self.principal
        updated_at = self._time("updated_at", row.get("updated_at")) or updated_default or created_at
        if updated_at < created_at:
            raise InvalidInput("updated_at must not be before created_at")
        updated_by = self._principal("updated_by", row.get("updated_by")) or created_by
        return {"id": node_id, "created_at": created_at, "created_by": created_by, "updated_at": updated_at,
                "updated_by": updated_by}

    def _time(self, name: str, value: Any) -> datetime | None:
        if value is None:
            return None
        return v.happened_at(name, _datetime(name, value), self.now, skew=self.skew)

    def _principal(self, name: str, value: Any) -> str | None:
        return None if value is None else v.text_key(name, _text(name, value), max_length=128)

    def _owner(self, row: dict) -> tuple | None:
        owner = row.get("owner")
        if owner is None:
            return None
        key = (v.identifier("owner", _text("owner", owner)),)
        if key not in self.by_key["team"]:
            raise _Problem(f"owner team {owner!r} is not in the import")
        return key

    def _tags(self, row: dict, props: dict) -> None:
        tags = v.tags("tags", _list("tags", row.get("tags")))
        if tags is not None:
            props["tags"] = tags
            props["tags_text"] = " ".join(tags)

    def _ref(self, kind: str, ref: Any, where: str) -> Node:
        if not isinstance(ref, dict):
            raise InvalidInput(f"{where}: a reference is an object of {', '.join(_REF_FIELDS[kind])}")
        key = tuple(ref.get(name) for name in _REF_FIELDS[kind])
        node = self.by_key[kind].get(key)
        if node is None:
            raise _Problem(f"{where}: {kind} {_describe(key)} is not in the import")
        return node

    def _links(self, origin: str, source: Node, shape: str, kind: str, refs: Any, where: str,
               outputs: bool = False) -> None:
        """The edges from `source` to each reference (or, for a run's `outputs`, from each to it). The
        hot loop of a read: error texts are only made for an error."""
        if refs is None:
            return
        fields, table, edges = _REF_FIELDS[kind], self.by_key[kind], self.parsed.edges[shape]
        source_id, source_created = source.props["id"], source.props["created_at"]
        seen = set()
        for index, ref in enumerate(_list(where, refs)):
            target = table.get(tuple(map(ref.get, fields))) if type(ref) is dict else None
            if target is None:
                self._ref(kind, ref, f"{origin}: {where}[{index}]")  # raises, saying why
            if target.key in seen:
                continue  # the API de-duplicates references too
            if target is source:
                raise _Problem(f"{origin}: {where}[{index}]: a {kind} cannot be derived from itself")
            seen.add(target.key)
            at = ref.get("at")
            target_created = target.props["created_at"]
            if at is not None:
                at = self._time(f"{where}[{index}].at", at)
            else:  # the link exists once both ends do
                at = source_created if source_created >= target_created else target_created
            if outputs:
                edges.append((target.props["id"], source_id, {"created_at": at}))
            else:
                edges.append((source_id, target.props["id"], {"created_at": at}))

    # --- one builder per kind: (node, a closure adding its links once every node is known) -------
    def _team(self, row: dict, origin: str):
        props = {"name": v.identifier("name", _text("name", row.get("name")))}
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        props.update(self._stamps(row))
        return Node("team", (props["name"],), props, origin), None

    def _dataset(self, row: dict, origin: str):
        props = {"namespace": v.namespace("namespace", _text("namespace", row.get("namespace"))),
                 "name": v.text_key("name", _text("name", row.get("name")), max_length=v.MAX_NAME)}
        owner = self._owner(row)
        _set(props, "owner", owner and owner[0])
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        _set(props, "license", _optional(v.license_id, "license", row.get("license")))
        _set(props, "privacy", v.one_of("privacy", _opt_text("privacy", row.get("privacy")), vocabulary.PRIVACY_CLASSES))
        _set(props, "schema_fields", _schema(row.get("schema")))
        self._tags(row, props)
        props.update(self._stamps(row))
        return Node("dataset", (props["namespace"], props["name"]), props, origin, parent=owner), None

    def _dataset_version(self, row: dict, origin: str):
        key = (v.namespace("namespace", _text("namespace", row.get("namespace"))),
               v.text_key("name", _text("name", row.get("name")), max_length=v.MAX_NAME),
               v.version("version", _text("version", row.get("version"))))
        dataset = self.by_key["dataset"].get(key[:2])
        if dataset is None:
            raise _Problem(f"dataset {_describe(key[:2])} is not in the import")
        props = {"namespace": key[0], "name": key[1], "version": key[2], "dataset_id": dataset.props["id"],
                 "quarantined": False}
        _set(props, "digest", _optional(v.sha256, "digest", row.get("digest")))
        row_count = row.get("row_count")
        if row_count is not None and (not isinstance(row_count, int) or isinstance(row_count, bool)):
            raise InvalidInput(f"row_count {row_count!r} is not an integer")
        _set(props, "row_count", v.non_negative("row_count", row_count))
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        _set(props, "uri", _optional(v.uri, "uri", row.get("uri")))
        props.update(self._stamps(row))
        return Node("dataset_version", key, props, origin, parent=key[:2]), None

    def _feature(self, row: dict, origin: str):
        props = {"group": v.identifier("group", _text("group", row.get("group"))),
                 "name": v.identifier("name", _text("name", row.get("name")))}
        owner = self._owner(row)
        _set(props, "owner", owner and owner[0])
        _set(props, "dtype", _optional(v.identifier, "dtype", row.get("dtype")))
        _set(props, "transformation", v.description("transformation", _opt_text("transformation", row.get("transformation"))))
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        self._tags(row, props)
        props.update(self._stamps(row))
        node = Node("feature", (props["group"], props["name"]), props, origin, parent=owner)

        def links() -> None:
            self._links(origin, node, "feature_datasets", "dataset", row.get("derived_from_datasets"),
                        "derived_from_datasets")
            self._links(origin, node, "feature_dataset_versions", "dataset_version",
                        row.get("derived_from_dataset_versions"), "derived_from_dataset_versions")

        return node, links

    def _job(self, row: dict, origin: str):
        props = {"namespace": v.namespace("namespace", _text("namespace", row.get("namespace"))),
                 "name": v.text_key("name", _text("name", row.get("name")))}
        owner = self._owner(row)
        _set(props, "owner", owner and owner[0])
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        self._tags(row, props)
        props.update(self._stamps(row))
        return Node("job", (props["namespace"], props["name"]), props, origin, parent=owner), None

    def _run(self, row: dict, origin: str):
        job_key = (v.namespace("job_namespace", _text("job_namespace", row.get("job_namespace"))),
                   v.text_key("job_name", _text("job_name", row.get("job_name"))))
        if job_key not in self.by_key["job"]:
            raise _Problem(f"job {_describe(job_key)} is not in the import")
        props = {"run_id": v.text_key("run_id", _text("run_id", row.get("run_id")), max_length=128),
                 "job_namespace": job_key[0], "job_name": job_key[1]}
        _set(props, "state", v.one_of("state", _opt_text("state", row.get("state")), vocabulary.RUN_STATES))
        started, ended = self._time("started_at", row.get("started_at")), self._time("ended_at", row.get("ended_at"))
        if started and ended and ended < started:
            raise InvalidInput("ended_at must not be before started_at")
        _set(props, "started_at", started)
        _set(props, "ended_at", ended)
        _set(props, "code_repository", _optional(v.uri, "code_repository", row.get("code_repository")))
        _set(props, "code_commit", _optional(v.git_commit, "code_commit", row.get("code_commit")))
        parameters = row.get("parameters")
        if parameters is not None:
            if not isinstance(parameters, dict) or not all(isinstance(x, str) for x in parameters.values()):
                raise InvalidInput("parameters is an object of texts")
            props["parameters"] = json.dumps(v.parameters("parameters", parameters), sort_keys=True)
        props.update(self._stamps(row, created_default=started, updated_default=ended))
        node = Node("run", (props["run_id"],), props, origin, parent=job_key)
        inputs, outputs = _object("inputs", row.get("inputs"), _INPUTS), _object("outputs", row.get("outputs"), _OUTPUTS)

        def links() -> None:
            self._links(origin, node, "used_dataset_versions", "dataset_version", inputs.get("dataset_versions"),
                        "inputs.dataset_versions")
            self._links(origin, node, "used_features", "feature", inputs.get("features"), "inputs.features")
            self._links(origin, node, "used_model_versions", "model_version", inputs.get("model_versions"),
                        "inputs.model_versions")
            self._links(origin, node, "generated_dataset_versions", "dataset_version",
                        outputs.get("dataset_versions"), "outputs.dataset_versions", outputs=True)
            self._links(origin, node, "generated_model_versions", "model_version", outputs.get("model_versions"),
                        "outputs.model_versions", outputs=True)

        return node, links

    def _model(self, row: dict, origin: str):
        props = {"name": v.identifier("name", _text("name", row.get("name")))}
        owner = self._owner(row)
        _set(props, "owner", owner and owner[0])
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        _set(props, "risk_tier", v.one_of("risk_tier", _opt_text("risk_tier", row.get("risk_tier")), vocabulary.RISK_TIERS))
        self._tags(row, props)
        props.update(self._stamps(row))
        return Node("model", (props["name"],), props, origin, parent=owner), None

    def _model_version(self, row: dict, origin: str):
        key = (v.identifier("model_name", _text("model_name", row.get("model_name"))),
               v.version("version", _text("version", row.get("version"))))
        model = self.by_key["model"].get(key[:1])
        if model is None:
            raise _Problem(f"model {key[0]!r} is not in the import")
        props = {"model_name": key[0], "version": key[1], "model_id": model.props["id"], "quarantined": False}
        _set(props, "artifact_uri", _optional(v.uri, "artifact_uri", row.get("artifact_uri")))
        _set(props, "artifact_digest", _optional(v.sha256, "artifact_digest", row.get("artifact_digest")))
        _set(props, "framework", _optional(v.identifier, "framework", row.get("framework")))
        _set(props, "license", _optional(v.license_id, "license", row.get("license")))
        _set(props, "compliance_flags", v.tags("compliance_flags", _list("compliance_flags", row.get("compliance_flags"))))
        _set(props, "description", v.description("description", _opt_text("description", row.get("description"))))
        self._tags(row, props)
        props.update(self._stamps(row))
        spans = self._spans(row.get("stages"), "stages", props, "stage", vocabulary.STAGES)
        if not spans:  # a version starts in DEVELOPMENT when it is registered
            spans = [{"stage": "DEVELOPMENT", "since": props["created_at"], "by": props["created_by"]}]
        props["stage"] = spans[-1]["stage"]
        node = Node("model_version", key, props, origin, parent=key[:1])
        for span in spans:
            edge = {"since": span["since"], "by": span["by"]}
            _set(edge, "until", span.get("until"))
            self.parsed.edges["stages"].append((props["id"], span["stage"], edge))

        def links() -> None:
            self._links(origin, node, "model_version_parents", "model_version", row.get("derived_from"), "derived_from")

        return node, links

    def _deployment(self, row: dict, origin: str):
        environment = _text("environment", row.get("environment"))
        props = {"environment": v.one_of("environment", environment.lower(), vocabulary.ENVIRONMENTS),
                 "name": v.identifier("name", _text("name", row.get("name")))}
        _set(props, "endpoint", _optional(v.uri, "endpoint", row.get("endpoint")))
        _set(props, "status", v.one_of("status", _opt_text("status", row.get("status")), vocabulary.DEPLOYMENT_STATUSES))
        stamps = self._stamps(row)
        serving = _list("serving", row.get("serving")) or []
        props.update(stamps)
        node = Node("deployment", (props["environment"], props["name"]), props, origin)

        def links() -> None:
            spans = self._spans(serving, "serving", props, "model_version", None, origin=origin)
            if spans:
                props["since"] = spans[-1]["since"]
                if row.get("updated_at") is None:  # switching what it serves updates a deployment
                    props["updated_at"] = max(props["updated_at"], spans[-1]["since"])
            for span in spans:
                edge = {"since": span["since"], "by": span["by"]}
                _set(edge, "until", span.get("until"))
                self.parsed.edges["serves"].append((props["id"], span["target"], edge))

        return node, links

    def _spans(self, items: Any, where: str, props: dict, target: str, allowed: tuple[str, ...] | None,
               origin: str = "") -> list[dict]:
        """A history of [since, until) spans, oldest first, only the last one open."""
        prefix = f"{origin}: " if origin else ""
        spans = []
        for index, item in enumerate(_list(where, items) or ()):
            at = f"{where}[{index}]"
            if not isinstance(item, dict):
                raise InvalidInput(f"{prefix}{at} is an object with since, until and by")
            span = {"since": self._time(f"{at}.since", item.get("since")) or props["created_at"],
                    "until": self._time(f"{at}.until", item.get("until")),
                    "by": self._principal(f"{at}.by", item.get("by")) or props["created_by"]}
            if allowed is not None:
                span["stage"] = v.one_of(f"{at}.stage", _text(f"{at}.stage", item.get("stage")), allowed)
            else:
                span["target"] = self._ref("model_version", item, f"{prefix}{at}").props["id"]
            if span["until"] is not None and span["until"] < span["since"]:
                raise InvalidInput(f"{prefix}{at}: until is before since")
            if spans and (spans[-1]["until"] is None or spans[-1]["until"] > span["since"]):
                raise InvalidInput(f"{prefix}{at}: starts before the span before it ends (oldest first, one open "
                                   "span: the last)")
            spans.append(span)
        return spans


_REF_FIELDS = {"dataset": ("namespace", "name"), "dataset_version": ("namespace", "name", "version"),
               "feature": ("group", "name"), "model_version": ("model_name", "version")}


def _datetime(name: str, value: Any) -> datetime:
    """An ISO 8601 time as an aware UTC datetime (the GraphQL scalar's reading; the standard
    library's parser first, it is ten times faster on the usual forms)."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    try:
        return v.parse_datetime(value)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.message}") from None


def _message(exc: Exception) -> str:
    return exc.message if isinstance(exc, DomainError) else str(exc)


def _describe(key: tuple) -> str:
    return "/".join(str(part) for part in key)


def _set(props: dict, name: str, value: Any) -> None:
    """Only the fields given: an absent one is no property, as the registrations leave it."""
    if value is not None:
        props[name] = value


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} is required, a text" if value is None else f"{name} {value!r} is not a text")
    return value


def _opt_text(name: str, value: Any) -> str | None:
    return None if value is None else _text(name, value)


def _optional(check, name: str, value: Any):
    return None if value is None else check(name, _text(name, value))


def _list(name: str, value: Any) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise InvalidInput(f"{name} is a list, not {type(value).__name__}")
    return v.bounded_list(name, value, max_items=100_000)


def _object(name: str, value: Any, allowed: set[str]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - allowed:
        raise InvalidInput(f"{name} is an object of {', '.join(sorted(allowed))}")
    return value


def _schema(value: Any) -> str | None:
    """A dataset's schema fields as the catalog stores them: JSON text of [{name, type}]."""
    fields = _list("schema", value)
    if fields is None:
        return None
    seen, out = set(), []
    for index, item in enumerate(fields):
        if not isinstance(item, dict) or set(item) != {"name", "type"}:
            raise InvalidInput(f"schema[{index}] is an object of name and type")
        name = v.text_key("schema.name", _text("schema.name", item["name"]), max_length=255)
        kind = v.text_key("schema.type", _text("schema.type", item["type"]), max_length=128)
        if name in seen:
            raise InvalidInput(f"schema names field {name!r} twice.")
        seen.add(name)
        out.append({"name": name, "type": kind})
    return json.dumps(out)
