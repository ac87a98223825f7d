"""Cypher access for the service's own status."""

from __future__ import annotations

from app.core.db import Tx


async def server_component(tx: Tx) -> dict:
    """Name, version and edition of the Neo4j server."""
    record = await tx.single("system.server_components")
    return dict(record) if record else {"name": "unknown", "version": "unknown", "edition": "unknown"}


async def schema_version(tx: Tx) -> int:
    """The highest schema migration recorded in the graph."""
    record = await tx.single("system.readiness")
    return int(record["schema_version"] or 0) if record else 0


async def node_counts(tx: Tx) -> dict[str, int]:
    """How many nodes of each label the registry holds."""
    return {r["label"]: r["count"] for r in await tx.records("system.count_nodes_by_label")}
