"""Cypher access for the service's own status and bookkeeping: the server, the applied schema
version (app/system/migrations.py), the verified query set (the start-up check)."""

from __future__ import annotations

from app.core.db import Tx


async def server_components(tx: Tx) -> dict:
    """Name, version and edition of the Neo4j server."""
    record = await tx.single("system.server_components")
    return dict(record) if record else {"name": "unknown", "version": "unknown", "edition": "unknown"}


async def readiness(tx: Tx) -> int:
    """The highest schema migration recorded in the graph (0 before the first), in the one round
    trip /readyz makes."""
    record = await tx.single("system.readiness")
    return int(record["schema_version"] or 0) if record else 0


async def count_nodes_by_label(tx: Tx) -> dict[str, int]:
    """How many nodes of each label the registry holds."""
    return {r["label"]: r["count"] for r in await tx.records("system.count_nodes_by_label")}


async def get_schema_version(tx: Tx) -> int:
    """The schema version the migrations recorded (0 on a graph never migrated)."""
    record = await tx.single("system.get_schema_version")
    return int(record["version"]) if record and record["version"] is not None else 0


async def record_schema_version(tx: Tx, *, version: int) -> None:
    """Record that the migrations up to `version` are applied (never lowers it)."""
    await tx.consume("system.record_schema_version", version=version)


async def await_indexes(tx: Tx, *, timeout_seconds: int) -> None:
    """Wait until every index is online."""
    await tx.consume("system.await_indexes", timeout_seconds=timeout_seconds)


async def get_verified_queries(tx: Tx) -> str | None:
    """The digest of the query set last compiled against this graph's server, if any."""
    record = await tx.single("system.get_verified_queries")
    return record["digest"] if record else None


async def record_verified_queries(tx: Tx, *, digest: str) -> None:
    """Record that the query set with this digest compiles on this graph's server."""
    await tx.consume("system.record_verified_queries", digest=digest)
