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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.db import Database
from app.lineage.service import Start


@dataclass(frozen=True)
class Asset:
    """One node of the upstream graph, with the fields a reader needs (not its whole property map)."""

    id: str
    kind: str                 # its label: Dataset, DatasetVersion, Feature, Job, Run, Model, ModelVersion, Deployment, Team
    label: str                # as a person writes it: s3://raw/transactions@2026-03-08, credit-scoring@2, production/credit-scoring-api
    key: dict                 # its natural key fields (namespace/name/version, model_name/version, …)
    fields: dict              # what renderings show: license, privacy, digest, row_count, owner, framework,
                              # artifact_uri, artifact_digest, stage, risk_tier, started_at, ended_at,
                              # code_repository, code_commit, parameters (dict), state, created_at, created_by …
                              # only those the node has


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


async def dossier(db: Database, start: Start, *, as_of: datetime | None = None) -> Dossier:
    """The reviewer's whole answer about a model version or a deployment, as of `as_of` (now when None)."""
    raise NotImplementedError

