"""Expected failures of a mutation, as GraphQL types: members of each mutation's result union.

A client branches on `__typename`; every error also carries the stable `code` and a
`message` a person can act on. Unexpected failures are not here: they are GraphQL
errors, masked (app/graphql/errors.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound


@strawberry.interface(description="An expected failure: a stable machine code and a sentence to act on.")
class UserError:
    code: str = strawberry.field(description="Stable machine code, e.g. BAD_USER_INPUT, NOT_FOUND, CONFLICT.")
    message: str = strawberry.field(description="What went wrong and what to do about it, for a person to read.")


@strawberry.type(description="A value breaks a documented rule; nothing was written.")
class InvalidInputError(UserError):
    field: str | None = strawberry.field(
        description="The input field at fault, e.g. `name`, `metrics[0].value`; null when no single field is.")


@strawberry.type(description="Something the request refers to does not exist; nothing was written.")
class NotFoundError(UserError):
    kind: str | None = strawberry.field(description="The kind of the missing record, e.g. `Dataset`.")
    key: str | None = strawberry.field(description="Its natural key, e.g. `s3://raw/transactions`.")


@strawberry.type(description="The request contradicts a recorded fact (an immutable field); nothing was written.")
class ConflictError(UserError):
    field: str | None = strawberry.field(description="The field whose recorded fact conflicts, e.g. `digest`, `job`, `serving`.")
    recorded: str | None = strawberry.field(description="The value on record; null when the conflict is not about one value.")
    attempted: str | None = strawberry.field(
        description="The value this request tried to set; null when the conflict is not about one value.")


@strawberry.type(description="The caller may not do this; nothing was written.")
class ForbiddenError(UserError):
    pass


def user_error(exc: DomainError) -> UserError:
    """The GraphQL member for an expected domain error."""
    details = exc.details
    if isinstance(exc, InvalidInput):
        return InvalidInputError(code=exc.code, message=exc.message, field=details.get("field"))
    if isinstance(exc, NotFound):
        return NotFoundError(code=exc.code, message=exc.message, kind=details.get("kind"), key=details.get("key"))
    if isinstance(exc, Conflict):
        return ConflictError(code=exc.code, message=exc.message, field=details.get("field"),
                             recorded=details.get("recorded"), attempted=details.get("attempted"))
    if isinstance(exc, Forbidden):
        return ForbiddenError(code=exc.code, message=exc.message)
    raise exc  # outages and timeouts are not the caller's fault: they stay GraphQL errors


EXPECTED = (InvalidInput, NotFound, Conflict, Forbidden)
R = TypeVar("R")


async def answer(work: Awaitable[R], present: Callable[[R], object]):
    """Await a use case; its result presented, or its expected failure as a UserError member."""
    try:
        result = await work
    except EXPECTED as exc:
        return user_error(exc)
    return present(result)
