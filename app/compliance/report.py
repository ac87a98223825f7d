"""The dossier as a compliance report a reviewer who is not an engineer can read and sign off: Markdown and printable HTML (Jinja2, autoescaped)."""

from __future__ import annotations

from app.compliance.service import Dossier


def markdown(dossier: Dossier) -> str:
    raise NotImplementedError


def html(dossier: Dossier) -> str:
    raise NotImplementedError
