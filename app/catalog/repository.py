"""Cypher access for the catalog. Every function takes the use case's transaction."""

from __future__ import annotations

from typing import Any

from app.core.kinds import Kind
from app.core.db import Tx


async def upsert(tx: Tx, query: str, /, **params: Any) -> dict | None:
    """Run an upsert file; its one row as a dict, or None when a prerequisite was missing."""
    record = await tx.single(query, **params)
    return dict(record) if record is not None else None


async def link(tx: Tx, query: str, /, **params: Any) -> tuple[int, int]:
    """Run a link file; how many of the references matched a node, and how many links it added
    (or dated earlier)."""
    record = await tx.single(query, **params)
    return (record["linked"], record["added"]) if record is not None else (0, 0)


async def lock_deployment_switch(tx: Tx, *, environment: str, name: str, model_name: str | None = None,
                                 version: str | None = None) -> None:
    """Write-lock the deployment and the version a switch would serve, before the switch reads them."""
    await tx.consume("catalog.lock_deployment_switch", environment=environment, name=name,
                     model_name=model_name, version=version)


async def nodes_by_ids(tx: Tx, kind: Kind, ids: list[str]) -> dict[str, dict]:
    """The nodes of one kind with these ids."""
    return {r["id"]: r["node"] for r in await tx.records(kind.by_id_query, ids=ids)}


async def nodes_by_keys(tx: Tx, kind: Kind, keys: list[dict]) -> dict[tuple, dict]:
    """The nodes of one kind with these natural keys, by key tuple."""
    records = await tx.records(kind.by_key_query, keys=keys)
    return {kind.key_of(r["key"]): r["node"] for r in records}


async def list_nodes(tx: Tx, kind: Kind, *, filter: dict, after: dict | None, limit: int) -> list[dict]:
    """One page of a kind's nodes in (created_at, id) order."""
    records = await tx.records(kind.list_query, filter=filter, after=after, limit=limit)
    return [r["node"] for r in records]


async def related(tx: Tx, query: str, ids: list[str]) -> dict[str, list[tuple[str, dict]]]:
    """For each source id, the (label, node) pairs a relation file returns."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for record in await tx.records(query, ids=ids):
        out.setdefault(record["id"], []).append((record["kind"], record["node"]))
    return out


async def search(tx: Tx, *, text: str, kinds: list[str] | None, offset: int, limit: int) -> list[tuple[str, dict, float]]:
    """Full-text hits, best first."""
    records = await tx.records("catalog.search_registry", text=text, kinds=kinds, offset=offset, limit=limit)
    return [(r["kind"], r["node"], r["score"]) for r in records]
