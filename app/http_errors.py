"""The HTTP edge of error handling: one JSON envelope for every refusal that leaves outside a
GraphQL result, and one status policy for outages.

Every body is `{"errors": [{"message": …, "extensions": {"code": …, …}}]}`, the GraphQL shape,
so a client reads /graphql, /api/v1/lineage and the middlewares' refusals the same way. An
outage is 503 `UNAVAILABLE` (Neo4j cannot be reached) or 504 `TIMEOUT` (the transaction timeout
or the request deadline passed), always with `Retry-After`, whichever door it comes through and
whether or not the caller was authenticated from the cache (README "Errors").
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import JSONResponse

from app import limits
from app.errors import DomainError

OUTAGE_STATUS = {"UNAVAILABLE": 503, "TIMEOUT": 504}


def error_body(message: str, extensions: dict) -> dict:
    """The envelope of one error."""
    return {"errors": [{"message": message, "extensions": extensions}]}


def outage_headers(codes: Iterable[str]) -> tuple[int, dict[str, str]] | None:
    """(status, headers) when any of these error codes is an outage; None otherwise."""
    statuses = [OUTAGE_STATUS[code] for code in codes if code in OUTAGE_STATUS]
    if not statuses:
        return None
    return max(statuses), {"Retry-After": str(limits.RETRY_AFTER_SECONDS)}


def error_response(exc: DomainError, headers: dict[str, str] | None = None) -> JSONResponse:
    """A domain error as its HTTP answer."""
    outage = outage_headers([exc.code])
    return JSONResponse(error_body(exc.message, exc.extensions()), status_code=exc.http_status,
                        headers={**(outage[1] if outage else {}), **(headers or {})})


def refusal(status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
            **details) -> JSONResponse:
    """A refusal the edge makes itself (no token, too large, malformed), with its code."""
    return JSONResponse(error_body(message, {"code": code, **details}), status_code=status, headers=headers)
