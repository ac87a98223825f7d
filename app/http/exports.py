"""HTTP edge of compliance documents: the dossier as PROV-JSON, CycloneDX and a report, at stable paths.

    GET /exports/prov/deployments/{environment}/{name}        application/json (W3C PROV-JSON)
    GET /exports/prov/model-versions/{model}/{version}
    GET /exports/cyclonedx/…                                  application/vnd.cyclonedx+json; version=1.6
    GET /reports/…?format=html|markdown                       text/html (default) or text/markdown

`asOf` (ISO 8601; without a zone, UTC) describes the subject as it stood then. The paths are
app/core/documents.py's, which GraphQL and the CLI use too. Reading them takes the read
permission, as every query does; refusals are the app's one JSON error envelope: 404 no such
subject, 422 a malformed `asOf` or `format`, 401/403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.permissions import demand
from app.compliance import cyclonedx, prov, report, service
from app.core import validation as v
from app.core.access import Permission
from app.core.context import principal_of
from app.core.documents import CYCLONEDX, PROV, REPORT_FORMATS, SUBJECTS, Document
from app.core.errors import InvalidInput, NotFound
from app.core.kinds import BY_LABEL
from app.lineage.service import Start


def _start(request: Request) -> Start:
    """The subject the path names; a malformed key is refused naming it (`path.deployment.environment`)."""
    segment = request.path_params["subject"]
    if segment not in SUBJECTS:
        raise NotFound(f"Documents describe {' and '.join(SUBJECTS)}, not {segment[:40]!r}.")
    kind_label, fields = SUBJECTS[segment]
    values = [request.path_params["first"], request.path_params["second"]]
    if kind_label == "Deployment":
        values[0] = values[0].lower()  # stored in lower case; GraphQL and the CLI spell it in upper case
    return Start(kind=BY_LABEL[kind_label], key=dict(zip(fields, values)), field="path")


def _as_of(request: Request) -> datetime | None:
    text = request.query_params.get("asOf")
    if text is None or text == "":
        return None
    try:
        return v.parse_datetime(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="asOf") from None


async def _readable_dossier(request: Request, action: str) -> service.Dossier:
    db = request.app.state.db
    await demand(db, principal_of(request), Permission.READ, action=action)
    start, as_of = _start(request), _as_of(request)  # both checked before anything is read
    return await service.dossier(db, start, as_of=as_of)


def _serving(document: Document, render: Callable[[service.Dossier], str], action: str):
    async def endpoint(request: Request) -> Response:
        dossier = await _readable_dossier(request, action)
        # Rendering (and validating) a document is CPU work: off the event loop.
        body = await run_in_threadpool(render, dossier)
        return Response(body, media_type=document.media_type)

    return endpoint


async def get_report(request: Request) -> Response:
    chosen = request.query_params.get("format", "html").lower()
    if chosen not in REPORT_FORMATS:
        raise InvalidInput(f"format is html or markdown, not {chosen[:40]!r}.", field="format")
    render = report.html if chosen == "html" else report.markdown
    return await _serving(REPORT_FORMATS[chosen], render, "complianceReport")(request)


_SUBJECT = "/{subject:str}/{first:str}/{second:str}"


routes = [
    Route(f"/exports/{PROV.name}{_SUBJECT}", _serving(PROV, prov.prov_json, "exportProv"), methods=["GET"]),
    Route(f"/exports/{CYCLONEDX.name}{_SUBJECT}", _serving(CYCLONEDX, cyclonedx.bom_json, "exportCycloneDx"),
          methods=["GET"]),
    Route(f"/reports{_SUBJECT}", get_report, methods=["GET"]),
]
