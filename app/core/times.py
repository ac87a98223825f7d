"""Stored times as Python `datetime`s, whichever way a statement returns them.

A statement returns a stored time either as Neo4j's temporal value (the driver decodes it into
`neo4j.time.DateTime`: 55–75 µs each, even with neo4j-rust-ext) or, where the answer is large
(impact, provenance, lineage subgraphs), as Cypher's `toString()` of it, ISO 8601 text that
costs a few µs. Both become the same `datetime` here: the instant, its offset and the driver's
precision (nanoseconds truncated to microseconds, as `DateTime.to_native()` does).

Cypher's text forms: `2026-03-08T10:00Z` (seconds left out when zero), `…T10:00:00.123456789Z`
(3, 6 or 9 fractional digits), `…+02:00`, `…+02:00:30` (an offset in seconds), and for a time
stored with a zone id `…+01:00[Europe/Berlin]`, whose offset is the zone's at that instant.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from neo4j.time import DateTime as Neo4jDateTime

def from_text(text: str) -> datetime:
    """A datetime from Cypher's `toString()` of a stored DateTime."""
    zone = text.find("[")
    value = datetime.fromisoformat(text if zone < 0 else text[:zone])
    if value.tzinfo is None:
        raise ValueError(f"{text!r} is not a zoned datetime")
    offset = value.utcoffset()
    if offset.seconds % 60 or offset.microseconds:
        # The driver keeps whole minutes of an offset (flooring), at the same instant.
        value = value.astimezone(timezone(timedelta(minutes=offset // timedelta(minutes=1))))
    return value


def stored_time(value):
    """A stored time as a `datetime`: the driver's DateTime or its ISO text converted; anything else
    (None, a `datetime`) as it is."""
    if isinstance(value, str):
        return from_text(value)
    if isinstance(value, Neo4jDateTime):
        return value.to_native()
    return value
