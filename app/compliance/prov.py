"""The dossier as W3C PROV-JSON, built and validated with the `prov` library."""

from __future__ import annotations

from prov.model import ProvDocument

from app.compliance.service import Dossier


def prov_document(dossier: Dossier) -> ProvDocument:
    """The dossier's provenance as a PROV document (namespace documented in README)."""
    raise NotImplementedError


def prov_json(dossier: Dossier) -> str:
    """The PROV-JSON serialization of `prov_document(dossier)`."""
    raise NotImplementedError
