"""The GraphQL edge of error handling: every error leaves with an `extensions.code`.

Domain errors keep their message and code; errors about the document itself (syntax,
validation, the depth/alias/token guard rails) are labelled as such; anything else is
unexpected: logged with its traceback and the request id, and masked for the client.
This runs on the final result in the HTTP view, so parse errors (which leave the
execution pipeline early) get the same treatment as resolver errors.
"""

from __future__ import annotations

import logging
import re

from asgi_correlation_id import correlation_id
from graphql.error import GraphQLError, GraphQLSyntaxError

from app.core.errors import DomainError

log = logging.getLogger("app.graphql")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL = "INTERNAL_SERVER_ERROR"


def present_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors as a client may see them."""
    return [present_error(error) for error in errors]


def present_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, DomainError):
        if original.message in error.message and "field" not in original.details:
            # A scalar refused a variable's value: graphql-core's message says where it was.
            return _with(error, error.message, {**original.extensions(), **_variable_field(error.message)})
        return _with(error, original.message, original.extensions())
    if original is None or isinstance(original, GraphQLError):
        # A problem with the document or its variables, found before execution.
        code = (error.extensions or {}).get("code")
        if code is None:
            code = PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else VALIDATION_FAILED
        return _with(error, error.message, {**(error.extensions or {}), "code": code})
    request_id = correlation_id.get() or "-"
    log.error(
        "unexpected error in GraphQL execution",
        exc_info=(type(original), original, original.__traceback__),
        extra={"graphql_path": list(error.path or [])},
    )
    return _with(
        error,
        f"Internal server error. Quote request id {request_id} to the operators.",
        {"code": INTERNAL, "requestId": request_id},
    )


# graphql-core: "Variable '$i' has invalid value at .expiresAt: <why>" (or no `at` for the variable itself).
_VARIABLE_PLACE = re.compile(r"^Variable '\$(?P<variable>\w+)' has invalid value(?: at \.(?P<path>[\w.\[\]]+))?:")


def _variable_field(message: str) -> dict:
    """The field a refused variable value was given for: its path inside the variable, or the variable."""
    match = _VARIABLE_PLACE.match(message)
    if match is None:
        return {}
    return {"field": match.group("path") or match.group("variable")}


def _with(error: GraphQLError, message: str, extensions: dict) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
