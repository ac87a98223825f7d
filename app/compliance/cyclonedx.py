"""The dossier as a CycloneDX 1.6 ML-BOM, built with cyclonedx-python-lib and validated against the 1.6 JSON schema.

What the BOM holds: the model version described as a `machine-learning-model` component with its model
card, every other model version upstream (fine-tuning parents, models a run read) as one too, every
upstream dataset version as a `data` component with its dataset's licence (an SPDX id, or a named
licence such as `proprietary`), privacy classification and digest, and the lineage as the
`dependencies` graph between them: each component depends on the nearest components upstream of it,
through the runs and features between (which are not components). The subject is the metadata
component: the deployment as an `application`, or the model version itself. Bom-refs are the assets'
identifiers (app/compliance/prov.py: `https://lineagegraph.dev/id/<kind>/<key>`), the serial number
a UUID made from the subject and `as_of`, the timestamp `as_of`: the same dossier gives the same BOM.

cyclonedx-python-lib (11.x) does not model a component's `modelCard` nor its `data` yet
(CycloneDX/cyclonedx-python-lib#912, #913). `bom()` is therefore everything the library models, and
`bom_json()` adds both to the JSON the library writes, each to the component with its bom-ref, then
validates the whole document against the strict 1.6 schema with the library's validator.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections import deque
from importlib.metadata import PackageNotFoundError, version as package_version

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.spdx import fixup_id
from cyclonedx.validation.json import JsonStrictValidator

from app.compliance.prov import NAMESPACE, asset_uri, dossier_name
from app.compliance.service import Asset, Dossier

COMPONENT_KINDS = ("ModelVersion", "DatasetVersion")
# The edges lineage follows upstream (VERSION_OF leads to a dataset's or model's other versions' owner, not upstream).
UPSTREAM = ("USED", "WAS_GENERATED_BY", "WAS_DERIVED_FROM", "SERVES")
PROPERTY = "lineagegraph:"


class InvalidBom(RuntimeError):
    """The document the dossier gave is not valid CycloneDX 1.6: a bug in this module, never the reader's input."""


def _license(value: str) -> DisjunctiveLicense:
    """An SPDX licence by its id, any other (`proprietary`) by name."""
    spdx = fixup_id(value)
    return DisjunctiveLicense(id=spdx) if spdx else DisjunctiveLicense(name=value)


def _hashes(digest: str | None) -> list[HashType]:
    algorithm, _, content = (digest or "").partition(":")
    return [HashType(alg=HashAlgorithm.SHA_256, content=content)] if algorithm == "sha256" and content else []


def _properties(pairs) -> list[Property]:
    return [Property(name=PROPERTY + name, value=str(value)) for name, value in pairs if value not in (None, "")]


class _Lineage:
    """The dossier's graph, for walking: assets by id and label, edges by source, each version's dataset or model."""

    def __init__(self, dossier: Dossier) -> None:
        self.by_id = {asset.id: asset for asset in dossier.assets}
        self.by_label = {asset.label: asset for asset in dossier.assets}
        self.upstream: dict[str, list[str]] = {}
        self.version_of: dict[str, Asset] = {}
        for edge in dossier.edges:
            if edge.type in UPSTREAM:
                self.upstream.setdefault(edge.source, []).append(edge.target)
            elif edge.type == "VERSION_OF" and edge.target in self.by_id:
                self.version_of[edge.source] = self.by_id[edge.target]

    def nearest_components(self, start: str) -> list[Asset]:
        """The components first met going upstream from `start`, walking through runs, features and datasets."""
        found: dict[str, Asset] = {}
        seen, queue = {start}, deque(self.upstream.get(start, []))
        while queue:
            node = queue.popleft()
            if node in seen or node not in self.by_id:
                continue
            seen.add(node)
            if self.by_id[node].kind in COMPONENT_KINDS:
                found[node] = self.by_id[node]
            else:
                queue.extend(self.upstream.get(node, []))
        return sorted(found.values(), key=lambda a: a.label)

    def features_of(self, model_version: Asset) -> list[Asset]:
        """The features the runs that produced `model_version` used."""
        runs = [self.by_id[t] for t in self.upstream.get(model_version.id, []) if t in self.by_id
                and self.by_id[t].kind == "Run"]
        return sorted({f.id: f for run in runs for t in self.upstream.get(run.id, []) if (f := self.by_id.get(t))
                       and f.kind == "Feature"}.values(), key=lambda a: a.label)

    def dataset_field(self, version: Asset, field: str):
        dataset = self.version_of.get(version.id)
        return (dataset.fields.get(field) if dataset else None) or version.fields.get(field)


def _component(asset: Asset, lineage: _Lineage) -> Component:
    fields = asset.fields
    if asset.kind == "ModelVersion":
        return Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=asset_uri(asset), name=asset.key["model_name"],
            version=str(asset.key["version"]), description=fields.get("description"),
            licenses=[_license(fields["license"])] if fields.get("license") else None,
            hashes=_hashes(fields.get("artifact_digest")),
            external_references=[ExternalReference(type=ExternalReferenceType.DISTRIBUTION,
                                                   url=XsUri(fields["artifact_uri"]))] if fields.get("artifact_uri") else None,
            properties=_properties([("owner", fields.get("owner")), ("framework", fields.get("framework")),
                                    ("stage", fields.get("stage")), ("risk-tier", fields.get("risk_tier")),
                                    ("quarantined", fields.get("quarantined"))]
                               + [("compliance-flag", flag) for flag in fields.get("compliance_flags") or []]))
    license = lineage.dataset_field(asset, "license")
    return Component(
        type=ComponentType.DATA, bom_ref=asset_uri(asset), group=asset.key["namespace"], name=asset.key["name"],
        version=str(asset.key["version"]), description=lineage.dataset_field(asset, "description"),
        licenses=[_license(license)] if license else None, hashes=_hashes(fields.get("digest")),
        properties=_properties([("privacy-class", lineage.dataset_field(asset, "privacy")),
                                ("owner", lineage.dataset_field(asset, "owner")),
                                ("row-count", fields.get("row_count")), ("quarantined", fields.get("quarantined"))]))


def _subject_component(dossier: Dossier, lineage: _Lineage) -> Component:
    subject = dossier.subject
    if subject.kind == "ModelVersion":
        return _component(subject, lineage)
    serving = dossier.serving
    return Component(
        type=ComponentType.APPLICATION, bom_ref=asset_uri(subject), group=subject.key["environment"],
        name=subject.key["name"], description=f"Deployment {subject.label}",
        external_references=[ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(subject.fields["endpoint"]))]
        if subject.fields.get("endpoint") else None,
        properties=_properties([
            ("status", subject.fields.get("status")),
            ("serving", serving.model_version if serving else None),
            ("serving-since", serving.since.isoformat() if serving else None),
            ("switched-by", serving.by if serving else None),
            ("gate", ("overridden" if serving.break_glass else "passed") if serving else None),
            ("break-glass-reason", serving.break_glass.reason if serving and serving.break_glass else None),
            ("break-glass-by", serving.break_glass.by if serving and serving.break_glass else None),
            ("rollback-reason", serving.rollback_reason if serving else None),
        ]))


def serial_number(dossier: Dossier) -> uuid.UUID:
    """The BOM's serial number: a name-based UUID of the subject and `as_of`."""
    return uuid.uuid5(uuid.NAMESPACE_URL, NAMESPACE + dossier_name(dossier))


def _tool() -> Component:
    try:
        tool_version = package_version("lineagegraph")
    except PackageNotFoundError:  # running from a source tree that was never installed
        tool_version = None
    return Component(type=ComponentType.APPLICATION, name="lineagegraph", version=tool_version)


def bom(dossier: Dossier) -> Bom:
    """The model as a machine-learning-model component with its model card, the upstream dataset versions
    as data components, fine-tuning parents as components, the lineage as dependencies."""
    lineage = _Lineage(dossier)
    subject = _subject_component(dossier, lineage)
    audit = dossier.audit
    metadata = BomMetaData(
        timestamp=dossier.as_of, component=subject,
        properties=_properties([
            ("as-of", dossier.as_of.isoformat()), ("complete", str(dossier.complete).lower()),
            ("existed", str(dossier.existed).lower()),
            ("audit-ok", str(audit.ok).lower() if audit else None), ("audit-head-seq", audit.head_seq if audit else None),
            ("audit-head-hash", audit.head_hash if audit else None), ("audit-problem", audit.problem if audit else None),
        ] + [("restated", f"{r.model_version} {r.what} {r.name}, recorded again {r.recorded_at.isoformat()}")
             for r in dossier.restated]))
    metadata.tools.components.add(_tool())
    document = Bom(serial_number=serial_number(dossier), metadata=metadata)
    components = {a.id: _component(a, lineage) for a in dossier.assets
                  if a.kind in COMPONENT_KINDS and a.id != dossier.subject.id}
    document.components.update(components.values())
    everything = {**components, dossier.subject.id: subject}
    for asset_id, component in everything.items():
        document.register_dependency(component, [everything[a.id] for a in lineage.nearest_components(asset_id)])
    return document


# --- what the library does not model yet: the model card and the components' data ---------------

def _model_card(model_version: Asset, dossier: Dossier, lineage: _Lineage) -> dict:
    """CycloneDX 1.6 `modelCard`: the data it was trained on (the dataset versions among its nearest components), the
    data it was evaluated on, its measurements as performance metrics, its checks as considerations."""
    # The nearest components, not the nearest dataset versions: a parent's training data is the parent's.
    trained_on = [a for a in lineage.nearest_components(model_version.id) if a.kind == "DatasetVersion"]
    measurements = sorted((m for m in dossier.measurements if m.model_version == model_version.label),
                          key=lambda m: (m.metric, m.dataset_version))
    datasets = [{"ref": asset_uri(a)} for a in trained_on]
    for label in sorted({m.dataset_version for m in measurements}):
        known = lineage.by_label.get(label)
        if known is not None and known.kind == "DatasetVersion":
            if {"ref": asset_uri(known)} not in datasets:
                datasets.append({"ref": asset_uri(known)})
        else:
            datasets.append({"type": "dataset", "name": label, "description": "Evaluation data: the performance "
                             "metrics were measured on it."})
    checks = sorted((c for c in dossier.checks if c.model_version == model_version.label), key=lambda c: (c.at, c.kind))
    card: dict = {}
    if datasets:
        card["modelParameters"] = {"datasets": datasets}
    if measurements:
        card["quantitativeAnalysis"] = {"performanceMetrics": [
            {"type": m.metric, "value": repr(m.value), "slice": m.dataset_version} for m in measurements]}
    if checks:
        card["considerations"] = {"ethicalConsiderations": [{
            "name": f"{c.kind}: {c.status}",
            "mitigationStrategy": " ".join(part for part in (
                f"Recorded by {c.by} on {c.at.isoformat()}.",
                f"Evidence: {c.evidence_uri}." if c.evidence_uri else None, c.note) if part),
        } for c in checks]}
    features = lineage.features_of(model_version)
    if features:
        card["properties"] = [{"name": PROPERTY + "feature", "value": f.label} for f in features]
    return card


def _data(version: Asset, lineage: _Lineage) -> list[dict]:
    """CycloneDX 1.6 component `data`: the dataset version's privacy classification and owner."""
    data = {"type": "dataset", "name": version.label}
    privacy, owner = lineage.dataset_field(version, "privacy"), lineage.dataset_field(version, "owner")
    if privacy:
        data["classification"] = privacy
    if owner:
        data["governance"] = {"owners": [{"organization": {"name": owner}}]}
    return [data]


def _additions(dossier: Dossier, lineage: _Lineage) -> dict[str, dict]:
    """What to add to each component, by bom-ref."""
    additions: dict[str, dict] = {}
    for asset in dossier.assets:
        if asset.kind == "ModelVersion" and (card := _model_card(asset, dossier, lineage)):
            additions[asset_uri(asset)] = {"modelCard": card}
        elif asset.kind == "DatasetVersion" and asset.id != dossier.subject.id:
            additions[asset_uri(asset)] = {"data": _data(asset, lineage)}
    return additions


@functools.cache  # the schema is read once per process, when the first BOM is validated
def _validator() -> JsonStrictValidator:
    return JsonStrictValidator(SchemaVersion.V1_6)


def bom_json(dossier: Dossier) -> str:
    """`bom(dossier)` as CycloneDX 1.6 JSON, validated strictly before it is returned."""
    document = json.loads(JsonV1Dot6(bom(dossier)).output_as_string())
    additions = _additions(dossier, _Lineage(dossier))
    for component in [document["metadata"].get("component"), *document.get("components", [])]:
        if component and component.get("bom-ref") in additions:
            component.update(additions[component["bom-ref"]])
    text = json.dumps(document, indent=2, ensure_ascii=False)
    error = _validator().validate_str(text)
    if error is not None:
        raise InvalidBom(f"the CycloneDX document of {dossier.subject.label} breaks the 1.6 schema: {error}")
    return text
