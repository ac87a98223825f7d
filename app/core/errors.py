"""Typed domain errors. Each has a stable machine code and a sentence a person can act on.

Services raise these; the GraphQL edge (`app/graphql/errors.py`) and the HTTP edge map
them once, to `extensions.code` and to status codes. Anything else is unexpected and
is masked before it reaches a client.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a client is meant to see."""

    code = "INTERNAL_SERVER_ERROR"
    http_status = 500

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class BadRequest(DomainError):
    """The request itself is malformed (not JSON, wrong content type): nothing was read from it."""

    code = "BAD_REQUEST"
    http_status = 400


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class UnsupportedMediaType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    http_status = 415


class InvalidInput(DomainError):
    """The request is well-formed but a value breaks a documented rule."""

    code = "BAD_USER_INPUT"
    http_status = 422


class NotFound(DomainError):
    """Something the request refers to does not exist."""

    code = "NOT_FOUND"
    http_status = 404


class Conflict(DomainError):
    """The request contradicts a recorded fact (an immutable field, a concurrent change)."""

    code = "CONFLICT"
    http_status = 409


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(DomainError):
    code = "FORBIDDEN"
    http_status = 403


class Unavailable(DomainError):
    """Neo4j cannot be reached right now; retrying later is the right move."""

    code = "UNAVAILABLE"
    http_status = 503


class QueryTimeout(DomainError):
    """The graph took longer than the configured transaction timeout."""

    code = "TIMEOUT"
    http_status = 504
