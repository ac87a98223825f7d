"""Cypher access for lineage questions: each answer is one traversal statement."""

from __future__ import annotations

from typing import Any

from app.core.db import Tx


async def impact(tx: Tx, **params: Any) -> dict | None:
    """The one-row impact answer (counts, owners, cut flags, one page of items with paths)."""
    record = await tx.single("lineage.impact", **params)
    return dict(record) if record is not None else None


async def provenance(tx: Tx, **params: Any) -> dict | None:
    """The one-row provenance subgraph (nodes, typed edges, cut flag), or None for no start."""
    record = await tx.single("lineage.provenance", **params)
    return dict(record) if record is not None else None


# A direction picks its file; nothing about it is formatted into Cypher.
_SUBGRAPH = {"UPSTREAM": "lineage.upstream_subgraph", "DOWNSTREAM": "lineage.downstream_subgraph"}


async def subgraph(tx: Tx, direction: str, **params: Any) -> dict | None:
    """The one-row lineage subgraph in one direction, or None when the start does not exist."""
    record = await tx.single(_SUBGRAPH[direction], **params)
    return dict(record) if record is not None else None
