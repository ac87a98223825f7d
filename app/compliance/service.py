"""Compliance: everything a reviewer needs about a model version or a deployment, in one read.

`dossier()` answers the reviewer's whole question, now or as the graph stood at `as_of`: the
upstream graph to the raw sources with licenses and privacy classes (one provenance traversal,
app/lineage), and, for every model version on the way, its checks, approvals, stage history and
evaluations; the deployment's switches with any break-glass override; the incidents that touched
any of it; the audit chain's verification. The exports (PROV-JSON, CycloneDX, the report) are
renderings of a Dossier and read nothing else.

The dataclasses below are the contract between the reading (this module, app/compliance/repository.py)
and the renderings (app/compliance/prov.py, cyclonedx.py, report.py): plain values, times as
timezone-aware datetimes, people's names as the registry records them, keys as people write them.

**As of a past time** a dossier holds only the facts that existed then: the upstream graph through
the edges that held at `as_of` (app/lineage), checks first recorded, approvals given, stage spans and
switches begun by then (a span still open then has no `until`), evaluations first measured by then,
incidents opened by then (RELEASED only if released by then). A model version's `stage` and a
dataset or model version's `quarantined` are read from those spans and incidents, not from the node
as it is now (a dossier of now reads the flag itself); other properties (descriptions, licences, owners, endpoints) have no history and are
shown as they are now. The registry keeps **one check per (version, kind) and one value per
(version, metric, dataset version)**, each with its latest outcome; an outcome recorded after
`as_of` replaced the one that stood then, which only the audit trail still holds. Such a check or
measurement is left out of `checks` / `measurements` and listed in `restated` (what, and when it was
recorded again), so the dossier never shows an outcome that did not stand at `as_of` and never hides
that there was one: `auditTrail(of: the model version)` has the earlier outcome. (Reading the trail
here would not be honest either: its events carry the time they were written, not the time a
history load says a check happened.)

The audit chain's verification is of the chain as it is now, whatever `as_of`: its last
`AUDIT_WINDOW` events are recomputed with every dossier (`checked` says how many), anchored on the
one before; `verifyAudit` checks the whole chain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.audit import service as audit
from app.compliance import repository
from app.core import limits
from app.core.db import Database, Tx
from app.core.errors import InvalidInput
from app.core.kinds import BY_LABEL
from app.core.times import stored_time
from app.core.validation import in_range
from app.incident.service import FLAGGED_KINDS, key_text
from app.lineage import service as lineage
from app.lineage.service import ProvenanceAnswer, Start

# The chain's most recent events recomputed with every dossier. Measured on the shared 2-core machine
# (a 20,087-event chain): 250 events take ~55 ms p50 (three short reads, decoding and hashing them),
# 1,000 ~140 ms, the whole chain ~2.8 s. The whole chain, at any length, is verifyAudit's job.
AUDIT_WINDOW = 250

# How far ahead of the registry's clock `as_of` may be (a client's clock running fast), read as now;
# further is refused: a dossier of the future would be signed off before its facts were recorded.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)

DESCRIBED_KINDS = ("ModelVersion", "Deployment")


@dataclass(frozen=True)
class Asset:
    """One node of the upstream graph, with the fields a reader needs (not its whole property map)."""

    id: str
    kind: str                 # its label: Dataset, DatasetVersion, Feature, Job, Run, Model, ModelVersion, Deployment, Team
    label: str                # as a person writes it: s3://raw/transactions@2026-03-08, credit-scoring@2, production/credit-scoring-api
    key: dict                 # its natural key fields (namespace/name/version, model_name/version, …)
    fields: dict              # what renderings show, only those the node has: created_at, created_by, owner (team);
                              # Dataset: license, privacy, description; DatasetVersion: digest, row_count, quarantined;
                              # Feature: dtype, transformation, description; Run: job_namespace, job_name, state,
                              # started_at, ended_at, code_repository, code_commit, parameters (dict); ModelVersion:
                              # framework, license, artifact_uri, artifact_digest, compliance_flags (list), description,
                              # risk_tier, stage and quarantined (both as of as_of); Deployment: endpoint, status


@dataclass(frozen=True)
class Edge:
    source: str               # Asset.id
    type: str                 # USED, WAS_GENERATED_BY, WAS_DERIVED_FROM, SERVES, VERSION_OF
    target: str               # Asset.id


@dataclass(frozen=True)
class BreakGlass:
    reason: str
    by: str
    overrode: list[str]       # the unmet requirements, as `KIND: message`


@dataclass(frozen=True)
class Switch:
    """One span of a deployment serving a model version."""

    model_version: str        # label, credit-scoring@2
    model_version_id: str
    since: datetime
    until: datetime | None    # None while it serves
    by: str
    break_glass: BreakGlass | None  # None when the switch passed the deployment gate
    deployment: str | None = None   # label of the deployment, production/credit-scoring-api
    rollback_reason: str | None = None  # for a rollbackDeployment switch: why, as the responder wrote it


@dataclass(frozen=True)
class CheckRecord:
    model_version: str        # label
    kind: str                 # bias_assessment, license_compliance, …
    status: str               # PASSED, FAILED, WAIVED
    evidence_uri: str | None
    note: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class ApprovalRecord:
    model_version: str
    stage: str
    approver: str
    roles: list[str]
    at: datetime
    note: str | None


@dataclass(frozen=True)
class StageSpan:
    """A model version's stage from `since` until `until` (a promotion, or incident response)."""

    model_version: str
    stage: str
    since: datetime
    until: datetime | None
    by: str


@dataclass(frozen=True)
class Measurement:
    model_version: str
    metric: str
    value: float
    dataset_version: str      # label of the dataset version it was measured on


@dataclass(frozen=True)
class IncidentRecord:
    id: str
    status: str               # OPEN, RELEASED (as of as_of)
    reason: str
    start: str                # label of what was quarantined
    opened_at: datetime
    opened_by: str
    released_at: datetime | None
    released_by: str | None
    affected: list[str]       # labels of the dossier's assets it affected


@dataclass(frozen=True)
class Restated:
    """A check or measurement that stood at `as_of` but was recorded again after it: its outcome then
    is only in the audit trail, so the dossier names it instead of showing a later outcome."""

    model_version: str        # label
    what: str                 # check | measurement
    name: str                 # the check's kind (bias_assessment), or the metric on its dataset version (auc on …@…)
    recorded_at: datetime     # when the outcome now stored was recorded


@dataclass(frozen=True)
class VerificationRecord:
    """The last verification of a version's artifact made by `as_of` (app/artifacts)."""

    asset: str                # label of the model or dataset version
    kind: str                 # ModelVersion | DatasetVersion
    outcome: str              # MATCH, DRIFT, MISSING, UNREADABLE, UNRECORDED
    at: datetime
    by: str
    uri: str | None
    expected: str | None      # the recorded digest it was compared with
    actual: str | None        # the digest read from the store
    detail: str | None


@dataclass(frozen=True)
class AuditStatus:
    ok: bool
    head_seq: int
    head_hash: str
    checked: int
    problem: str | None       # the first break found, when not ok


@dataclass(frozen=True)
class Dossier:
    subject: Asset                     # the deployment or model version asked about
    as_of: datetime
    generated_at: datetime
    model_version: Asset | None        # the model version described: the subject, or what the deployment served at as_of
    serving: Switch | None             # for a deployment: the switch in force at as_of
    assets: list[Asset]                # the subject and everything upstream (datasets of every dataset version included)
    edges: list[Edge]
    raw_sources: list[Asset]           # datasets no recorded run produced
    licenses: list[str]
    privacy_classes: list[str]
    complete: bool                     # False when the node budget cut the upstream graph
    checks: list[CheckRecord] = field(default_factory=list)          # of every model version in `assets`
    approvals: list[ApprovalRecord] = field(default_factory=list)
    stages: list[StageSpan] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    deployment_history: list[Switch] = field(default_factory=list)   # for a deployment, oldest first, up to as_of
    incidents: list[IncidentRecord] = field(default_factory=list)    # that touched any asset, opened by as_of
    audit: AuditStatus | None = None
    existed: bool = True               # False when the subject was registered after as_of: nothing else then
    restated: list[Restated] = field(default_factory=list)           # left out of checks/measurements, see above
    verifications: list[VerificationRecord] = field(default_factory=list)  # each version's last one by as_of


async def dossier(db: Database, start: Start, *, as_of: datetime | None = None,
                  clock_skew: timedelta = DEFAULT_CLOCK_SKEW, budget: int = limits.DEFAULT_NODE_BUDGET) -> Dossier:
    """The reviewer's whole answer about a model version or a deployment, as of `as_of` (now when None).

    One read transaction of three round trips: the start's lookup and the provenance traversal
    (app/lineage, `provenance_in`), then every other fact of the page for the assets found
    (`compliance.dossier_facts`); then the audit chain's last `AUDIT_WINDOW` events are verified
    (app/audit `verify`: three short reads). An unknown subject is NotFound; an `as_of` more than
    `clock_skew` ahead of the registry's clock is InvalidInput on `asOf`."""
    if start.kind.label not in DESCRIBED_KINDS:
        raise InvalidInput("A dossier describes a model version or a deployment.", field=start.field)
    in_range("nodeBudget", budget, 1, limits.MAX_NODE_BUDGET)
    generated_at = datetime.now(UTC)
    moment = generated_at if as_of is None else _checked_as_of(as_of, generated_at, clock_skew)

    async def work(tx: Tx) -> tuple[ProvenanceAnswer, dict]:
        upstream = await lineage.provenance_in(tx, start, as_of=moment, budget=budget)
        ids: dict[str, list[str]] = defaultdict(list)
        for kind, node in upstream.nodes:
            ids[kind].append(node["id"])
        subject_kind, subject = upstream.nodes[0]
        facts = await repository.dossier_facts(
            tx, as_of=moment, dataset_ids=ids["Dataset"], dataset_version_ids=ids["DatasetVersion"],
            feature_ids=ids["Feature"], run_ids=ids["Run"], model_version_ids=ids["ModelVersion"],
            deployment_id=subject["id"] if subject_kind == "Deployment" else None,
            served_id=subject["id"] if subject_kind == "ModelVersion" else None)
        return upstream, facts

    upstream, facts = await db.read(work)
    audit_status = await verify_recent_audit(db, facts["audit_head"])
    return _assemble(upstream, facts, as_of=moment, generated_at=generated_at, now=as_of is None,
                     audit_status=audit_status)


def _checked_as_of(as_of: datetime, now: datetime, skew: timedelta) -> datetime:
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    if as_of > now + skew:
        raise InvalidInput(f"asOf {as_of.isoformat()} is in the future (the registry's clock says "
                           f"{now.isoformat()}): a dossier describes what has been recorded.", field="asOf")
    return min(as_of, now)


async def verify_recent_audit(db: Database, head: dict | None) -> AuditStatus:
    """The audit chain's last `AUDIT_WINDOW` events recomputed (app/audit `verify`), up to its head now."""
    head_seq = head["seq"] if head else 0
    verdict = await audit.verify(db, from_seq=max(1, head_seq - AUDIT_WINDOW + 1))
    problem = None if verdict.ok else f"event {verdict.first_broken_seq}: {verdict.reason}"
    return AuditStatus(ok=verdict.ok, head_seq=verdict.head_seq, head_hash=verdict.head_hash,
                       checked=verdict.checked, problem=problem)


# --- assembling the answer ------------------------------------------------------------------------

# What renderings show of each kind, besides created_at / created_by and what dossier_facts adds.
_FIELDS = {
    "Dataset": ("license", "privacy", "description"),
    "DatasetVersion": ("digest", "row_count"),
    "Feature": ("dtype", "transformation", "description"),
    "Run": ("job_namespace", "job_name", "state", "started_at", "ended_at", "code_repository", "code_commit",
            "parameters"),
    "ModelVersion": ("framework", "license", "artifact_uri", "artifact_digest", "compliance_flags", "description"),
    "Deployment": ("endpoint", "status"),
}


def label_of(kind: str, node: dict) -> str:
    """A node as a person writes it: s3://raw/transactions@2026-03-08, credit/txn_amount_30d,
    clean_transactions run <run id>, credit-scoring@2, production/credit-scoring-api."""
    if kind == "Feature":
        return f"{node['group']}/{node['name']}"
    if kind == "Run":
        return f"{node.get('job_name') or 'a'} run {node['run_id']}"
    return key_text(kind, node)


# The node fields above that are times: the provenance statement returns them as ISO text.
_TIMES = {"created_at", "started_at", "ended_at"}


def _asset(kind: str, node: dict, facts: dict, *, stage: str | None, quarantined: bool | None) -> Asset:
    fields: dict = {}
    for name in (*_FIELDS.get(kind, ()), "created_at", "created_by"):
        value = node.get(name)
        if value is None:
            continue
        if name == "parameters":
            value = json.loads(value)
        elif name == "compliance_flags":
            value = list(value)
        elif name in _TIMES:
            value = stored_time(value)
        fields[name] = value
    for name in ("owner", "risk_tier"):
        if facts.get(name) is not None:
            fields[name] = facts[name]
    if stage is not None:
        fields["stage"] = stage
    if quarantined is not None:
        fields["quarantined"] = quarantined
    key = {name: node[name] for name in BY_LABEL[kind].key_fields}
    return Asset(id=node["id"], kind=kind, label=label_of(kind, node), key=key, fields=fields)


def _assemble(upstream: ProvenanceAnswer, facts: dict, *, as_of: datetime, generated_at: datetime, now: bool,
              audit_status: AuditStatus) -> Dossier:
    per_asset = {row["id"]: row for row in facts["assets"]}
    labels = {node["id"]: label_of(kind, node) for kind, node in upstream.nodes}

    incidents: dict[str, IncidentRecord] = {}
    open_touched: set[str] = set()
    for kind, node in upstream.nodes:
        for raw in per_asset.get(node["id"], {}).get("incidents", []):
            record = incidents.get(raw["id"]) or IncidentRecord(
                id=raw["id"], status="RELEASED" if raw["released_at"] is not None else "OPEN", reason=raw["reason"],
                start=raw["start_key"], opened_at=stored_time(raw["opened_at"]), opened_by=raw["opened_by"],
                released_at=stored_time(raw["released_at"]), released_by=raw["released_by"], affected=[])
            incidents[raw["id"]] = record
            record.affected.append(labels[node["id"]])
            if record.status == "OPEN":
                open_touched.add(node["id"])

    stages_now = {row["model_version_id"]: row["stage"] for row in facts["stages"] if row["until"] is None}
    assets = []
    for kind, node in upstream.nodes:
        quarantined = None
        if kind in FLAGGED_KINDS:  # now: the flag as it stands; in the past: whether an incident then open covered it
            quarantined = bool(node.get("quarantined")) if now else node["id"] in open_touched
        assets.append(_asset(kind, node, per_asset.get(node["id"], {}), stage=stages_now.get(node["id"]),
                             quarantined=quarantined))
    by_id = {asset.id: asset for asset in assets}
    subject = assets[0]
    created = subject.fields.get("created_at")
    existed = created is None or created <= as_of
    order = {asset.id: position for position, asset in enumerate(assets)}  # the subject first, then nearest first

    checks, restated = [], []
    for row in sorted(facts["checks"], key=lambda r: (order[r["model_version_id"]], r["kind"])):
        label, at = labels[row["model_version_id"]], stored_time(row["at"])
        if at > as_of:
            restated.append(Restated(model_version=label, what="check", name=row["kind"], recorded_at=at))
        else:
            checks.append(CheckRecord(model_version=label, kind=row["kind"], status=row["status"],
                                      evidence_uri=row["evidence_uri"], note=row["note"], by=row["by"], at=at))
    measurements = []
    for row in sorted(facts["measurements"],
                      key=lambda r: (order[r["model_version_id"]], r["metric"], r["dataset_version"])):
        label, at = labels[row["model_version_id"]], stored_time(row["measured_at"])
        if at is not None and at > as_of:
            restated.append(Restated(model_version=label, what="measurement",
                                     name=f"{row['metric']} on {row['dataset_version']}", recorded_at=at))
        else:
            measurements.append(Measurement(model_version=label, metric=row["metric"], value=row["value"],
                                            dataset_version=row["dataset_version"]))
    approvals = [ApprovalRecord(model_version=labels[r["model_version_id"]], stage=r["stage"], approver=r["approver"],
                                roles=list(r["roles"] or []), at=stored_time(r["at"]), note=r["note"])
                 for r in sorted(facts["approvals"], key=lambda r: (order[r["model_version_id"]], stored_time(r["at"]),
                                                                     r["stage"], r["approver"]))]
    stages = [StageSpan(model_version=labels[r["model_version_id"]], stage=r["stage"], since=stored_time(r["since"]),
                        until=stored_time(r["until"]), by=r["by"])
              for r in sorted(facts["stages"], key=lambda r: (order[r["model_version_id"]], stored_time(r["since"])))]

    kinds = {node["id"]: kind for kind, node in upstream.nodes}
    verifications = [VerificationRecord(asset=labels[r["asset_id"]], kind=kinds[r["asset_id"]], outcome=r["outcome"],
                                        at=stored_time(r["at"]), by=r["by"], uri=r["uri"], expected=r["expected"],
                                        actual=r["actual"], detail=r["detail"])
                     for r in sorted(facts["verifications"], key=lambda r: order[r["asset_id"]])]

    switches = [_switch(row) for row in facts["switches"]]
    serving = None
    if subject.kind == "Deployment":
        serving = next((s for s in reversed(switches) if s.until is None), None)
    if subject.kind == "ModelVersion":
        model_version = subject if existed else None
    else:
        model_version = by_id.get(serving.model_version_id) if serving else None

    return Dossier(
        subject=subject, as_of=as_of, generated_at=generated_at, model_version=model_version, serving=serving,
        assets=assets, edges=[Edge(source=e["source"], type=e["type"], target=e["target"]) for e in upstream.edges],
        raw_sources=[by_id[d["id"]] for d in upstream.raw_sources], licenses=list(upstream.licenses),
        privacy_classes=list(upstream.privacy_classes), complete=not upstream.cut_reasons, checks=checks,
        approvals=approvals, stages=stages, measurements=measurements, deployment_history=switches,
        incidents=sorted(incidents.values(), key=lambda i: (i.opened_at, i.id)), audit=audit_status,
        existed=existed, restated=restated, verifications=verifications)


def _switch(row: dict) -> Switch:
    glass = row["break_glass"]
    return Switch(
        model_version=row["model_version"], model_version_id=row["model_version_id"], since=stored_time(row["since"]),
        until=stored_time(row["until"]), by=row["by"], deployment=row["deployment"], rollback_reason=row["rollback_reason"],
        break_glass=BreakGlass(reason=glass["reason"], by=glass["by"], overrode=list(glass["overrode"]))
        if glass else None)

