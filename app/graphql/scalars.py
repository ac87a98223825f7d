"""The DateTime scalar as the registry reads it: ISO 8601, a time without a zone read as UTC,
and only instants the registry can store (years 1 to 9999 once in UTC).

Strawberry's own DateTime keeps zone-less times naive, which compare with nothing stored (a
filter silently matched nothing, a zone-less `expiresAt` crashed), and passes instants such as
`0001-01-01T00:00:00+14:00` that fall outside what the driver can send. A value breaking
these rules is BAD_USER_INPUT, named by the GraphQL error's path.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dateutil.parser
from strawberry.types.scalar import ScalarDefinition

from app.core.errors import InvalidInput


def parse_datetime(value: object) -> datetime:
    """An ISO 8601 date and time, as an aware UTC datetime."""
    if not isinstance(value, str):
        raise InvalidInput(f"A DateTime is an ISO 8601 string such as 2026-03-08T02:00:00Z, not {value!r}.")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise InvalidInput(f"{value[:60]!r} is not an ISO 8601 date and time such as 2026-03-08T02:00:00Z.") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{value[:60]!r} lies outside the years 1 to 9999 in UTC.") from None


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
