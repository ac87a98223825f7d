"""The DateTime scalar as the registry reads it: ISO 8601, a time without a zone read as UTC,
and only instants the registry can store (years 1 to 9999 once in UTC).

Strawberry's own DateTime keeps zone-less times naive, which compare with nothing stored (a
filter silently matched nothing, a zone-less `expiresAt` crashed), and passes instants such as
`0001-01-01T00:00:00+14:00` that fall outside what the driver can send. A value breaking
these rules is BAD_USER_INPUT, named by the GraphQL error's path.
"""

from __future__ import annotations

from datetime import datetime

from strawberry.types.scalar import ScalarDefinition

from app.core.validation import parse_datetime


DATETIME = ScalarDefinition(
    name="DateTime",
    description="An instant in ISO 8601, e.g. `2026-03-08T02:00:00Z`; a time without a zone is read as UTC. "
                "Answers are in UTC.",
    specified_by_url=None,
    serialize=lambda value: value.isoformat(),
    parse_value=parse_datetime,
    parse_literal=None,
    origin=datetime,
)
