"""The compliance documents the registry serves, and the one path scheme every door uses.

The HTTP edge routes these paths (app/http/exports.py), GraphQL offers them as URLs and the CLI
asks for them (`lineagegraph export`, `lineagegraph report`): one spelling for all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class Document:
    name: str           # as the CLI and the path spell it
    media_type: str     # what the HTTP answer says it is
    suffix: str         # of the file the CLI writes by default


# W3C PROV-JSON has no registered media type of its own; its note serves it as JSON.
PROV = Document("prov", "application/json", ".prov.json")
CYCLONEDX = Document("cyclonedx", "application/vnd.cyclonedx+json; version=1.6", ".cdx.json")
REPORT_HTML = Document("report", "text/html; charset=utf-8", ".html")
REPORT_MARKDOWN = Document("report", "text/markdown; charset=utf-8", ".md")
REPORT_FORMATS = {"html": REPORT_HTML, "markdown": REPORT_MARKDOWN}

# What a document can describe, as its path names it, and the natural key that follows.
SUBJECTS = {"deployments": ("Deployment", ("environment", "name")),
            "model-versions": ("ModelVersion", ("model_name", "version"))}
_SEGMENT = {kind: segment for segment, (kind, _) in SUBJECTS.items()}


def document_path(document: str, subject_kind: str, key: dict, *, as_of: datetime | None = None,
                  format: str | None = None) -> str:
    """`/exports/prov/deployments/production/credit-scoring-api?asOf=…`,
    `/exports/cyclonedx/model-versions/credit-scoring/2`, `/reports/deployments/production/credit-scoring-api?format=markdown`."""
    if subject_kind not in _SEGMENT:
        raise ValueError(f"no document describes a {subject_kind}")
    segment = _SEGMENT[subject_kind]
    parts = [segment, *(str(key[field]) for field in SUBJECTS[segment][1])]
    prefix = "/reports" if document == "report" else f"/exports/{document}"
    query = {k: v for k, v in (("asOf", as_of.isoformat() if as_of else None), ("format", format)) if v}
    path = prefix + "/" + "/".join(quote(part, safe="") for part in parts)
    return path + ("?" + urlencode(query) if query else "")
