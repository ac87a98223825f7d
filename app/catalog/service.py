"""Catalog rules: validation, idempotent registration on natural keys, immutable facts, links.

Every public function is one use case in one transaction: when any part fails, nothing
of it is written. Registering the same thing twice changes nothing and returns the same
node; a re-registration that contradicts an immutable fact (a digest) is a `Conflict`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core import limits
from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.catalog import repository
from app.core import validation as v
from app.core import vocabulary
from app.core.kinds import Kind, Kinds
from app.core.db import Database, Tx
from app.auth import scope
from app.core.access import Principal
from app.core.actor import Actor
from app.core.errors import Conflict, InvalidInput, NotFound
from app.governance import deployment as deployment_gate
from app.governance.policy import Policies


# --- references and inputs (plain data; the GraphQL layer builds them) -------------------

@dataclass(frozen=True)
class DatasetRef:
    namespace: str
    name: str

@dataclass(frozen=True)
class DatasetVersionRef:
    namespace: str
    name: str
    version: str

@dataclass(frozen=True)
class FeatureRef:
    group: str
    name: str

@dataclass(frozen=True)
class ModelVersionRef:
    model_name: str
    version: str

@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    dataset_version: DatasetVersionRef

@dataclass(frozen=True)
class SchemaField:
    name: str
    type: str

@dataclass
class RunIO:
    """What a run read and wrote, by reference."""

    used_dataset_versions: list[DatasetVersionRef] = field(default_factory=list)
    used_features: list[FeatureRef] = field(default_factory=list)
    used_model_versions: list[ModelVersionRef] = field(default_factory=list)
    generated_dataset_versions: list[DatasetVersionRef] = field(default_factory=list)
    generated_model_versions: list[ModelVersionRef] = field(default_factory=list)

@dataclass(frozen=True)
class Registered:
    """A registration's answer: the node as stored, and whether this call created or changed it."""

    node: dict
    created: bool
    changed: bool
    # The values this call replaced, by field (for the audit trail's `before`).
    previous: dict = field(default_factory=dict)

# --- registration use cases --------------------------------------------------------------

async def register_team(db: Database, actor: Actor, *, name: str, description: str | None = None) -> Registered:
    """Register a team by name, or update its description."""
    params = {"name": v.identifier("name", name), "props": _props(description=v.description("description", description))}
    return await db.write(_upsert_audited, "registerTeam", Kinds.TEAM.value, params, actor)

async def register_dataset(
    db: Database, actor: Actor, *, namespace: str, name: str, owner: str | None = None,
    description: str | None = None, tags: list[str] | None = None, license: str | None = None,
    privacy: str | None = None, schema: list[SchemaField] | None = None,
) -> Registered:
    """Register a dataset by (namespace, name), or update the fields given."""
    props = _props(
        description=v.description("description", description),
        license=_optional(v.license_id, "license", license),
        privacy=v.one_of("privacy", privacy, vocabulary.PRIVACY_CLASSES),
        schema_fields=_schema_json(schema),
        **_tag_props(tags),
    )
    params = {"namespace": v.namespace("namespace", namespace), "name": v.text_key("name", name, max_length=v.MAX_NAME),
              "owner": _owner(owner), "props": _with_owner(props, owner)}
    return await db.write(_upsert_audited, "registerDataset", Kinds.DATASET.value, params, actor,
                          missing=_team_missing(owner))

async def register_dataset_version(
    db: Database, actor: Actor, *, namespace: str, name: str, version: str, digest: str | None = None,
    row_count: int | None = None, created_at: datetime | None = None, description: str | None = None,
    uri: str | None = None,
) -> Registered:
    """Register an immutable snapshot of a dataset; its digest can never change afterwards."""
    params = _dataset_version_params(namespace, name, version, digest, row_count,
                                     _reported_time(actor, "createdAt", created_at), description, uri)

    async def work(tx: Tx) -> Registered:
        registered = await _upsert_dataset_version(tx, params, actor)
        _audit(tx, actor, "registerDatasetVersion", Kinds.DATASET_VERSION.value, registered, params)
        return registered

    return await db.write(work)

async def register_feature(
    db: Database, actor: Actor, *, group: str, name: str, owner: str | None = None, dtype: str | None = None,
    transformation: str | None = None, description: str | None = None, tags: list[str] | None = None,
    derived_from_datasets: list[DatasetRef] | None = None,
    derived_from_dataset_versions: list[DatasetVersionRef] | None = None, at: datetime | None = None,
) -> Registered:
    """Register a feature definition and the datasets (or snapshots) it is computed from, derived
    since `at` (default now)."""
    props = _props(
        dtype=_optional(v.identifier, "dtype", dtype),
        transformation=v.description("transformation", transformation),
        description=v.description("description", description),
        **_tag_props(tags),
    )
    group, name = v.identifier("group", group), v.identifier("name", name)
    params = {"group": group, "name": name, "owner": _owner(owner), "props": _with_owner(props, owner)}
    datasets = _refs("derivedFromDatasets", derived_from_datasets, _dataset_ref)
    versions = _refs("derivedFromDatasetVersions", derived_from_dataset_versions, _dataset_version_ref)
    linked_at = actor.happened("at", at)

    async def work(tx: Tx) -> Registered:
        registered = await _upsert(tx, Kinds.FEATURE.value, params, actor, missing=_team_missing(owner))
        anchor = {"group": group, "name": name, "at": linked_at}
        added = await _link(tx, repository.Link.link_feature_derived_from_datasets, datasets, anchor)
        added += await _link(tx, repository.Link.link_feature_derived_from_dataset_versions, versions, anchor)
        registered = _with_links(registered, added)
        _audit(tx, actor, "registerFeature", Kinds.FEATURE.value, registered, params,
               derived_from_datasets=_keys(Kinds.DATASET.value, datasets),
               derived_from_dataset_versions=_keys(Kinds.DATASET_VERSION.value, versions),
               linked_at=_reported(actor, linked_at))
        return registered

    return await db.write(work)

async def register_job(
    db: Database, actor: Actor, *, namespace: str, name: str, owner: str | None = None,
    description: str | None = None, tags: list[str] | None = None,
) -> Registered:
    """Register a pipeline or training job by (namespace, name)."""
    props = _props(description=v.description("description", description), **_tag_props(tags))
    params = {"namespace": v.namespace("namespace", namespace), "name": v.text_key("name", name),
              "owner": _owner(owner), "props": _with_owner(props, owner)}
    return await db.write(_upsert_audited, "registerJob", Kinds.JOB.value, params, actor,
                          missing=_team_missing(owner))

async def register_run(
    db: Database, actor: Actor, *, run_id: str, job_namespace: str, job_name: str, state: str | None = None,
    started_at: datetime | None = None, ended_at: datetime | None = None,
    code_repository: str | None = None, code_commit: str | None = None,
    parameters: dict[str, str] | None = None, io: RunIO | None = None,
) -> Registered:
    """Register one execution of a job, with what it used and what it produced."""
    params = _run_params(run_id, job_namespace, job_name, state, _reported_time(actor, "startedAt", started_at),
                         _reported_time(actor, "endedAt", ended_at), code_repository, code_commit, parameters)
    io_refs = _run_io_refs(io or RunIO())

    async def work(tx: Tx) -> Registered:
        registered = await _upsert_run(tx, params, actor)
        registered = _with_links(registered, await _link_run_io(tx, params["run_id"], io_refs, actor.now, actor.access))
        _audit(tx, actor, "registerRun", Kinds.RUN.value, registered, params, **_io_keys(io_refs))
        return registered

    return await db.write(work)

async def register_model(
    db: Database, actor: Actor, *, name: str, owner: str | None = None, description: str | None = None,
    risk_tier: str | None = None, tags: list[str] | None = None,
) -> Registered:
    """Register a model (the family its versions belong to) by name."""
    props = _props(description=v.description("description", description), risk_tier=v.one_of("riskTier", risk_tier, vocabulary.RISK_TIERS), **_tag_props(tags))
    params = {"name": v.identifier("name", name), "owner": _owner(owner), "props": _with_owner(props, owner)}
    return await db.write(_upsert_audited, "registerModel", Kinds.MODEL.value, params, actor,
                          missing=_team_missing(owner))

@dataclass
class ModelVersionInput:
    model_name: str
    version: str
    artifact_uri: str | None = None
    artifact_digest: str | None = None
    framework: str | None = None
    license: str | None = None
    compliance_flags: list[str] | None = None
    description: str | None = None
    tags: list[str] | None = None
    derived_from: list[ModelVersionRef] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)

async def register_model_version(db: Database, actor: Actor, model_version: ModelVersionInput) -> Registered:
    """Register a model version with its lineage to parent versions and its evaluation metrics."""
    prepared = _prepare_model_version(model_version)

    async def work(tx: Tx) -> Registered:
        registered = await _register_model_version(tx, prepared, actor)
        _audit(tx, actor, "registerModelVersion", Kinds.MODEL_VERSION.value, registered, prepared["params"],
               derived_from=_keys(Kinds.MODEL_VERSION.value, prepared["parents"]),
               metrics=[metric["metric"] for metric in prepared["metrics"]])
        return registered

    return await db.write(work)

async def register_deployment(
    db: Database, actor: Actor, *, policies: Policies, environment: str, name: str, endpoint: str | None = None,
    status: str | None = None, serving: ModelVersionRef | None = None, at: datetime | None = None,
    break_glass_reason: str | None = None,
) -> Registered | deployment_gate.Refusal:
    """Register a deployment and, when given, switch it to serve a model version (history kept).

    A switch is evaluated against the policy's requirements for the environment inside the write
    transaction (app/governance/deployment.py): refused, it writes nothing but the denied attempt's
    audit event and answers a `Refusal` listing every unmet requirement. An admin's break-glass
    reason lets it through, recorded on the SERVES edge and in the audit event. `at` is when the
    switch happened (default now, never in the future beyond the actor's clock skew)."""
    params = {"environment": v.one_of("environment", environment, vocabulary.ENVIRONMENTS), "name": v.identifier("name", name),
              "props": _props(endpoint=_optional(v.uri, "endpoint", endpoint),
                              status=v.one_of("status", status, vocabulary.DEPLOYMENT_STATUSES))}
    serving_ref = model_version_ref(serving, "serving") if serving else None
    switched_at = actor.happened("at", at)
    if at is not None and serving_ref is None:
        raise InvalidInput("at is when the deployment switched to `serving`; give serving with it.", field="at")
    reason = deployment_gate.break_glass_reason(actor.access, break_glass_reason)
    label = f"{params['environment']}/{params['name']}"

    async def work(tx: Tx) -> Registered | deployment_gate.Refusal:
        await repository.lock_deployment_switch(tx, environment=params["environment"], name=params["name"],
                                                **(serving_ref or {}))
        state = await repository.deployment_state(tx, environment=params["environment"], name=params["name"])
        current = state["serving"]
        switching = serving_ref is not None and (current is None or _ref_of(current) != serving_ref)
        if _changes(state["node"], params["props"]) or switching:
            await _authorize_deployment(tx, actor, label, state["team"], serving_ref if switching else None)
        verdict = None
        if switching:
            verdict = await deployment_gate.verdict(tx, policies, params["environment"], serving_ref)
            if verdict is None:
                raise not_found(Kinds.MODEL_VERSION.value, serving_ref)
            if not verdict.allowed and reason is None:
                refusal = deployment_gate.Refusal(
                    params["environment"], params["name"], verdict=verdict,
                    message=f"Deployment {label} may not serve {verdict.model_version}: {len(verdict.unmet)} "
                            f"requirement(s) of {params['environment']} unmet; nothing was changed.")
                deployment_gate.audit_refusal(tx, actor.principal, "registerDeployment", refusal,
                                              target_id=(state["node"] or {}).get("id"),
                                              serving=verdict.model_version)
                return refusal
        registered = await serve(tx, verdict)
        if switching:  # what it served before is a value this call replaced (the audit's, and its event's)
            registered = Registered(node=registered.node, created=registered.created, changed=registered.changed,
                                    previous={**registered.previous, "serving": current and _version_key(current)})
        overrode = verdict.unmet if verdict is not None and reason is not None else []
        links: dict[str, Any] = {"serving": _keys(Kinds.MODEL_VERSION.value, [serving_ref] if serving_ref else [])}
        if switching and at is not None:
            links["at"] = switched_at.isoformat()
        if overrode:
            links["breakGlass"] = {"reason": reason, "overrode": deployment_gate.unmet_summary(overrode)}
        _audit(tx, actor, "registerDeployment", Kinds.DEPLOYMENT.value, registered, params, **links)
        return registered

    async def serve(tx: Tx, verdict) -> Registered:
        registered = await _upsert(tx, Kinds.DEPLOYMENT.value, params, actor)
        if serving_ref is None:
            return registered
        marks = deployment_gate.override_marks(reason, actor.principal, verdict.unmet if verdict else [])
        record = await repository.set_deployment_serving(
            tx, environment=params["environment"], name=params["name"],
            model_name=serving_ref["model_name"], version=serving_ref["version"], now=switched_at,
            principal=actor.principal, marks=marks,
        )
        if record is None:
            raise not_found(Kinds.MODEL_VERSION.value, serving_ref)
        if record["stale"]:
            raise Conflict(
                f"Deployment {label} switched to another version after {switched_at.isoformat()}; an older switch "
                "cannot be recorded over it.", field="serving")
        return Registered(node=record["node"], created=registered.created, changed=registered.changed or record["changed"],
                          previous=registered.previous)

    return await db.write(work)


def _ref_of(node: dict) -> dict:
    return {"model_name": node["model_name"], "version": node["version"]}


def _version_key(node: dict) -> str:
    return Kinds.MODEL_VERSION.value.describe_key(_ref_of(node))


def _changes(node: dict | None, props: dict) -> bool:
    """Whether writing `props` would change an existing node (a new one is no one's yet)."""
    return node is not None and any(node.get(key) != value for key, value in props.items())


async def _authorize_deployment(tx: Tx, actor: Actor, label: str, team: str | None, switch_to: dict | None) -> None:
    """A deployment belongs to the team owning the model it serves: changing it needs that team, and
    switching what it serves also needs the newly served model's team (admins exempt)."""
    if actor.access.is_admin:
        return
    problem = scope.refusal(actor.access, team, what=f"deployment {label}, which serves a model of team {{owner}}")
    if problem is not None:
        raise problem
    if switch_to is not None:  # what a deployment serves is also the served model's team's call
        await _authorize(tx, actor, Kinds.MODEL.value, {"name": switch_to["model_name"]})


async def record_lineage(db: Database, actor: Actor, *, run_id: str, io: RunIO,
                         at: datetime | None = None) -> Registered:
    """Add used/produced links to an existing run, as of `at` (default now); `changed` when a link
    was new or is now dated earlier."""
    run_id = v.text_key("runId", run_id)
    io_refs = _run_io_refs(io)
    linked_at = actor.happened("at", at)

    async def work(tx: Tx) -> Registered:
        run = await _existing(tx, Kinds.RUN.value, {"run_id": run_id})
        await _authorize(tx, actor, Kinds.RUN.value, {"run_id": run_id})
        added = await _link_run_io(tx, run_id, io_refs, linked_at, actor.access)
        recorded = Registered(node=run, created=False, changed=added > 0)
        _audit(tx, actor, "recordRunLineage", Kinds.RUN.value, recorded, **_io_keys(io_refs),
               linked_at=_reported(actor, linked_at))
        return recorded

    return await db.write(work)

async def record_model_version_parents(db: Database, actor: Actor, *, child: ModelVersionRef,
                                       parents: list[ModelVersionRef], at: datetime | None = None) -> Registered:
    """Record that a model version was fine-tuned or distilled from other versions, as of `at`
    (default now); `changed` when a link was new or is now dated earlier."""
    child_ref = model_version_ref(child, "modelVersion")
    parent_refs = _refs("parents", parents, model_version_ref)
    if child_ref in parent_refs:
        raise InvalidInput("A model version cannot be derived from itself.", field="parents")
    linked_at = actor.happened("at", at)

    async def work(tx: Tx) -> Registered:
        node = await _existing(tx, Kinds.MODEL_VERSION.value, child_ref)
        await _authorize(tx, actor, Kinds.MODEL.value, {"name": child_ref["model_name"]})
        added = await _link(tx, repository.Link.link_model_version_derived_from, parent_refs,
                            {"model_name": child_ref["model_name"], "version": child_ref["version"], "at": linked_at})
        recorded = Registered(node=node, created=False, changed=added > 0)
        _audit(tx, actor, "recordModelVersionParents", Kinds.MODEL_VERSION.value, recorded,
               derived_from=_keys(Kinds.MODEL_VERSION.value, parent_refs), linked_at=_reported(actor, linked_at))
        return recorded

    return await db.write(work)

@dataclass
class TrainingEvent:
    """A whole training job at once: the job, its run, its inputs, the model version it produced."""

    job_namespace: str
    job_name: str
    run_id: str
    model_version: ModelVersionInput
    inputs: RunIO = field(default_factory=RunIO)
    state: str | None = "COMPLETE"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    code_repository: str | None = None
    code_commit: str | None = None
    parameters: dict[str, str] | None = None
    job_owner: str | None = None

async def register_training_event(db: Database, actor: Actor, event: TrainingEvent) -> dict[str, Registered]:
    """Register job, run, inputs and produced model version atomically: all of it or none."""
    job_params = {"namespace": v.namespace("jobNamespace", event.job_namespace),
                  "name": v.text_key("jobName", event.job_name), "owner": _owner(event.job_owner),
                  "props": _with_owner({}, event.job_owner)}
    run_params = _run_params(event.run_id, event.job_namespace, event.job_name, event.state,
                             _reported_time(actor, "startedAt", event.started_at),
                             _reported_time(actor, "endedAt", event.ended_at), event.code_repository,
                             event.code_commit, event.parameters)
    prepared = _prepare_model_version(event.model_version)
    io_refs = _run_io_refs(event.inputs)
    produced = {"model_name": prepared["params"]["model_name"], "version": prepared["params"]["version"]}
    io_refs["generated_model_versions"] = [*io_refs["generated_model_versions"], produced]

    async def work(tx: Tx) -> dict[str, Registered]:
        job = await _upsert(tx, Kinds.JOB.value, job_params, actor, missing=_team_missing(event.job_owner))
        run = await _upsert_run(tx, run_params, actor)
        model_version = await _register_model_version(tx, prepared, actor)
        added = await _link_run_io(tx, run_params["run_id"], io_refs, actor.now, actor.access)
        # One event per mutation: filed under the model version it produced, naming job and run; it
        # changed the registry when any part of it did (its job, its run, a link), not only the version.
        whole = _with_links(model_version, added + job.created + job.changed + run.created + run.changed)
        _audit(tx, actor, "registerTrainingEvent", Kinds.MODEL_VERSION.value, whole, prepared["params"],
               job=Kinds.JOB.value.describe_key(job.node), run=run.node["run_id"],
               created={"job": job.created, "run": run.created}, **_io_keys(io_refs))
        return {"job": job, "run": run, "model_version": model_version}

    return await db.write(work)

# --- reads ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    nodes: list[dict]
    has_next_page: bool

async def get_by_key(db: Database, kind: Kind, key: dict) -> dict | None:
    """One node by its natural key, or None."""

    async def work(tx: Tx) -> dict | None:
        found = await repository.nodes_by_keys(tx, kind, [key])
        return found.get(kind.key_of(key))

    return await db.read(work)

async def list_page(db: Database, kind: Kind, *, filter: dict, first: int, after: dict | None) -> Page:
    """One page of a kind's nodes; `first` is capped at the page-size limit."""
    v.in_range("first", first, 1, limits.MAX_PAGE_SIZE)

    async def work(tx: Tx) -> list[dict]:
        return await repository.list_nodes(tx, kind, filter=filter, after=after, limit=first + 1)

    nodes = await db.read(work)
    return Page(nodes=nodes[:first], has_next_page=len(nodes) > first)

async def search(db: Database, *, text: str, kinds: list[str] | None, first: int, offset: int) -> list[tuple[str, dict, float]]:
    """Ranked full-text hits across names, descriptions and tags."""
    text = v.text_key("text", text, max_length=200)
    v.in_range("first", first, 1, limits.MAX_PAGE_SIZE)
    v.in_range("offset", offset, 0, 10_000)

    async def work(tx: Tx):
        return await repository.search_registry(tx, text=_lucene_terms(text), kinds=kinds, offset=offset, limit=first)

    return await db.read(work)

# --- transaction steps (shared by the use cases above) ---------------------------------------

# The registrations in the team scope (README "Authorization"): the record's own owner, read by
# its natural key, is whose a write must be.
_SCOPED = (Kinds.DATASET.value, Kinds.JOB.value, Kinds.FEATURE.value, Kinds.MODEL.value)


async def _authorize(tx: Tx, actor: Actor, kind: Kind, key: dict, *, new_owner: str | None = None) -> None:
    """The team scope of writes (app/auth/scope.py) for this actor on the record of `kind` with
    this key: FORBIDDEN for one another team owns, or for giving a record to a team the caller is
    not in; read inside the transaction."""
    await scope.authorize(tx, actor.access, kind, key, new_owner=new_owner)


async def _upsert(tx: Tx, kind: Kind, params: dict, actor: Actor, *, missing: Exception | None = None) -> Registered:
    if kind in _SCOPED:
        await _authorize(tx, actor, kind, {f: params[f] for f in kind.key_fields}, new_owner=params.get("owner"))
    record = await repository.upsert(tx, kind, id=_new_id(), **params, **actor.stamp())
    if record is None:
        raise missing or NotFound("A referenced record does not exist.")
    return Registered(node=record["node"], created=record["created"], changed=record["changed"],
                      previous=dict(record["previous"]))

async def _upsert_audited(tx: Tx, action: str, kind: Kind, params: dict, actor: Actor, *,
                          missing: Exception | None = None) -> Registered:
    """A use case that is one upsert: the upsert, and its audit event."""
    registered = await _upsert(tx, kind, params, actor, missing=missing)
    _audit(tx, actor, action, kind, registered, params)
    return registered

async def _upsert_dataset_version(tx: Tx, params: dict, actor: Actor) -> Registered:
    await _authorize(tx, actor, Kinds.DATASET.value, {"namespace": params["namespace"], "name": params["name"]})
    record = await repository.upsert(tx, Kinds.DATASET_VERSION.value, id=_new_id(), **params, **actor.stamp())
    if record is None:
        raise not_found(Kinds.DATASET.value, {"namespace": params["namespace"], "name": params["name"]})
    _check_immutable("digest", record["stored_digest"], params["digest"])
    return Registered(node=record["node"], created=record["created"], changed=record["changed"],
                      previous=dict(record["previous"]))

async def _upsert_run(tx: Tx, params: dict, actor: Actor) -> Registered:
    await _authorize(tx, actor, Kinds.JOB.value, {"namespace": params["job_namespace"], "name": params["job_name"]})
    record = await repository.upsert(tx, Kinds.RUN.value, id=_new_id(), **params, **actor.stamp())
    if record is None:
        raise not_found(Kinds.JOB.value, {"namespace": params["job_namespace"], "name": params["job_name"]})
    stored = (record["stored_job_namespace"], record["stored_job_name"])
    if stored != (params["job_namespace"], params["job_name"]):
        raise Conflict(
            f"Run {params['run_id']} is recorded under job {stored[0]}/{stored[1]}; a run cannot move to another job.",
            field="job",
        )
    return Registered(node=record["node"], created=record["created"], changed=record["changed"],
                      previous=dict(record["previous"]))

async def _register_model_version(tx: Tx, prepared: dict, actor: Actor) -> Registered:
    params = prepared["params"]
    await _authorize(tx, actor, Kinds.MODEL.value, {"name": params["model_name"]})
    record = await repository.upsert(tx, Kinds.MODEL_VERSION.value, id=_new_id(), **params, **actor.stamp())
    if record is None:
        raise not_found(Kinds.MODEL.value, {"name": params["model_name"]})
    _check_immutable("artifactDigest", record["stored_digest"], params["artifact_digest"])
    changed = record["changed"]
    anchor = {"model_name": params["model_name"], "version": params["version"]}
    added = await _link(tx, repository.Link.link_model_version_derived_from, prepared["parents"],
                        {**anchor, "at": actor.now})
    changed = changed or added > 0
    for metric in prepared["metrics"]:
        evaluation = await repository.record_evaluation(tx, id=_new_id(), **anchor, **metric, **actor.stamp())
        if evaluation is None:
            raise not_found(Kinds.DATASET_VERSION.value, {
                "namespace": metric["dataset_namespace"], "name": metric["dataset_name"], "version": metric["dataset_version"]})
        changed = changed or evaluation["changed"]
    return Registered(node=record["node"], created=record["created"], changed=changed,
                      previous=dict(record["previous"]))

# Each kind of run link, with the statement that records it.
_RUN_LINKS = (
    ("used_dataset_versions", repository.Link.link_run_used_dataset_versions),
    ("used_features", repository.Link.link_run_used_features),
    ("used_model_versions", repository.Link.link_run_used_model_versions),
    ("generated_dataset_versions", repository.Link.link_run_generated_dataset_versions),
    ("generated_model_versions", repository.Link.link_run_generated_model_versions),
)
async def _link_run_io(tx: Tx, run_id: str, refs: dict[str, list[dict]], at: datetime, access: Principal) -> int:
    """Every link of a run's inputs and outputs, dated `at`; how many were new or dated earlier."""
    # Reading another team's data is fine; claiming its versions as this run's output is a change to them.
    await scope.authorize_outputs(tx, access, dataset_versions=refs["generated_dataset_versions"],
                                  model_versions=refs["generated_model_versions"])
    added = 0
    for name, link in _RUN_LINKS:
        added += await _link(tx, link, refs[name], {"run_id": run_id, "at": at})
    return added

async def _link(tx: Tx, link: repository.Link, refs: list[dict], anchor: dict) -> int:
    """Link the anchor (its key and `at`) to every reference; one matching nothing is NOT_FOUND.
    Returns how many links were new or are now dated earlier."""
    if not refs:
        return 0
    linked, added = await repository.link(tx, link, refs=refs, **anchor)
    if linked < len(refs):
        found = await repository.nodes_by_keys(tx, link.target, refs)
        for ref in refs:
            if link.target.key_of(ref) not in found:
                raise not_found(link.target, ref)
    return added

def _with_links(registered: Registered, added: int) -> Registered:
    """A registration that also added links has changed the registry even when its fields did not."""
    if added == 0 or registered.changed:
        return registered
    return Registered(node=registered.node, created=registered.created, changed=True, previous=registered.previous)

def _reported_time(actor: Actor, field_name: str, value: datetime | None) -> datetime | None:
    """A time the caller reports for a record (a snapshot's, a run's), checked like a link's `at`;
    none stays none (the record keeps its own default)."""
    return None if value is None else actor.happened(field_name, value)

def _reported(actor: Actor, at: datetime) -> str | None:
    """The time a caller gave for a link, for the audit trail: only when it is not the call's own."""
    return None if at == actor.now else at.isoformat()

# Immutable facts and given times a registration passes beside `props`; audited like its fields.
_AUDITED_PARAMS = ("digest", "artifact_digest", "created_at")
# Internal copies of other fields (the full-text index's tags text): not worth an audit line.
_UNAUDITED_FIELDS = {"tags_text"}
_IO_KINDS = {"used_dataset_versions": Kinds.DATASET_VERSION, "used_features": Kinds.FEATURE,
             "used_model_versions": Kinds.MODEL_VERSION, "generated_dataset_versions": Kinds.DATASET_VERSION,
             "generated_model_versions": Kinds.MODEL_VERSION}

def _audit(tx: Tx, actor: Actor, action: str, kind: Kind, result: Registered | dict, params: dict | None = None,
           **links: Any) -> None:
    """The use case's one audit event (action = its GraphQL mutation's name), in its transaction.
    before: whether this call created / changed the node, and the values it replaced; after: its natural key, the fields this
    call gave (as now stored) and the links it recorded (as key texts; empty lists left out)."""
    node = result.node if isinstance(result, Registered) else result
    before: dict[str, Any] = {"created": False}
    if isinstance(result, Registered):
        before = {"created": result.created, "changed": result.changed}
        if result.previous:
            before["fields"] = result.previous
    params = params or {}
    given = {*params.get("props", {}), *(name for name in _AUDITED_PARAMS if params.get(name) is not None)}
    after = {**{name: node.get(name) for name in kind.key_fields},
             **{name: node.get(name) for name in sorted(given - _UNAUDITED_FIELDS)},
             **{name: value for name, value in links.items() if value not in ([], None)}}
    record_audit(tx, AuditEntry(actor=actor.principal, action=action, target_kind=kind.label,
                               target_key=kind.describe_key(node), target_id=node.get("id"),
                               before=before, after=after, at=actor.now))

def _keys(kind: Kind, refs: list[dict]) -> list[str]:
    return [kind.describe_key(ref) for ref in refs]

def _io_keys(refs: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {name: _keys(_IO_KINDS[name].value, items) for name, items in refs.items()}

async def _existing(tx: Tx, kind: Kind, key: dict) -> dict:
    found = await repository.nodes_by_keys(tx, kind, [key])
    node = found.get(kind.key_of(key))
    if node is None:
        raise not_found(kind, key)
    return node

# --- validation helpers ----------------------------------------------------------------------

def _new_id() -> str:
    return str(uuid.uuid4())

def _props(**values: Any) -> dict[str, Any]:
    """Only the fields the caller gave: an omitted field is left as it is, never cleared."""
    return {key: value for key, value in values.items() if value is not None}

def _optional(check, field_name: str, value):
    return None if value is None else check(field_name, value)

def _owner(owner: str | None) -> str | None:
    return _optional(v.identifier, "owner", owner)

def _with_owner(props: dict, owner: str | None) -> dict:
    return {**props, "owner": owner} if owner is not None else props

def _team_missing(owner: str | None) -> Exception | None:
    return not_found(Kinds.TEAM.value, {"name": owner}) if owner is not None else None

def _tag_props(tags: list[str] | None) -> dict[str, Any]:
    checked = v.tags("tags", tags)
    if checked is None:
        return {}
    # The full-text index reads strings, not lists: the tags also go in as one text.
    return {"tags": checked, "tags_text": " ".join(checked)}

def _schema_json(schema: list[SchemaField] | None) -> str | None:
    if schema is None:
        return None
    fields = v.bounded_list("schema", schema)
    seen = set()
    for item in fields:
        v.text_key("schema.name", item.name, max_length=255)
        v.text_key("schema.type", item.type, max_length=128)
        if item.name in seen:
            raise InvalidInput(f"schema names field {item.name!r} twice.", field="schema")
        seen.add(item.name)
    return json.dumps([{"name": f.name, "type": f.type} for f in fields])

def _dataset_ref(ref: DatasetRef, field_name: str) -> dict:
    return {"namespace": v.namespace(f"{field_name}.namespace", ref.namespace),
            "name": v.text_key(f"{field_name}.name", ref.name, max_length=v.MAX_NAME)}

def _dataset_version_ref(ref: DatasetVersionRef, field_name: str) -> dict:
    return {**_dataset_ref(DatasetRef(ref.namespace, ref.name), field_name),
            "version": v.version(f"{field_name}.version", ref.version)}

def _feature_ref(ref: FeatureRef, field_name: str) -> dict:
    return {"group": v.identifier(f"{field_name}.group", ref.group), "name": v.identifier(f"{field_name}.name", ref.name)}

def model_version_ref(ref: ModelVersionRef, field_name: str) -> dict:
    """A model version reference, checked, as the statements take it."""
    return {"model_name": v.identifier(f"{field_name}.model", ref.model_name),
            "version": v.version(f"{field_name}.version", ref.version)}

def _refs(field_name: str, refs: list | None, convert) -> list[dict]:
    """Checked, de-duplicated references (duplicates would make link counts lie)."""
    checked = [convert(ref, field_name) for ref in v.bounded_list(field_name, refs)]
    unique: dict[tuple, dict] = {}
    for ref in checked:
        unique.setdefault(tuple(ref.values()), ref)
    return list(unique.values())

def _run_io_refs(io: RunIO) -> dict[str, list[dict]]:
    return {
        "used_dataset_versions": _refs("inputs.datasetVersions", io.used_dataset_versions, _dataset_version_ref),
        "used_features": _refs("inputs.features", io.used_features, _feature_ref),
        "used_model_versions": _refs("inputs.modelVersions", io.used_model_versions, model_version_ref),
        "generated_dataset_versions": _refs("outputs.datasetVersions", io.generated_dataset_versions, _dataset_version_ref),
        "generated_model_versions": _refs("outputs.modelVersions", io.generated_model_versions, model_version_ref),
    }

def _run_params(run_id, job_namespace, job_name, state, started_at, ended_at, code_repository, code_commit, parameters) -> dict:
    if started_at and ended_at and ended_at < started_at:
        raise InvalidInput("endedAt must not be before startedAt.", field="endedAt")
    checked_parameters = v.parameters("parameters", parameters)
    return {
        "run_id": v.text_key("runId", run_id, max_length=128),
        "job_namespace": v.namespace("jobNamespace", job_namespace),
        "job_name": v.text_key("jobName", job_name),
        "props": _props(
            state=v.one_of("state", state, vocabulary.RUN_STATES),
            started_at=started_at,
            ended_at=ended_at,
            code_repository=_optional(v.uri, "codeRepository", code_repository),
            code_commit=_optional(v.git_commit, "codeCommit", code_commit),
            parameters=json.dumps(checked_parameters, sort_keys=True) if parameters is not None else None,
        ),
    }

def _dataset_version_params(namespace, name, version, digest, row_count, created_at, description, uri=None) -> dict:
    return {
        "namespace": v.namespace("namespace", namespace),
        "name": v.text_key("name", name, max_length=v.MAX_NAME),
        "version": v.version("version", version),
        "digest": _optional(v.sha256, "digest", digest),
        "created_at": created_at,
        "props": _props(row_count=v.non_negative("rowCount", row_count),
                        description=v.description("description", description), uri=_optional(v.uri, "uri", uri)),
    }

def _prepare_model_version(mv: ModelVersionInput) -> dict:
    metrics = []
    seen = set()
    for index, metric in enumerate(v.bounded_list("metrics", mv.metrics, max_items=200)):
        ref = _dataset_version_ref(metric.dataset_version, f"metrics[{index}].datasetVersion")
        name = v.identifier(f"metrics[{index}].name", metric.name)
        if (name, tuple(ref.values())) in seen:
            raise InvalidInput(f"metrics names {name!r} twice for the same dataset version.", field="metrics")
        seen.add((name, tuple(ref.values())))
        metrics.append({"metric": name, "value": v.finite(f"metrics[{index}].value", metric.value),
                        "dataset_namespace": ref["namespace"], "dataset_name": ref["name"],
                        "dataset_version": ref["version"]})
    compliance = v.tags("complianceFlags", mv.compliance_flags)
    params = {
        "model_name": v.identifier("model", mv.model_name),
        "version": v.version("version", mv.version),
        "artifact_digest": _optional(v.sha256, "artifactDigest", mv.artifact_digest),
        "props": _props(
            artifact_uri=_optional(v.uri, "artifactUri", mv.artifact_uri),
            framework=_optional(v.identifier, "framework", mv.framework),
            license=_optional(v.license_id, "license", mv.license),
            compliance_flags=compliance,
            description=v.description("description", mv.description),
            **_tag_props(mv.tags),
        ),
    }
    parents = _refs("derivedFrom", mv.derived_from, model_version_ref)
    if {"model_name": params["model_name"], "version": params["version"]} in parents:
        raise InvalidInput("A model version cannot be derived from itself.", field="derivedFrom")
    return {"params": params, "parents": parents, "metrics": metrics}

def _check_immutable(field_name: str, stored: str | None, given: str | None) -> None:
    """An immutable fact, once recorded, may be re-sent but never changed."""
    if given is not None and stored is not None and stored != given:
        raise Conflict(
            f"{field_name} is immutable: recorded as {stored}, this registration says {given}. "
            "Register a new version instead.",
            field=field_name, recorded=stored, attempted=given,
        )

def not_found(kind: Kind, key: dict) -> NotFound:
    """The error for a record of `kind` with this key that does not exist."""
    return NotFound(f"{kind.label} {kind.describe_key(key)} does not exist.", kind=kind.label, key=kind.describe_key(key))

def _lucene_terms(text: str) -> str:
    """User text as Lucene terms: special characters escaped, each word also matched as a prefix."""
    words = [w for w in "".join(c if c.isalnum() or c in "_-." else " " for c in text).split() if w]
    if not words:
        raise InvalidInput("text must contain at least one letter or digit.", field="text")
    # Lower case: the analyzer lower-cases anyway, and AND/OR/NOT would be read as operators.
    escaped = [w.lower().replace("-", "\\-").replace(".", "\\.") for w in words[:20]]
    return " ".join(f"({w} OR {w}*)" for w in escaped)
