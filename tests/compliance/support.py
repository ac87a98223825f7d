"""Hand-built dossiers for the renderings' tests: no database, every edge case on purpose.

`Registry` builds the upstream graph the way README "The registry graph" draws it (a run USED its
inputs, an output WAS_GENERATED_BY its run, a version is VERSION_OF its dataset or model …), and
`Registry.dossier` wraps it in a `Dossier` with the summary fields the reading computes (raw sources,
licenses, privacy classes): the renderings read nothing else. `credit_scoring` tells the demo's
story in miniature, and its keyword arguments turn on the edges: a break-glass switch, an open
incident, a failed check, a non-commercial source, a cut graph, hostile text.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

from app.compliance.service import (
    ApprovalRecord,
    Asset,
    AuditStatus,
    BreakGlass,
    CheckRecord,
    Dossier,
    Edge,
    IncidentRecord,
    Measurement,
    Restated,
    StageSpan,
    Switch,
)


def at(day: str, time: str = "00:00") -> datetime:
    """A UTC instant in March 2026 unless the day says otherwise: at("03-08", "02:15")."""
    return datetime.fromisoformat(f"2026-{day}T{time}:00+00:00").astimezone(UTC)


class Registry:
    """An upstream graph built by hand: assets by label, edges as README draws them."""

    def __init__(self) -> None:
        self.assets: dict[str, Asset] = {}
        self.edges: list[Edge] = []

    def _add(self, kind: str, label: str, key: dict, fields: dict) -> Asset:
        asset = Asset(id=f"id:{kind}:{label}", kind=kind, label=label, key=key,
                      fields={k: v for k, v in fields.items() if v is not None})
        self.assets[label] = asset
        return asset

    def link(self, source: Asset, type: str, target: Asset) -> None:
        self.edges.append(Edge(source.id, type, target.id))

    def dataset(self, namespace: str, name: str, *, license: str | None = "proprietary", privacy: str | None = "PII",
                owner: str | None = "data-eng") -> Asset:
        return self._add("Dataset", f"{namespace}/{name}", {"namespace": namespace, "name": name},
                         {"license": license, "privacy": privacy, "owner": owner})

    def dataset_version(self, dataset: Asset, version: str, *, rows: int | None = 1000,
                        digest: str | None = None) -> Asset:
        key = dict(dataset.key, version=version)
        asset = self._add("DatasetVersion", f"{dataset.label}@{version}", key, {
            "digest": digest if digest is not None else "sha256:" + hashlib.sha256(f"{dataset.label}@{version}".encode()).hexdigest(),
            "row_count": rows, "created_at": at(version[5:]) if version.startswith("2026-") else None})
        self.link(asset, "VERSION_OF", dataset)
        return asset

    def run(self, run_id: str, job: tuple[str, str], *, used: list[Asset], generated: list[Asset],
            started: datetime, ended: datetime | None, commit: str = "0" * 40,
            parameters: dict | None = None, repository: str = "https://git.example.com/pipelines") -> Asset:
        asset = self._add("Run", run_id, {"run_id": run_id}, {
            "job_namespace": job[0], "job_name": job[1], "state": "COMPLETE" if ended else "RUNNING",
            "started_at": started, "ended_at": ended, "code_repository": repository, "code_commit": commit,
            "parameters": parameters or {}})
        for input in used:
            self.link(asset, "USED", input)
        for output in generated:
            self.link(output, "WAS_GENERATED_BY", asset)
        return asset

    def feature(self, group: str, name: str, *, sources: list[Asset], owner: str = "credit-risk") -> Asset:
        asset = self._add("Feature", f"{group}/{name}", {"group": group, "name": name},
                          {"owner": owner, "dtype": "double", "transformation": f"sum({name})"})
        for source in sources:
            self.link(asset, "WAS_DERIVED_FROM", source)
        return asset

    def model_version(self, model: str, version: str, *, owner: str = "credit-risk", license: str | None = "proprietary",
                      stage: str = "PRODUCTION", framework: str = "xgboost", parents: list[Asset] = ()) -> Asset:
        asset = self._add("ModelVersion", f"{model}@{version}", {"model_name": model, "version": version}, {
            "owner": owner, "license": license, "stage": stage, "framework": framework, "risk_tier": "HIGH",
            "artifact_uri": f"s3://models/{model}/{version}", "artifact_digest": "sha256:" + "ab" * 32,
            "created_at": at("03-12", "04:05"), "created_by": "trainer", "compliance_flags": ["fair-lending-reviewed"]})
        for parent in parents:
            self.link(asset, "WAS_DERIVED_FROM", parent)
        return asset

    def deployment(self, environment: str, name: str, *, serves: Asset | None) -> Asset:
        asset = self._add("Deployment", f"{environment}/{name}", {"environment": environment, "name": name},
                          {"endpoint": f"https://api.example.com/{name}", "status": "ACTIVE"})
        if serves is not None:
            self.link(asset, "SERVES", serves)
        return asset

    def dossier(self, subject: Asset, *, as_of: datetime, model_version: Asset | None, complete: bool = True,
                **records) -> Dossier:
        """The dossier of `subject` over everything built so far; raw sources, licenses and privacy
        classes computed as README "Impact, provenance, lineage" defines them."""
        assets = list(self.assets.values())
        by_id = {a.id: a for a in assets}
        generated = {e.source for e in self.edges if e.type == "WAS_GENERATED_BY"}
        produced = {e.target for e in self.edges if e.type == "VERSION_OF" and e.source in generated}
        raw = {e.target for e in self.edges if e.type == "VERSION_OF" and e.source not in generated} - produced
        datasets = [a for a in assets if a.kind == "Dataset"]
        return Dossier(
            subject=subject, as_of=as_of, generated_at=as_of, model_version=model_version,
            serving=records.pop("serving", None), assets=assets, edges=list(self.edges),
            raw_sources=sorted((by_id[i] for i in raw), key=lambda a: a.label),
            licenses=sorted({d.fields["license"] for d in datasets if d.fields.get("license")}),
            privacy_classes=sorted({d.fields["privacy"] for d in datasets if d.fields.get("privacy")}),
            complete=complete, **records)


NOW = at("03-25", "12:00")
AUDIT_OK = AuditStatus(ok=True, head_seq=412, head_hash="9f" * 32, checked=412, problem=None)


def credit_scoring(*, break_glass: bool = False, open_incident: bool = False, failed_check: bool = False,
                   non_commercial: bool = False, fine_tuned: bool = False, complete: bool = True,
                   note: str = "Reviewed the gate report and the evidence.", audit: AuditStatus | None = AUDIT_OK,
                   rollback: bool = False, restated: bool = False) -> Dossier:
    """production/credit-scoring-api serving credit-scoring@2 since 2026-03-20, as the demo has it, in miniature:
    two raw sources cleaned by runs, a feature, a training run, two approvals, a history of two switches."""
    g = Registry()
    raw_txn = g.dataset_version(g.dataset("s3://raw", "transactions"), "2026-03-08")
    raw_cust = g.dataset_version(g.dataset("s3://raw", "customers"), "2026-03-01")
    clean_txn = g.dataset_version(g.dataset("s3://curated", "transactions_clean"), "2026-03-08")
    clean_cust = g.dataset_version(g.dataset("s3://curated", "customers_clean"), "2026-03-01")
    g.run("run-clean-txn", ("airflow://etl", "clean_transactions"), used=[raw_txn], generated=[clean_txn],
          started=at("03-08", "00:30"), ended=at("03-08", "01:00"), parameters={"snapshot": "2026-03-08"})
    g.run("run-clean-cust", ("airflow://etl", "clean_customers"), used=[raw_cust], generated=[clean_cust],
          started=at("03-01", "00:30"), ended=at("03-01", "01:00"))
    amount = g.feature("credit", "txn_amount_30d", sources=[g.assets["s3://curated/transactions_clean"], clean_txn])
    inputs = [clean_txn, clean_cust, amount]
    if non_commercial:
        bureau = g.dataset_version(g.dataset("postgres://bureau:5432", "bureau_scores", license="CC-BY-NC-4.0",
                                             owner="credit-risk"), "2026-03-08")
        inputs.append(bureau)
    parents = []
    if fine_tuned:
        parents = [g.model_version("base-llm", "7b-v1", owner="ml-platform", license="Apache-2.0", framework="pytorch")]
        inputs.append(parents[0])
    mv = g.model_version("credit-scoring", "2", parents=parents)
    g.run("run-train-2", ("mlflow://training", "train_credit_scoring"), used=inputs, generated=[mv],
          started=at("03-12", "02:00"), ended=at("03-12", "04:05"), commit="c0ffee" + "0" * 34,
          parameters={"max_depth": "8", "eta": "0.05"}, repository="https://git.example.com/credit-risk/credit-scoring")
    deployment = g.deployment("production", "credit-scoring-api", serves=mv)

    glass = (BreakGlass(reason=f"Fraud spike: {note}", by="olga.oncall",
                        overrode=["CHECK: bias_assessment is missing"]) if break_glass else None)
    first = Switch("credit-scoring@1", "id:ModelVersion:credit-scoring@1", at("03-10", "09:00"), at("03-20", "09:00"),
                   "pat.owner", None)
    second = Switch("credit-scoring@2", mv.id, at("03-20", "09:00"), None, "pat.owner", glass,
                    deployment="production/credit-scoring-api",
                    rollback_reason=f"Rolled back: {note}" if rollback else None)
    checks = [CheckRecord("credit-scoring@2", kind, "PASSED", f"https://reviews.example.com/{kind}", note,
                          "sam.security", at("03-12", "15:00"))
              for kind in ("evaluation", "bias_assessment", "privacy_review")]
    if failed_check:
        checks.append(CheckRecord("credit-scoring@2", "safety_review", "FAILED", None, note, "sam.security",
                                  at("03-13", "10:00")))
    approvals = [ApprovalRecord("credit-scoring@2", "PRODUCTION", "ada.approver", ["approver"], at("03-19", "08:00"), note),
                 ApprovalRecord("credit-scoring@2", "PRODUCTION", "pat.owner", ["product_owner"], at("03-19", "08:00"),
                                None)]
    stages = [StageSpan("credit-scoring@2", "STAGING", at("03-13", "09:00"), at("03-19", "09:00"), "pat.owner"),
              StageSpan("credit-scoring@2", "PRODUCTION", at("03-19", "09:00"), None, "pat.owner")]
    measurements = [Measurement("credit-scoring@2", "auc", 0.871, "s3://curated/credit_holdout@2026-03-01"),
                    Measurement("credit-scoring@2", "ks", 0.563, "s3://curated/credit_holdout@2026-03-01")]
    incidents = []
    if open_incident:
        incidents.append(IncidentRecord(
            "inc-1", "OPEN", f"Doubled amounts: {note}", "s3://raw/transactions@2026-03-08", at("03-22", "08:00"),
            "ivy.responder", None, None, ["s3://raw/transactions@2026-03-08", "credit-scoring@2",
                                          "production/credit-scoring-api"]))
    again = [Restated("credit-scoring@2", "check", "license_compliance", at("03-24", "10:00")),
             Restated("credit-scoring@2", "measurement", "auc on s3://curated/credit_holdout@2026-03-01",
                      at("03-24", "11:00"))] if restated else []
    return g.dossier(deployment, as_of=NOW, model_version=mv, serving=second, complete=complete, checks=checks,
                     approvals=approvals, stages=stages, measurements=measurements,
                     deployment_history=[first, second], incidents=incidents, audit=audit, restated=again)


def not_yet_registered() -> Dossier:
    """A deployment asked about before it was registered: the subject alone, `existed` false."""
    g = Registry()
    deployment = g.deployment("production", "credit-scoring-api", serves=None)
    return g.dossier(deployment, as_of=at("01-01"), model_version=None, audit=AUDIT_OK, existed=False)


def serving_nothing() -> Dossier:
    """A deployment registered but serving nothing (or asked about before its first switch): no model, no upstream."""
    g = Registry()
    deployment = g.deployment("production", "credit-scoring-api", serves=None)
    return g.dossier(deployment, as_of=at("03-01"), model_version=None, audit=AUDIT_OK)


def bare_model_version() -> Dossier:
    """A model version registered with no recorded run, parents, checks or approvals: empty upstream."""
    g = Registry()
    mv = g.model_version("scratch", "0.1", stage="DEVELOPMENT", license=None)
    return g.dossier(mv, as_of=NOW, model_version=mv, audit=None)


def with_fields(asset: Asset, **fields) -> Asset:
    """The asset with some fields replaced (hostile text, missing values)."""
    return replace(asset, fields={**asset.fields, **fields})
