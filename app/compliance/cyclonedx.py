"""The dossier as a CycloneDX 1.6 ML-BOM, built with cyclonedx-python-lib and validated against the 1.6 JSON schema."""

from __future__ import annotations

from cyclonedx.model.bom import Bom

from app.compliance.service import Dossier


def bom(dossier: Dossier) -> Bom:
    """The model as a machine-learning-model component with its model card, the upstream dataset versions
    as data components, fine-tuning parents as components, the lineage as dependencies."""
    raise NotImplementedError


def bom_json(dossier: Dossier) -> str:
    """`bom(dossier)` as CycloneDX 1.6 JSON, validated strictly before it is returned."""
    raise NotImplementedError
