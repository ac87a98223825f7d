"""GraphQL types of the compliance dossier: every section of `service.Dossier`, typed, in words a
reviewer reads (labels, people's names, times), and where its documents are served."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog.types import (
    BreakGlass,
    DeploymentStatus,
    Parameter,
    PrivacyClass,
    RiskTier,
    RunState,
    Stage,
    StageSpan,
)
from app.compliance import service
from app.core.documents import document_path
from app.governance.types import CheckKind, CheckStatus, RecordedApproval, RecordedCheck
from app.incident.types import IncidentStatus
from app.lineage.types import LineageEdge


@strawberry.type(description="One field of an asset's natural key.")
class KeyField:
    name: str = strawberry.field(description="The key field as stored: `namespace`, `model_name`, `run_id` …")
    value: str = strawberry.field(description="Its value.")


@strawberry.type(description="One asset of a dossier: the subject or something upstream of it, with the fields a "
                             "reviewer reads (a field the asset does not have is null).")
class DossierAsset:
    id: strawberry.ID = strawberry.field(description="Its id (edges refer to it).")
    kind: str = strawberry.field(description="Its node label: Dataset, DatasetVersion, Feature, Run, ModelVersion, "
                                             "Deployment.")
    label: str = strawberry.field(description="As a person writes it: `s3://raw/transactions@2026-03-08`, "
                                              "`credit-scoring@2`, `production/credit-scoring-api`.")
    key: list[KeyField] = strawberry.field(description="Its natural key, field by field.")
    owner: str | None = strawberry.field(description="The team that owns it (a version's, its dataset's or model's; a "
                                                     "run's, its job's; a deployment's, the served model's).")
    description: str | None = strawberry.field(description="What it is, as its owners wrote it.")
    license: str | None = strawberry.field(description="A dataset's or model version's licence (SPDX id).")
    privacy: PrivacyClass | None = strawberry.field(description="A dataset's privacy class.")
    digest: str | None = strawberry.field(description="A dataset version's content digest.")
    row_count: int | None = strawberry.field(description="A dataset version's row count.")
    dtype: str | None = strawberry.field(description="A feature's data type.")
    transformation: str | None = strawberry.field(description="How a feature is computed.")
    job_namespace: str | None = strawberry.field(description="A run's job namespace.")
    job_name: str | None = strawberry.field(description="A run's job name.")
    state: RunState | None = strawberry.field(description="A run's state.")
    started_at: datetime | None = strawberry.field(description="When a run started.")
    ended_at: datetime | None = strawberry.field(description="When a run ended.")
    code_repository: str | None = strawberry.field(description="A run's code repository.")
    code_commit: str | None = strawberry.field(description="A run's code commit.")
    parameters: list[Parameter] = strawberry.field(description="A run's parameters by name; empty for other kinds.")
    framework: str | None = strawberry.field(description="A model version's framework.")
    artifact_uri: str | None = strawberry.field(description="A model version's artifact URI.")
    artifact_digest: str | None = strawberry.field(description="A model version's artifact digest.")
    compliance_flags: list[str] = strawberry.field(description="A model version's compliance flags.")
    risk_tier: RiskTier | None = strawberry.field(description="A model version's risk tier (its model's).")
    stage: Stage | None = strawberry.field(description="A model version's stage at `asOf` (from its stage history).")
    quarantined: bool | None = strawberry.field(
        description="A dataset or model version: whether it was quarantined at `asOf`; null for other kinds.")
    endpoint: str | None = strawberry.field(description="A deployment's endpoint.")
    status: DeploymentStatus | None = strawberry.field(description="A deployment's status (as it is now).")
    created_at: datetime | None = strawberry.field(description="When it was registered (a snapshot: taken).")
    created_by: str | None = strawberry.field(description="Who registered it.")


def _enum(kind, value):
    return None if value is None else kind(value)


def asset(found: service.Asset) -> DossierAsset:
    f = found.fields
    return DossierAsset(
        id=strawberry.ID(found.id), kind=found.kind, label=found.label,
        key=[KeyField(name=name, value=str(value)) for name, value in found.key.items()],
        owner=f.get("owner"), description=f.get("description"), license=f.get("license"),
        privacy=_enum(PrivacyClass, f.get("privacy")), digest=f.get("digest"), row_count=f.get("row_count"),
        dtype=f.get("dtype"), transformation=f.get("transformation"), job_namespace=f.get("job_namespace"),
        job_name=f.get("job_name"), state=_enum(RunState, f.get("state")), started_at=f.get("started_at"),
        ended_at=f.get("ended_at"), code_repository=f.get("code_repository"), code_commit=f.get("code_commit"),
        parameters=[Parameter(name=k, value=v) for k, v in sorted((f.get("parameters") or {}).items())],
        framework=f.get("framework"), artifact_uri=f.get("artifact_uri"), artifact_digest=f.get("artifact_digest"),
        compliance_flags=list(f.get("compliance_flags") or []), risk_tier=_enum(RiskTier, f.get("risk_tier")),
        stage=_enum(Stage, f.get("stage")), quarantined=f.get("quarantined"), endpoint=f.get("endpoint"),
        status=_enum(DeploymentStatus, f.get("status")), created_at=f.get("created_at"),
        created_by=f.get("created_by"))


@strawberry.type(description="One span of a deployment serving a model version, cut at `asOf`.")
class DossierSwitch:
    deployment: str | None = strawberry.field(description="The deployment: `production/credit-scoring-api`.")
    model_version: str = strawberry.field(description="The version served: `credit-scoring@2`.")
    since: datetime = strawberry.field(description="When it started serving it.")
    until: datetime | None = strawberry.field(description="When it stopped; null while it served it at `asOf`.")
    by: str = strawberry.field(description="Who made the switch.")
    rollback_reason: str | None = strawberry.field(
        description="For a rollback (incident response): why, as the responder wrote it; null otherwise.")
    break_glass: BreakGlass | None = strawberry.field(
        description="The override the switch was made with; null when it passed the deployment gate.")


def switch(found: service.Switch) -> DossierSwitch:
    glass = found.break_glass
    return DossierSwitch(
        deployment=found.deployment, model_version=found.model_version, since=found.since, until=found.until,
        by=found.by, rollback_reason=found.rollback_reason,
        break_glass=BreakGlass(reason=glass.reason, by=glass.by, overrode=list(glass.overrode))
        if glass else None)


@strawberry.type(description="A check or measurement that stood at `asOf` but was recorded again since: the registry "
                             "keeps only the latest, so its outcome then is in the audit trail, not in this dossier.")
class DossierRestatement:
    model_version: str = strawberry.field(description="The version: `credit-scoring@2`.")
    what: str = strawberry.field(description="`check` or `measurement`.")
    name: str = strawberry.field(description="The check's kind, or the metric on its dataset version.")
    recorded_at: datetime = strawberry.field(description="When the outcome stored now was recorded.")


@strawberry.type(description="One evaluation result of a model version, measured by `asOf`.")
class DossierMeasurement:
    metric: str = strawberry.field(description="The metric: `auc`.")
    value: float = strawberry.field(description="Its value.")
    dataset_version: str = strawberry.field(description="What it was measured on: `s3://curated/holdout@2026-03-01`.")


@strawberry.type(description="What let one model version of the dossier through, as it stood at `asOf`: its checks "
                             "(as then last recorded), approvals, stage history (promotions and incident response, "
                             "cut at `asOf`) and evaluation results.")
class DossierModelVersion:
    model_version: str = strawberry.field(description="The version: `credit-scoring@2`.")
    checks: list[RecordedCheck] = strawberry.field(description="Its checks, by kind.")
    approvals: list[RecordedApproval] = strawberry.field(description="Its approvals, oldest first.")
    stage_history: list[StageSpan] = strawberry.field(description="Its stages, oldest first.")
    measurements: list[DossierMeasurement] = strawberry.field(description="Its evaluation results, by metric.")


def model_version_records(found: service.Dossier) -> list[DossierModelVersion]:
    """The per-version sections of the dossier, one record per model version in `assets`, in their order."""
    records = {a.label: DossierModelVersion(model_version=a.label, checks=[], approvals=[], stage_history=[],
                                            measurements=[])
               for a in found.assets if a.kind == "ModelVersion"}
    for c in found.checks:
        records[c.model_version].checks.append(RecordedCheck(
            kind=CheckKind(c.kind), status=CheckStatus(c.status), evidence_uri=c.evidence_uri, note=c.note,
            recorded_by=c.by, recorded_at=c.at))
    for a in found.approvals:
        records[a.model_version].approvals.append(RecordedApproval(
            approver=a.approver, roles=list(a.roles), stage=Stage(a.stage), note=a.note, approved_at=a.at))
    for s in found.stages:
        records[s.model_version].stage_history.append(StageSpan(stage=Stage(s.stage), since=s.since, until=s.until,
                                                                by=s.by))
    for m in found.measurements:
        records[m.model_version].measurements.append(DossierMeasurement(metric=m.metric, value=m.value,
                                                                        dataset_version=m.dataset_version))
    return list(records.values())


@strawberry.type(description="An incident that quarantined or affected an asset of the dossier, opened by `asOf`.")
class DossierIncident:
    id: strawberry.ID = strawberry.field(description="The incident's id (`incident(id:)` has the rest).")
    status: IncidentStatus = strawberry.field(description="Its status at `asOf`.")
    reason: str = strawberry.field(description="Why it was opened.")
    start: str = strawberry.field(description="What was quarantined: `s3://raw/transactions@2026-03-08`.")
    opened_at: datetime = strawberry.field(description="When it was opened.")
    opened_by: str = strawberry.field(description="Who opened it.")
    released_at: datetime | None = strawberry.field(description="When it was released; null while open at `asOf`.")
    released_by: str | None = strawberry.field(description="Who released it; null while open at `asOf`.")
    affected: list[str] = strawberry.field(description="The dossier's assets it quarantined or affected, by label.")


@strawberry.type(description="The audit chain's verification, of the chain as it is now (whatever `asOf`).")
class DossierAuditStatus:
    ok: bool = strawberry.field(description="True when every event checked links to the one before and matches its hash.")
    head_seq: int = strawberry.field(description="The chain's last sequence number.")
    head_hash: str = strawberry.field(description="The chain's last hash.")
    checked: int = strawberry.field(
        description=f"How many of its most recent events were recomputed (at most {service.AUDIT_WINDOW:,} with a "
                    "dossier; `verifyAudit` checks the whole chain).")
    problem: str | None = strawberry.field(description="The first break found; null when ok.")


@strawberry.type(description="Where the dossier's documents are served (paths on this service, same authorization "
                             "as reads).")
class ComplianceDocuments:
    prov_json: str = strawberry.field(description="The W3C PROV-JSON document.")
    cyclonedx_json: str = strawberry.field(description="The CycloneDX 1.6 ML-BOM, as JSON.")
    report_html: str = strawberry.field(description="The compliance report, printable HTML.")
    report_markdown: str = strawberry.field(description="The compliance report, Markdown.")


def documents(found: service.Dossier, as_of: datetime | None) -> ComplianceDocuments:
    """The paths of the dossier's documents, as of `as_of` (now when None)."""
    kind, key = found.subject.kind, found.subject.key

    def path(document: str, format: str | None = None) -> str:
        return document_path(document, kind, key, as_of=as_of, format=format)

    return ComplianceDocuments(prov_json=path("prov"), cyclonedx_json=path("cyclonedx"), report_html=path("report"),
                               report_markdown=path("report", "markdown"))


@strawberry.type(description="A reviewer's whole answer about a model version or a deployment, as the registry stood "
                             "at `asOf`: what it is built from down to the raw sources, under which licences and "
                             "privacy classes, what checks and approvals let it through and who gave them, how it was "
                             "promoted and deployed, the incidents that touched it, and the audit chain's verification.")
class ComplianceDossier:
    subject: DossierAsset = strawberry.field(description="The model version or deployment asked about.")
    as_of: datetime = strawberry.field(description="The time it describes (now, when no `asOf` was given).")
    generated_at: datetime = strawberry.field(description="When it was read.")
    existed: bool = strawberry.field(
        description="False when the subject was registered after `asOf`: then the dossier holds nothing else.")
    model_version: DossierAsset | None = strawberry.field(
        description="The model version described: the subject, or what the deployment served at `asOf`; null when "
                    "it served nothing then.")
    serving: DossierSwitch | None = strawberry.field(
        description="For a deployment: the switch in force at `asOf`, with any break-glass override.")
    complete: bool = strawberry.field(
        description="False when the node budget cut the upstream graph: never read that as 'nothing more'.")
    assets: list[DossierAsset] = strawberry.field(
        description="The subject first, then everything upstream nearest first, and the dataset of every dataset version.")
    edges: list[LineageEdge] = strawberry.field(description="The typed lineage edges among `assets` (by id).")
    raw_sources: list[DossierAsset] = strawberry.field(description="The datasets no recorded run produced.")
    licenses: list[str] = strawberry.field(description="Every licence of the upstream datasets.")
    privacy_classes: list[PrivacyClass] = strawberry.field(description="Every privacy class of the upstream datasets.")
    model_versions: list[DossierModelVersion] = strawberry.field(
        description="Every model version in `assets` (the one described first) with its checks, approvals, stage "
                    "history and evaluation results as they stood at `asOf`.")
    restated: list[DossierRestatement] = strawberry.field(
        description="Checks and measurements recorded again after `asOf`: the registry keeps only the latest, so "
                    "they are left out of `modelVersions` (the audit trail has the outcome that stood then).")
    deployment_history: list[DossierSwitch] = strawberry.field(
        description="Oldest first, up to `asOf`: a deployment's switches; for a model version, the spans of every "
                    "deployment that served it.")
    incidents: list[DossierIncident] = strawberry.field(description="Incidents that touched any asset, oldest first.")
    audit: DossierAuditStatus = strawberry.field(description="The audit chain's verification now.")
    documents: ComplianceDocuments = strawberry.field(description="Where its PROV, CycloneDX and report documents are.")


def compliance_dossier(found: service.Dossier, *, live: bool) -> ComplianceDossier:
    """The GraphQL dossier of a service Dossier. Its documents' paths carry its `asOf`, unless it was
    asked of now (`live`): then they describe the registry when they are fetched."""
    audit = found.audit
    return ComplianceDossier(
        subject=asset(found.subject), as_of=found.as_of, generated_at=found.generated_at, existed=found.existed,
        model_version=asset(found.model_version) if found.model_version else None,
        serving=switch(found.serving) if found.serving else None, complete=found.complete,
        assets=[asset(a) for a in found.assets],
        edges=[LineageEdge(source=strawberry.ID(e.source), type=e.type, target=strawberry.ID(e.target))
               for e in found.edges],
        raw_sources=[asset(a) for a in found.raw_sources], licenses=list(found.licenses),
        privacy_classes=[PrivacyClass(p) for p in found.privacy_classes],
        model_versions=model_version_records(found),
        restated=[DossierRestatement(model_version=r.model_version, what=r.what, name=r.name,
                                     recorded_at=r.recorded_at) for r in found.restated],
        deployment_history=[switch(s) for s in found.deployment_history],
        incidents=[DossierIncident(id=strawberry.ID(i.id), status=IncidentStatus(i.status), reason=i.reason,
                                   start=i.start, opened_at=i.opened_at, opened_by=i.opened_by,
                                   released_at=i.released_at, released_by=i.released_by, affected=list(i.affected))
                   for i in found.incidents],
        audit=DossierAuditStatus(ok=audit.ok, head_seq=audit.head_seq, head_hash=audit.head_hash,
                                 checked=audit.checked, problem=audit.problem),
        documents=documents(found, None if live else found.as_of))
