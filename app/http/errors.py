"""The HTTP edge of error handling: one JSON envelope for every refusal that leaves outside a
GraphQL result, and one status policy for outages.

Every body is `{"errors": [{"message": …, "extensions": {"code": …, …}}]}`, the GraphQL shape,
so a client reads /graphql, /api/v1/lineage and the middlewares' refusals the same way. An
outage is 503 `UNAVAILABLE` (Neo4j cannot be reached) or 504 `TIMEOUT` (the transaction timeout
or the request deadline passed), always with `Retry-After`, whichever door it comes through and
whether or not the caller was authenticated from the cache (README "Errors").
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.responses import JSONResponse

from app.core import limits
from app.core.errors import BadRequest, DomainError, UnsupportedMediaType

OUTAGE_STATUS = {"UNAVAILABLE": 503, "TIMEOUT": 504}


_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array"}


def require_json_content(content_type: str | None, what: str) -> None:
    """A body a JSON endpoint reads must say it is JSON (`application/json`, `…+json`; none given
    counts as JSON, as curl and most senders mean it): anything else is 415, named."""
    media_type = (content_type or "application/json").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(f"Send {what} as application/json, not {media_type[:80]}.")


def read_json(data: str | bytes, what: str = "The body") -> object:
    """A request body as JSON: UTF-8, nested at most MAX_JSON_DEPTH deep. Anything else is
    BadRequest here, not a crash further in (json's own recursion limit)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"{what} is not JSON in UTF-8.") from None
    if json_nesting(value) > limits.MAX_JSON_DEPTH:
        raise BadRequest(f"{what} is nested more than {limits.MAX_JSON_DEPTH} levels deep.")
    return value


def read_json_object(data: str | bytes, what: str = "The body") -> dict:
    """`read_json`, and a JSON object at that (not a scalar where a map goes)."""
    value = read_json(data, what)
    if not isinstance(value, dict):
        raise BadRequest(f"{what} must be a JSON object such as {{\"query\": \"{{ me {{ name }} }}\"}}, not "
                         f"{_JSON_TYPES.get(type(value), 'that')}.")
    return value


def json_nesting(value: object) -> int:
    """How deeply a decoded JSON value nests (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def error_body(message: str, extensions: dict) -> dict:
    """The envelope of one error."""
    return {"errors": [{"message": message, "extensions": extensions}]}


def status_for_error_codes(codes: Iterable[str]) -> tuple[int, dict[str, str]] | None:
    """(status, headers) when any of these error codes is an outage — or a token that stopped
    working between authentication and the write that re-checked it (401, as the middleware
    answers an unknown token); None otherwise."""
    codes = list(codes)
    statuses = [OUTAGE_STATUS[code] for code in codes if code in OUTAGE_STATUS]
    if statuses:
        return max(statuses), {"Retry-After": str(limits.RETRY_AFTER_SECONDS)}
    if "UNAUTHENTICATED" in codes:
        return 401, {"WWW-Authenticate": "Bearer"}
    return None


def error_response(exc: DomainError, headers: dict[str, str] | None = None) -> JSONResponse:
    """A domain error as its HTTP answer."""
    outage = status_for_error_codes([exc.code])
    return JSONResponse(error_body(exc.message, exc.extensions()), status_code=exc.http_status,
                        headers={**(outage[1] if outage else {}), **(headers or {})})


def refusal(status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
            **details) -> JSONResponse:
    """A refusal the edge makes itself (no token, too large, malformed), with its code."""
    return JSONResponse(error_body(message, {"code": code, **details}), status_code=status, headers=headers)
