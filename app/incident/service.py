"""Incident rules: what a quarantine covers and flags, when a release clears a flag, and which
version a rollback returns a deployment to (README "Incident response").

Every public function is one use case in one write transaction: a quarantine's traversal, its
incident and every flag commit together or not at all, with their audit entries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core import limits
from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.catalog import repository as catalog_repository
from app.core import validation as v
from app.core import vocabulary
from app.core.kinds import BY_LABEL, Kinds
from app.core.actor import Actor
from app.core.db import Database, Tx
from app.core.errors import Conflict, InvalidInput, NotFound
from app.governance import deployment as deployment_gate
from app.governance.deployment import Refusal
from app.governance.gate import Requirement
from app.governance.policy import Policies
from app.incident import repository
from app.lineage.service import Start, id_of_start

OPEN = "OPEN"
RELEASED = "RELEASED"
STATUSES = (OPEN, RELEASED)

# What an incident lists as affected: every lineage asset downstream. Models (their versions are
# listed) and deployments (ROLLBACK_NEEDED instead) are not.
AFFECTED_KINDS = ["DatasetVersion", "Feature", "Run", "ModelVersion"]
# What carries the `quarantined` flag: the versioned artifacts that are read, trained on, promoted
# and served. A feature is a definition and a run an event: neither is used again as such, and
# whatever is built from them later reads the flagged snapshots upstream.
FLAGGED_KINDS = ["DatasetVersion", "ModelVersion"]
# How many earlier versions a rollback considers (most recently served first): each costs one gate
# evaluation, and a deployment that went through more than this many versions is rolled forward.
MAX_ROLLBACK_CANDIDATES = 20

_START_KINDS = (Kinds.DATASET_VERSION.value, Kinds.DATASET.value, Kinds.MODEL_VERSION.value)


@dataclass(frozen=True)
class Quarantined:
    incident: dict  # the incident's summary (repository.summaries)
    created: bool
    flagged: int    # nodes whose `quarantined` flag this call turned on


@dataclass(frozen=True)
class Released:
    incident: dict
    changed: bool
    cleared: int    # nodes whose flag this call turned off


@dataclass(frozen=True)
class RolledBack:
    deployment: dict
    changed: bool
    rolled_back_from: dict | None  # the quarantined version it served; None when nothing changed
    incidents: list[dict]          # summaries of the OPEN incidents this rollback answers
    rolled_back_to: dict | None = None  # the version it serves now; None when nothing changed


def key_text(kind: str, node: dict) -> str:
    """A node's natural key as people write it: s3://raw/transactions@2026-03-08, credit-scoring@2."""
    if kind == "DatasetVersion":
        return f"{node['namespace']}/{node['name']}@{node['version']}"
    if kind == "ModelVersion":
        return f"{node['model_name']}@{node['version']}"
    if kind == "Dataset":
        return f"{node['namespace']}/{node['name']}"
    if kind == "Deployment":
        return f"{node['environment']}/{node['name']}"
    return str(node.get("name") or node.get("run_id") or node["id"])


async def quarantine(db: Database, actor: Actor, start: Start, *, reason: str,
                     budget: int = limits.DEFAULT_NODE_BUDGET) -> Quarantined:
    """Quarantine a start and everything downstream of it, or return the OPEN incident that already
    did (same start, same window): then nothing changes."""
    return await db.write(quarantine_in, actor, start, reason=reason, budget=budget)


async def quarantine_in(tx: Tx, actor: Actor, start: Start, *, reason: str,
                        budget: int = limits.DEFAULT_NODE_BUDGET) -> Quarantined:
    """`quarantine` inside a transaction the caller holds: for a use case that quarantines as one
    step of its own (a monitoring policy acting on a critical signal, app/monitoring/service.py)."""
    if start.kind not in _START_KINDS:
        raise InvalidInput("A quarantine starts at a dataset version, a dataset's versions in a window, "
                           "or a model version.", field="input")
    reason = _required_text("reason", reason)
    budget = v.in_range("nodeBudget", budget, 1, limits.MAX_NODE_BUDGET)
    window_from, window_to = _window(start)
    start_id = await id_of_start(tx, start)
    start_ref = ":".join([start.kind.label, start_id] + ([window_from.isoformat(), window_to.isoformat()]
                                                         if window_from else []))
    # Identical quarantines queue on the start node, so the later ones find the first's incident.
    await repository.lock_start(tx, start_id)
    existing = await repository.open_incident_for_start(tx, start_ref)
    if existing is not None:
        return Quarantined(incident=(await repository.summaries(tx, [existing]))[existing], created=False,
                           flagged=0)
    row = await repository.quarantine(
        tx, start_id=start_id, window_from=window_from, window_to=window_to,
        max_depth=limits.MAX_LINEAGE_DEPTH, budget=budget, affected_kinds=AFFECTED_KINDS,
        flagged_kinds=FLAGGED_KINDS, id=str(uuid.uuid4()), reason=reason, start_kind=start.kind.label,
        start_key=_start_key(start, window_from, window_to), start_ref=start_ref, now=actor.now,
        principal=actor.principal)
    _refuse_partial(start, row)
    incident = (await repository.summaries(tx, [row["incident_id"]]))[row["incident_id"]]
    record_audit(tx, AuditEntry(
        actor=actor.principal, action="quarantine", target_kind="Incident", target_key=incident["id"],
        target_id=incident["id"], before=None,
        after={"status": OPEN, "reason": reason, "start": incident["incident"]["start_key"],
               "affected": {c["kind"]: c["count"] for c in row["counts"]},
               "rollbackNeeded": [key_text("Deployment", r["deployment"]) for r in incident["rollbacks"]]}))
    _audit_flags(tx, actor, "quarantine", row["flagged"], incident["id"], quarantined=True)
    return Quarantined(incident=incident, created=True, flagged=len(row["flagged"]))


async def release(db: Database, actor: Actor, *, incident_id: str, note: str) -> Released:
    """Release an incident: RELEASED, and its nodes unflagged unless another OPEN incident covers
    them. Releasing a released incident changes nothing."""
    note = _required_text("note", note)

    async def work(tx: Tx) -> Released:
        row = await repository.release(tx, id=incident_id, note=note, now=actor.now, principal=actor.principal)
        if row is None:
            raise NotFound(f"Incident {incident_id} does not exist.", kind="Incident", key=incident_id)
        changed = row["before"] == OPEN
        if changed:
            record_audit(tx, AuditEntry(
                actor=actor.principal, action="releaseQuarantine", target_kind="Incident", target_key=incident_id,
                target_id=incident_id, before={"status": OPEN}, after={"status": RELEASED, "note": note,
                                                                        "cleared": len(row["cleared"])}))
            _audit_flags(tx, actor, "releaseQuarantine", row["cleared"], incident_id, quarantined=False)
        incident = (await repository.summaries(tx, [incident_id]))[incident_id]
        return Released(incident=incident, changed=changed, cleared=len(row["cleared"]))

    return await db.write(work)


async def rollback_deployment(db: Database, actor: Actor, *, policies: Policies, environment: str, name: str,
                              reason: str, break_glass_reason: str | None = None) -> RolledBack | Refusal:
    """Switch a deployment serving a quarantined version back to its previous good version: of the
    versions it served before, the most recently served one that passes the environment's
    requirements now (app/governance/deployment.py: the policy's stages and gate; never a
    quarantined version). None passing is a `Refusal` listing every candidate's unmet requirements
    (only its denied audit event is written), unless an admin's break-glass reason takes the most
    recently served one anyway. A deployment serving a version that is not quarantined is left as it is."""
    return await db.write(rollback_in, actor, policies=policies, environment=environment, name=name, reason=reason,
                          break_glass_reason=break_glass_reason)


async def rollback_in(tx: Tx, actor: Actor, *, policies: Policies, environment: str, name: str, reason: str,
                      break_glass_reason: str | None = None) -> RolledBack | Refusal:
    """`rollback_deployment` inside a transaction the caller holds (a monitoring policy rolling back
    as one step of recording a critical signal): the same rule and the same gate. Every refusal it
    raises (NotFound, Conflict) comes before it writes anything."""
    environment = v.one_of("environment", environment, vocabulary.ENVIRONMENTS)
    name = v.identifier("name", name)
    reason = _required_text("reason", reason)
    override = deployment_gate.break_glass_reason(actor.access, break_glass_reason)

    await catalog_repository.lock_deployment_switch(tx, environment=environment, name=name)
    plan = await repository.rollback_plan(tx, environment=environment, name=name,
                                          max_candidates=MAX_ROLLBACK_CANDIDATES)
    label = f"{environment}/{name}"
    if plan is None:
        raise NotFound(f"Deployment {label} does not exist.", kind="Deployment", key=label)
    current = plan["current"]
    if current is None:
        raise Conflict(f"Deployment {label} serves no model version: there is nothing to roll back.",
                       field="serving")
    if not current.get("quarantined"):
        incidents = await _summaries(tx, plan["incident_ids"])
        return RolledBack(deployment=plan["deployment"], changed=False, rolled_back_from=None, incidents=incidents)
    if not plan["candidates"]:
        raise Conflict(
            f"Deployment {label} serves {key_text('ModelVersion', current)}, which is quarantined, and it served "
            "no other version before: there is nothing to roll back to; nothing was changed. Deploy a good "
            "version with registerDeployment.", field="serving", recorded=key_text("ModelVersion", current))
    judged = []
    for candidate in plan["candidates"]:
        node = candidate["version"]
        # Locked before it is judged: a quarantine of it meanwhile waits, or is seen.
        await catalog_repository.lock_deployment_switch(tx, environment=environment, name=name,
                                                        **_version_ref(node))
        verdict = await deployment_gate.verdict(tx, policies, environment, _version_ref(node),
                                                never_quarantined=True)
        judged.append((candidate, verdict))
        if verdict.allowed:
            break
    target, verdict = judged[-1][0]["version"], judged[-1][1]
    if not verdict.allowed:
        if override is None:
            refusal = Refusal(
                environment, name, candidates=judged,
                message=f"Deployment {label} serves {key_text('ModelVersion', current)}, which is quarantined, "
                        f"and none of the {len(judged)} version(s) it served before passes the requirements of "
                        f"{environment} now; nothing was changed. Deploy a good version with registerDeployment.")
            deployment_gate.audit_refusal(tx, actor.principal, "rollbackDeployment", refusal,
                                          target_id=plan["deployment"]["id"],
                                          serving=key_text("ModelVersion", current))
            return refusal
        # Break glass: the most recently served one despite what it lacks, but never a quarantined one.
        unquarantined = [(c, vd) for c, vd in judged if not any(u.kind in _QUARANTINE_KINDS for u in vd.unmet)]
        if not unquarantined:
            raise Conflict(f"Deployment {label}: every version it served before is quarantined or serves "
                           "quarantined data; break glass does not bring those back. Deploy a good version "
                           "with registerDeployment.", field="serving")
        target, verdict = unquarantined[0][0]["version"], unquarantined[0][1]
    overrode = verdict.unmet if override is not None else []
    switched = await catalog_repository.set_deployment_serving(
        tx, environment=environment, name=name,
        model_name=target["model_name"], version=target["version"], now=actor.now, principal=actor.principal,
        marks=deployment_gate.override_marks(override, actor.principal, overrode))
    if switched["stale"]:
        raise Conflict(f"Deployment {label} switched to another version after {actor.now.isoformat()}; "
                       "a rollback cannot be recorded before it.", field="serving")
    await repository.record_rollback(
        tx, environment=environment, name=name, now=actor.now, principal=actor.principal, reason=reason,
        incident_ids=plan["incident_ids"], from_id=current["id"], to_id=target["id"])
    after = {"serving": key_text("ModelVersion", target), "reason": reason, "incidents": plan["incident_ids"]}
    if overrode:
        after["breakGlass"] = {"reason": override, "overrode": deployment_gate.unmet_summary(overrode)}
    record_audit(tx, AuditEntry(
        actor=actor.principal, action="rollbackDeployment", target_kind="Deployment", target_key=label,
        target_id=plan["deployment"]["id"], before={"serving": key_text("ModelVersion", current)}, after=after))
    return RolledBack(deployment=switched["node"], changed=True, rolled_back_from=current,
                      incidents=await _summaries(tx, plan["incident_ids"]), rolled_back_to=target)


# What even break glass never rolls back to: a version that is quarantined, or built on quarantined data.
_QUARANTINE_KINDS = frozenset({Requirement.QUARANTINED, Requirement.UPSTREAM_QUARANTINED})


def _version_ref(node: dict) -> dict:
    return {"model_name": node["model_name"], "version": node["version"]}


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AffectedPage:
    total: int
    items: list[dict]  # {kind, depth, node}


async def incidents_by_id(db: Database, ids: list[str]) -> dict[str, dict]:
    """Incident summaries by id (the missing ones left out)."""
    return await db.read(repository.summaries, list(ids))


async def list_incidents(db: Database, *, status: str | None, first: int, after: dict | None) -> tuple[list[dict], bool]:
    """One page of incident summaries, oldest first, and whether another page follows."""
    status = v.one_of("status", status, STATUSES)
    v.in_range("first", first, 1, limits.MAX_PAGE_SIZE)

    async def work(tx: Tx) -> tuple[list[dict], bool]:
        rows = await repository.list_incidents(tx, status=status, after=after, limit=first + 1)
        page = [row["id"] for row in rows[:first]]
        found = await repository.summaries(tx, page)
        return [found[i] for i in page], len(rows) > first

    return await db.read(work)


@dataclass(frozen=True)
class AffectedRequest:
    """Which page of an incident's affected assets a field asks for (a DataLoader key)."""

    incident_id: str
    kinds: tuple[str, ...] | None
    first: int
    offset: int

    def checked(self) -> AffectedRequest:
        v.in_range("first", self.first, 1, limits.MAX_PAGE_SIZE)
        v.in_range("offset", self.offset, 0, limits.MAX_NODE_BUDGET)
        return self


async def affected_pages(db: Database, requests: list[AffectedRequest]) -> list[AffectedPage]:
    """Pages of what incidents affect, model versions first, nearest first: one read for them all."""
    rows = await db.read(repository.affected, [
        {"key": index, "id": r.incident_id, "kinds": list(r.kinds) if r.kinds else None, "offset": r.offset,
         "limit": r.first} for index, r in enumerate(requests)])
    pages = []
    for index, request in enumerate(requests):
        row = rows.get(index)
        if row is None:
            raise NotFound(f"Incident {request.incident_id} does not exist.", kind="Incident", key=request.incident_id)
        pages.append(AffectedPage(total=row["total"], items=row["page"]))
    return pages


# --- helpers ----------------------------------------------------------------------------------------


def _required_text(field: str, value: str | None) -> str:
    value = v.description(field, value)
    if value is None or not value.strip():
        raise InvalidInput(f"{field} must say why, in a few words.", field=field)
    return value.strip()


def _window(start: Start) -> tuple[datetime | None, datetime | None]:
    if start.kind != Kinds.DATASET.value:
        return None, None
    if start.window_from is None or start.window_to is None:
        raise InvalidInput("A dataset quarantine needs a window: its versions created from `from` until `to`.",
                           field="window")
    window_from, window_to = (_aware(t) for t in (start.window_from, start.window_to))
    if window_to <= window_from:
        raise InvalidInput("The window must end after it starts.", field="window.to")
    return window_from, window_to


def _aware(at: datetime) -> datetime:
    """Times without an offset are read as UTC: snapshot times are stored with one."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _start_key(start: Start, window_from: datetime | None, window_to: datetime | None) -> str:
    key = key_text(start.kind.label, start.key)
    return f"{key} [{window_from.isoformat()}, {window_to.isoformat()})" if window_from else key


def _refuse_partial(start: Start, row: dict) -> None:
    """Quarantining part of what is affected would look like containment and not be: refuse."""
    key = key_text(start.kind.label, start.key)
    if row["start_count"] == 0:
        raise InvalidInput(f"No version of dataset {key} was created in the window; nothing to quarantine.",
                           field="window")
    if row["depth_cut"]:
        raise InvalidInput(
            f"Lineage downstream of {key} goes deeper than {limits.MAX_LINEAGE_DEPTH} hops; nothing was quarantined. "
            "Quarantine from nearer starts.", field=None)
    if row["budget_cut"]:
        raise InvalidInput(
            f"More nodes lie downstream of {key} than the node budget allows; nothing was quarantined. "
            "Raise nodeBudget (at most 200,000) or quarantine from nearer starts.", field="nodeBudget")


def _audit_flags(tx: Tx, actor: Actor, action: str, nodes: list[dict], incident_id: str, *, quarantined: bool) -> None:
    """One audit entry per node whose flag changed, so each one's trail says when and why."""
    for node in nodes:
        record_audit(tx, AuditEntry(
            actor=actor.principal, action=action, target_kind=node["kind"],
            target_key=BY_LABEL[node["kind"]].describe_key(node),
            target_id=node["id"], before={"quarantined": not quarantined},
            after={"quarantined": quarantined, "incident": incident_id}))


async def _summaries(tx: Tx, ids: list[str]) -> list[dict]:
    found = await repository.summaries(tx, ids)
    return [found[i] for i in ids if i in found]
