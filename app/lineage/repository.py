"""Cypher access for lineage questions: each answer is one traversal statement."""

from __future__ import annotations

from typing import Any

from app.core.cypher import Statements
from app.core.db import Tx


async def impact(tx: Tx, **params: Any) -> dict | None:
    """The one-row impact answer (counts, owners, cut flags, one page of items with paths)."""
    record = await tx.single("lineage.impact", **params)
    return dict(record) if record is not None else None


async def provenance(tx: Tx, **params: Any) -> dict | None:
    """The one-row provenance subgraph (nodes, typed edges, cut flag), or None for no start."""
    record = await tx.single("lineage.provenance", **params)
    return dict(record) if record is not None else None


class Subgraph(Statements):
    """The lineage subgraph in each direction (`subgraph`): a direction picks its file, nothing
    about it is formatted into Cypher."""

    def __init__(self, direction: str):
        self.direction = direction

    upstream_subgraph = "UPSTREAM"
    downstream_subgraph = "DOWNSTREAM"


async def subgraph(tx: Tx, direction: str, **params: Any) -> dict | None:
    """The one-row lineage subgraph in one direction, or None when the start does not exist."""
    record = await tx.single(Subgraph.where(direction=direction).statement, **params)
    return dict(record) if record is not None else None
