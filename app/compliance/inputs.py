"""GraphQL inputs of compliance: a dossier describes what a provenance question starts from (a
model version or a deployment), so it takes lineage's `ProvenanceStartInput`."""

from __future__ import annotations

from app.lineage.inputs import ProvenanceStartInput, start_of
from app.lineage.service import Start


def subject_of(of: ProvenanceStartInput) -> Start:
    """The dossier's subject: the one model version or deployment `of` names (its key checked)."""
    return start_of(of)
