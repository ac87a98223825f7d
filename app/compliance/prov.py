"""The dossier as W3C PROV-JSON, built and validated with the `prov` library.

One namespace, `lg:` = https://lineagegraph.dev/id/, names everything the document adds: each
identifier is `lg:<kind>/<natural key>`, the key's fields in the order app/core/kinds.py gives them,
each URL-quoted (`lg:dataset-version/s3%3A%2F%2Fraw/transactions/2026-03-08`), so the same asset has
the same identifier in every document and in the CycloneDX bom-refs; attribute names are `lg:` terms
without a slash (`lg:license`), a run's parameters `lg:parameter/<name>`. README "Compliance
documents" lists the kinds and what each relation means.

The lineage maps onto PROV as the registry's edges already read: a run is an activity that `used`
its inputs, an output `wasGeneratedBy` its run, a feature or a fine-tuned model version
`wasDerivedFrom` its sources; a dataset version is a `specializationOf` its dataset (a snapshot is
the dataset with one more fixed aspect, its moment — PROV's own example of specialization, and the
reason license and privacy class, which belong to the dataset, hold for every version); a deployment
`wasDerivedFrom` the model version it serves. The governance on the way is activities too, each
associated with the principal who did it: checks, approvals, stage changes, deployment switches
(with a break-glass override's reason) and incidents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

from prov.model import PROV, PROV_LABEL, PROV_ROLE, PROV_TYPE, ProvDocument, QualifiedName

from app.compliance.service import Asset, Dossier, Switch
from app.core.kinds import BY_LABEL

NAMESPACE_PREFIX = "lg"
NAMESPACE = "https://lineagegraph.dev/id/"

# The identifier's first segment for each kind of asset.
KIND_SEGMENTS = {
    "Team": "team", "Dataset": "dataset", "DatasetVersion": "dataset-version", "Feature": "feature", "Job": "job",
    "Run": "run", "Model": "model", "ModelVersion": "model-version", "Deployment": "deployment",
}
ENTITY_KINDS = ("Dataset", "DatasetVersion", "Feature", "Model", "ModelVersion", "Deployment")


def local_name(segment: str, *parts: object) -> str:
    """`segment/part/part…`, each part URL-quoted: the local part of an `lg:` identifier."""
    return "/".join([segment, *(quote(str(part), safe="") for part in parts)])


def asset_name(kind: str, key: dict) -> str:
    """The local name of an asset of `kind` with natural key `key`: `model-version/credit-scoring/2`."""
    return local_name(KIND_SEGMENTS[kind], *(key[field] for field in BY_LABEL[kind].key_fields))


def asset_uri(asset: Asset) -> str:
    """The asset's identifier as a full URI (CycloneDX bom-refs use it too)."""
    return NAMESPACE + asset_name(asset.kind, asset.key)


def dossier_name(dossier: Dossier) -> str:
    """The local name of the dossier itself: its subject's identifier and `as_of`,
    `dossier/deployment/production/credit-scoring-api/20260325T120000Z`."""
    subject = dossier.subject
    return local_name("dossier", KIND_SEGMENTS[subject.kind],
                      *(subject.key[field] for field in BY_LABEL[subject.kind].key_fields), stamp(dossier.as_of))


def stamp(moment: datetime) -> str:
    """A moment as an identifier segment: basic ISO 8601 in UTC, `20260320T090000Z`."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"


def model_version_key(label: str) -> dict:
    """The key of a model version written `model@version` (names and versions never hold `@`)."""
    model_name, _, version = label.rpartition("@")
    return {"model_name": model_name, "version": version}


def _attribute_name(field: str) -> str:
    head, *rest = field.split("_")
    return f"{NAMESPACE_PREFIX}:" + head + "".join(word.capitalize() for word in rest)


def _attributes(fields: dict, *, skip: Iterable[str] = ()) -> list[tuple[str, object]]:
    """An asset's fields as PROV attributes: `lg:camelCase`, a run's parameters one attribute each,
    lists as repeated attributes, other structures as JSON text."""
    attributes: list[tuple[str, object]] = []
    for field, value in sorted(fields.items()):
        if value is None or field in skip:
            continue
        if field == "parameters" and isinstance(value, dict):
            attributes += [(f"{NAMESPACE_PREFIX}:" + local_name("parameter", name), str(parameter))
                           for name, parameter in sorted(value.items())]
        elif isinstance(value, (list, tuple)):
            attributes += [(_attribute_name(field), str(item)) for item in value]
        elif isinstance(value, dict):
            attributes.append((_attribute_name(field), json.dumps(value, sort_keys=True, default=str)))
        elif isinstance(value, (str, int, float, bool, datetime)):
            attributes.append((_attribute_name(field), value))
        else:
            attributes.append((_attribute_name(field), str(value)))
    return attributes


class _Builder:
    """Records added once each, in the dossier's order, so the same dossier gives the same document."""

    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.doc = ProvDocument()
        self.ns = self.doc.add_namespace(NAMESPACE_PREFIX, NAMESPACE)
        self.by_id = {asset.id: asset for asset in dossier.assets}
        self.by_label = {asset.label: asset for asset in dossier.assets}
        self.records: dict[str, object] = {}
        self.relations: set[tuple] = set()

    def qn(self, local: str) -> QualifiedName:
        return self.ns[local]

    def type_of(self, label: str) -> QualifiedName:
        return self.ns[label]

    # --- nodes ---

    def asset(self, asset: Asset):
        name = asset_name(asset.kind, asset.key)
        if name in self.records:
            return self.records[name]
        attributes = [(PROV_TYPE, self.type_of(asset.kind)), (PROV_LABEL, asset.label)]
        if asset.kind == "Run":
            fields = asset.fields
            record = self.doc.activity(self.qn(name), fields.get("started_at"), fields.get("ended_at"),
                                       attributes + _attributes(fields, skip=("started_at", "ended_at")))
        elif asset.kind in ("Team", "Job"):
            kind = PROV["Organization"] if asset.kind == "Team" else PROV["SoftwareAgent"]
            record = self.doc.agent(self.qn(name), [(PROV_TYPE, kind)] + attributes + _attributes(asset.fields))
        else:
            record = self.doc.entity(self.qn(name), attributes + _attributes(asset.fields))
        self.records[name] = record
        return record

    def team(self, team: str):
        known = next((a for a in self.dossier.assets if a.kind == "Team" and a.key.get("name") == team), None)
        return self.asset(known or Asset(id="", kind="Team", label=team, key={"name": team}, fields={}))

    def job(self, namespace: str, name: str):
        label = f"{namespace}/{name}"
        known = next((a for a in self.dossier.assets if a.kind == "Job" and a.label == label), None)
        return self.asset(known or Asset(id="", kind="Job", label=label, key={"namespace": namespace, "name": name},
                                         fields={}))

    def principal(self, name: str):
        local = local_name("principal", name)
        if local not in self.records:
            self.records[local] = self.doc.agent(self.qn(local), [(PROV_TYPE, self.type_of("Principal")),
                                                                  (PROV_LABEL, name)])
        return self.records[local]

    def model_version(self, label: str, asset_id: str | None = None):
        """A model version the dossier names by label; declared with its label alone when it is not upstream
        (the version a deployment served before)."""
        asset = self.by_id.get(asset_id or "") or self.by_label.get(label)
        return self.asset(asset or Asset(id="", kind="ModelVersion", label=label, key=model_version_key(label),
                                         fields={}))

    def activity(self, local: str, kind: str, start: datetime, end: datetime | None, attributes: list):
        if local in self.records:  # the same record twice (a check recorded twice in the same instant)
            return self.records[local]
        record = self.doc.activity(self.qn(local), start, end,
                                   [(PROV_TYPE, self.type_of(kind))] + [a for a in attributes if a[1] is not None])
        self.records[local] = record
        return record

    # --- relations, each once ---

    def relate(self, kind: str, subject, object, attributes: Iterable[tuple] = ()) -> None:
        """One PROV relation of `kind` from `subject` to `object`, added once however often it is met."""
        extra = [(name, value) for name, value in attributes if value is not None]
        key = (kind, subject.identifier, object.identifier, tuple((str(n), str(v)) for n, v in extra))
        if key in self.relations:
            return
        self.relations.add(key)
        if kind == "specializationOf":
            self.doc.specializationOf(subject, object)
        else:
            getattr(self.doc, kind)(subject, object, other_attributes=extra or None)

    # --- the dossier ---

    def build(self) -> ProvDocument:
        d = self.dossier
        for asset in d.assets:
            self.asset(asset)
        self.lineage()
        self.owners()
        self.governance()
        self.summary()
        return self.doc

    def lineage(self) -> None:
        """The registry's edges, read as README "The registry graph" reads them."""
        jobs_by_run: dict[str, object] = {}
        for edge in self.dossier.edges:
            source, target = self.by_id.get(edge.source), self.by_id.get(edge.target)
            if source is None or target is None:
                continue
            a, b = self.asset(source), self.asset(target)
            if edge.type == "USED":
                self.relate("used", a, b)
            elif edge.type == "WAS_GENERATED_BY":
                self.relate("wasGeneratedBy", a, b)
            elif edge.type == "WAS_DERIVED_FROM":
                fine_tuning = source.kind == target.kind == "ModelVersion"
                self.relate("wasDerivedFrom", a, b, [(PROV_TYPE, self.type_of("FineTuning") if fine_tuning else None)])
            elif edge.type == "SERVES":
                self.relate("wasDerivedFrom", a, b, [(PROV_TYPE, self.type_of("Serving"))])
            elif edge.type == "VERSION_OF":
                self.relate("specializationOf", a, b)
            elif edge.type == "INSTANCE_OF":
                jobs_by_run[source.id] = b
            elif edge.type == "OWNED_BY":
                self.relate("wasAttributedTo", a, b)
        # A run is associated with its job (the software agent that ran it), named on the run when
        # the dossier holds no Job node; the job acts for its owning team.
        for asset in self.dossier.assets:
            if asset.kind != "Run":
                continue
            job = jobs_by_run.get(asset.id)
            if job is None and asset.fields.get("job_namespace") and asset.fields.get("job_name"):
                job = self.job(asset.fields["job_namespace"], asset.fields["job_name"])
            if job is not None:
                self.relate("wasAssociatedWith", self.asset(asset), job)

    def owners(self) -> None:
        for asset in self.dossier.assets:
            owner = asset.fields.get("owner")
            if not owner:
                continue
            team = self.team(owner)
            if asset.kind in ENTITY_KINDS:
                self.relate("wasAttributedTo", self.asset(asset), team)
            elif asset.kind == "Job":
                self.relate("actedOnBehalfOf", self.asset(asset), team)

    def governance(self) -> None:
        d = self.dossier
        lg = NAMESPACE_PREFIX
        for check in d.checks:
            key = model_version_key(check.model_version)
            act = self.activity(local_name("check", key["model_name"], key["version"], check.kind, stamp(check.at)),
                                "Check", check.at, check.at,
                                [(PROV_LABEL, f"{check.kind} of {check.model_version}: {check.status}"),
                                 (f"{lg}:kind", check.kind), (f"{lg}:status", check.status),
                                 (f"{lg}:evidenceUri", check.evidence_uri), (f"{lg}:note", check.note)])
            self.relate("used", act, self.model_version(check.model_version))
            self.relate("wasAssociatedWith", act, self.principal(check.by), [(PROV_ROLE, self.type_of("Recorder"))])
        for approval in d.approvals:
            key = model_version_key(approval.model_version)
            act = self.activity(local_name("approval", key["model_name"], key["version"], approval.stage,
                                           approval.approver, stamp(approval.at)),
                                "Approval", approval.at, approval.at,
                                [(PROV_LABEL, f"{approval.approver} approved {approval.model_version} for {approval.stage}"),
                                 (f"{lg}:stage", approval.stage), (f"{lg}:note", approval.note)])
            self.relate("used", act, self.model_version(approval.model_version))
            self.relate("wasAssociatedWith", act, self.principal(approval.approver),
                        [(PROV_ROLE, role) for role in approval.roles])
        for span in d.stages:
            key = model_version_key(span.model_version)
            act = self.activity(local_name("stage-change", key["model_name"], key["version"], span.stage,
                                           stamp(span.since)),
                                "StageChange", span.since, span.since,
                                [(PROV_LABEL, f"{span.model_version} entered {span.stage}"),
                                 (f"{lg}:stage", span.stage), (f"{lg}:until", span.until)])
            self.relate("used", act, self.model_version(span.model_version))
            self.relate("wasAssociatedWith", act, self.principal(span.by))
        if d.subject.kind == "Deployment":
            deployment = self.asset(d.subject)
            for switch in d.deployment_history or ([d.serving] if d.serving else []):
                self.switch(deployment, switch)
        for incident in d.incidents:
            act = self.activity(local_name("incident", incident.id), "Incident", incident.opened_at,
                                incident.released_at,
                                [(PROV_LABEL, f"Incident: {incident.reason}"), (f"{lg}:status", incident.status),
                                 (f"{lg}:reason", incident.reason), (f"{lg}:quarantined", incident.start)])
            self.relate("wasAssociatedWith", act, self.principal(incident.opened_by),
                        [(PROV_ROLE, self.type_of("Opener"))])
            if incident.released_by:
                self.relate("wasAssociatedWith", act, self.principal(incident.released_by),
                            [(PROV_ROLE, self.type_of("Releaser"))])
            for label in incident.affected:
                if label in self.by_label:
                    self.relate("wasInfluencedBy", self.asset(self.by_label[label]), act)

    def switch(self, deployment, switch: Switch) -> None:
        lg = NAMESPACE_PREFIX
        env, name = (self.dossier.subject.key["environment"], self.dossier.subject.key["name"])
        glass = switch.break_glass
        attributes = [(PROV_LABEL, f"{self.dossier.subject.label} switched to {switch.model_version}"),
                      (f"{lg}:until", switch.until), (f"{lg}:gate", "overridden" if glass else "passed")]
        if switch.rollback_reason:
            attributes.append((f"{lg}:rollbackReason", switch.rollback_reason))
        if glass:
            attributes += [(f"{lg}:breakGlassReason", glass.reason), (f"{lg}:breakGlassBy", glass.by)]
            attributes += [(f"{lg}:overrode", unmet) for unmet in glass.overrode]
        act = self.activity(local_name("switch", env, name, stamp(switch.since)), "DeploymentSwitch",
                            switch.since, switch.since, attributes)
        self.relate("used", act, self.model_version(switch.model_version, switch.model_version_id))
        self.relate("wasAssociatedWith", act, self.principal(switch.by), [(PROV_ROLE, self.type_of("Switcher"))])
        if glass and glass.by != switch.by:
            self.relate("wasAssociatedWith", act, self.principal(glass.by), [(PROV_ROLE, self.type_of("BreakGlass"))])
        self.relate("wasInfluencedBy", deployment, act)

    def summary(self) -> None:
        """The dossier itself: what it describes, as of when, whether the graph is whole, the audit chain."""
        lg = NAMESPACE_PREFIX
        d = self.dossier
        audit = d.audit
        self.doc.entity(self.qn(dossier_name(d)), [
            (PROV_TYPE, self.type_of("Dossier")), (PROV_LABEL, f"Dossier of {d.subject.label}"),
            (f"{lg}:subject", self.qn(asset_name(d.subject.kind, d.subject.key))),
            (f"{lg}:asOf", d.as_of), (f"{lg}:generatedAt", d.generated_at), (f"{lg}:complete", d.complete),
            (f"{lg}:existed", d.existed),
        ] + [(f"{lg}:restated", f"{r.model_version} {r.what} {r.name}, recorded again {r.recorded_at.isoformat()}")
             for r in d.restated] + [(f"{lg}:license", license) for license in d.licenses]
          + [(f"{lg}:privacy", privacy) for privacy in d.privacy_classes]
          + [(f"{lg}:rawSource", self.qn(asset_name(a.kind, a.key))) for a in d.raw_sources]
          + ([(f"{lg}:auditOk", audit.ok), (f"{lg}:auditHeadSeq", audit.head_seq),
              (f"{lg}:auditHeadHash", audit.head_hash), (f"{lg}:auditChecked", audit.checked)]
             + ([(f"{lg}:auditProblem", audit.problem)] if audit.problem else []) if audit else []))


def prov_document(dossier: Dossier) -> ProvDocument:
    """The dossier's provenance as a PROV document (namespace documented in README)."""
    return _Builder(dossier).build()


def prov_json(dossier: Dossier) -> str:
    """The PROV-JSON serialization of `prov_document(dossier)`."""
    return prov_document(dossier).serialize(format="json", indent=2)
