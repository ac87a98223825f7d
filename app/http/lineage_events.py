"""HTTP edge of OpenLineage ingestion: where the openlineage-python HTTP transport posts by default.

`POST /api/v1/lineage` takes one event (JSON, optionally gzip-compressed as the client's
`compression: gzip` sends it) and answers 201 only once the event is committed. Refusals are
DomainErrors, rendered by the app's one error handler: 400 not JSON, 415 not a JSON body,
422 not a valid event (the field is named), 409 contradicts the graph, 503/504 retry later.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.core.context import principal_of
from app.http.errors import read_json, require_json_content
from app.auth.permissions import demand
from app.core.access import Permission
from app.core.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from app.openlineage.inputs import FACETS_SCHEMA_FILE, facets_schema, read_event

LINEAGE_PATH = "/api/v1/lineage"


async def post_lineage(request: Request) -> Response:
    principal = principal_of(request)
    await demand(request.app.state.db, principal, Permission.INGEST_LINEAGE, action="lineageEvent")
    require_json_content(request.headers.get("content-type"), "the event")
    body = _decoded(await request.body(), request.headers.get("content-encoding", "identity").lower(),
                    request.app.state.settings.max_body_bytes)
    # Not an object is the event schema's to say (422, as any other invalid event).
    document = read_json(body, "The event")
    settings = request.app.state.settings
    changes = read_event(document, now=datetime.now(UTC), skew=settings.max_clock_skew)
    await request.app.state.lineage_ingest.submit(changes, principal)
    return JSONResponse({"status": "committed"}, status_code=201)


def _decoded(body: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("identity", ""):
        return body
    if encoding not in ("gzip", "deflate"):
        raise UnsupportedMediaType(f"Content-Encoding {encoding[:40]!r} is not supported; use gzip or none.")
    # Bounded: a small compressed body must not expand into gigabytes.
    decompressor = zlib.decompressobj(wbits=31 if encoding == "gzip" else 15)
    try:
        data = decompressor.decompress(body, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise BadRequest(f"The body is not valid {encoding}: {exc}.") from None
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The decompressed event is larger than the {max_bytes} bytes this service accepts.",
                              maxBytes=max_bytes)
    return data


async def get_facets_schema(request: Request) -> Response:
    """The JSON schema of lineagegraph's custom facets (their `_schemaURL` points here)."""
    return JSONResponse(facets_schema())


routes = [
    Route(LINEAGE_PATH, post_lineage, methods=["POST"]),
    Route(f"{LINEAGE_PATH}/facets/{FACETS_SCHEMA_FILE}", get_facets_schema, methods=["GET"]),
]
