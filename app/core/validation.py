"""The naming and value conventions of the registry (README "Naming conventions").

Every check raises `InvalidInput` naming the offending field, so a client can point
at it. Checks normalise where a value has one canonical form (digests).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import dateutil.parser

from app.core.errors import InvalidInput

# An identifier: team, model, feature, feature group and metric names, tags' parts.
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
# A version string: 1.2.0, 2024-05-01, v7, 3+build.5
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+:-]{0,127}")
# A namespace names the source system, as OpenLineage does: s3://bucket, postgres://host:5432,
# airflow, spark_integration (integrations' default namespaces use underscores).
NAMESPACE = re.compile(r"[A-Za-z][A-Za-z0-9_+.-]{0,63}(://[^\s/][^\s]{0,222})?")
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\s]{1,2000}")
SHA256 = re.compile(r"(?:sha256:)?([0-9a-fA-F]{64})")
LICENSE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")
TAG = re.compile(r"[a-z0-9][a-z0-9._:-]{0,63}")
GIT_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


MAX_NAME = 500  # dataset names may be long paths or table names
MAX_TEXT_KEY = 255
MAX_DESCRIPTION = 10_000
MAX_TAGS = 50
MAX_LIST = 500
MAX_PARAMETERS = 200
MAX_PARAMETER_VALUE = 4_096


def identifier(field: str, value: str) -> str:
    """Letters, digits, `.`, `_`, `-`; starts with a letter or digit; at most 128 characters."""
    return _pattern(field, value, IDENTIFIER, "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters")


def version(field: str, value: str) -> str:
    return _pattern(field, value, VERSION, "letters, digits and '._+:-', starting with a letter or digit, at most 128 characters")


def namespace(field: str, value: str) -> str:
    return _pattern(field, value, NAMESPACE, "a source-system name such as 's3://bucket', 'postgres://host:5432' or 'airflow'")


def uri(field: str, value: str) -> str:
    return _pattern(field, value, URI, "an absolute URI such as 's3://bucket/path' or 'https://host/path'")


def license_id(field: str, value: str) -> str:
    return _pattern(field, value, LICENSE, "an SPDX identifier such as 'Apache-2.0' or 'CC-BY-NC-4.0', or 'proprietary'")


def git_commit(field: str, value: str) -> str:
    return _pattern(field, value.lower(), GIT_COMMIT, "a hexadecimal git commit id of 7 to 64 characters")


def sha256(field: str, value: str) -> str:
    """A sha256 digest, `sha256:<64 hex>` or bare hex; returned as `sha256:<lowercase hex>`."""
    match = SHA256.fullmatch(value or "")
    if not match:
        raise InvalidInput(f"{field} must be a sha256 digest: 64 hexadecimal characters, optionally prefixed 'sha256:'.", field=field)
    return "sha256:" + match.group(1).lower()


def text_key(field: str, value: str, *, max_length: int = MAX_TEXT_KEY) -> str:
    """A free-form key (dataset name, job name, run id): printable, trimmed, bounded."""
    if not value or not value.strip():
        raise InvalidInput(f"{field} must not be empty.", field=field)
    if value != value.strip():
        raise InvalidInput(f"{field} must not start or end with white space.", field=field)
    if len(value) > max_length:
        raise InvalidInput(f"{field} is {len(value)} characters long; at most {max_length} are allowed.", field=field)
    if _CONTROL.search(value):
        raise InvalidInput(f"{field} must not contain control characters.", field=field)
    return value


def description(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_DESCRIPTION:
        raise InvalidInput(f"{field} is {len(value)} characters long; at most {MAX_DESCRIPTION} are allowed.", field=field)
    if "\x00" in value:
        raise InvalidInput(f"{field} must not contain NUL characters.", field=field)
    return value


def tags(field: str, values: Iterable[str] | None) -> list[str] | None:
    """Lower-case tags, at most 50, each at most 64 characters; duplicates dropped, order kept."""
    if values is None:
        return None
    values = list(values)
    if len(values) > MAX_TAGS:
        raise InvalidInput(f"{field} holds {len(values)} tags; at most {MAX_TAGS} are allowed.", field=field)
    for value in values:
        _pattern(field, value, TAG, "lower-case letters, digits and '._:-', at most 64 characters")
    return list(dict.fromkeys(values))


def one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    """None, or one of the vocabulary's values."""
    if value is not None and value not in allowed:
        raise InvalidInput(f"{field} {value!r} is not one of {', '.join(allowed)}.", field=field)
    return value


def in_range(field: str, value: int, low: int, high: int) -> int:
    """An integer argument within its documented bounds (page sizes, depths, budgets)."""
    if not low <= value <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}.", field=field)
    return value


def finite(field: str, value: float) -> float:
    """A finite float; an integer too large for one (4,000 digits) is refused like infinity."""
    try:
        number = float(value)
    except (TypeError, OverflowError):
        number = math.inf
    if value is None or not math.isfinite(number):
        raise InvalidInput(f"{field} must be a finite number (not NaN, infinite or beyond a float's range).",
                           field=field)
    return number


def non_negative(field: str, value: int | None) -> int | None:
    if value is not None and value < 0:
        raise InvalidInput(f"{field} must not be negative.", field=field)
    return value


def bounded_list(field: str, values: list | None, *, max_items: int = MAX_LIST) -> list:
    values = list(values or [])
    if len(values) > max_items:
        raise InvalidInput(f"{field} holds {len(values)} items; at most {max_items} are allowed.", field=field)
    return values


def parameters(field: str, values: Mapping[str, str] | None) -> dict[str, str]:
    values = dict(values or {})
    if len(values) > MAX_PARAMETERS:
        raise InvalidInput(f"{field} holds {len(values)} entries; at most {MAX_PARAMETERS} are allowed.", field=field)
    for key, value in values.items():
        text_key(f"{field}.key", key, max_length=128)
        if len(value) > MAX_PARAMETER_VALUE:
            raise InvalidInput(f"{field}.{key} is longer than {MAX_PARAMETER_VALUE} characters.", field=field)
    return values


# No pipeline ran, no snapshot was taken and no model was served before this: an earlier time is a
# zero date or a default value, refused at every door (GraphQL, OpenLineage, the CLI).
EARLIEST_REPORTED_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def happened_at(field: str, value: datetime | None, now: datetime, *, skew: timedelta) -> datetime:
    """When something happened, as a client says: `now` when not given; a time without a zone is
    read as UTC; at most `skew` ahead of `now` (clocks drift), and then recorded as `now`, since a
    fact dated in the future would outrank every true one that follows. Further ahead is refused,
    and so is anything before 1970."""
    if value is None:
        return now
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value < EARLIEST_REPORTED_TIME:
        raise InvalidInput(f"{field} {value.isoformat()} is before {EARLIEST_REPORTED_TIME:%Y}: not a time anything "
                           "in a registry happened (a zero or default date?).", field=field)
    if value > now + skew:
        raise InvalidInput(f"{field} {value.isoformat()} is in the future (more than {_seconds(skew)} ahead of "
                           f"the registry's clock, {now.isoformat()}): record things when they have happened.",
                           field=field)
    return min(value, now)


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds():g} s"


def _pattern(field: str, value: str, pattern: re.Pattern, rule: str) -> str:
    if value is None or not pattern.fullmatch(value):
        shown = value if value is not None and len(value) <= 60 else (value[:57] + "…" if value else value)
        raise InvalidInput(f"{field} {shown!r} is not valid: expected {rule}.", field=field)
    return value


# The registry's reading of a time it is sent as text (GraphQL's DateTime scalar, an HTTP query
# parameter): ISO 8601, a time without a zone read as UTC, only instants the driver can store.
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
