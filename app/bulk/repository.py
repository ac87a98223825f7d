"""Cypher access for the bulk import (cypher/bulk/). Every function takes the transaction of one batch.

The nodes' and edges' statements are one family (`Statements`): a kind's `create_…` (its nodes
with their structural edge: OWNED_BY, VERSION_OF, INSTANCE_OF) and a shape's `link_…` (its
lineage edges, grouped by source). Callers pick a member by kind or shape. Times go in as epoch
microseconds, made datetimes by the statement: the driver's own datetime encoding costs the
client far more per value than an integer.
"""

from __future__ import annotations

from typing import Any

from app.core.cypher import Statements
from app.core.db import Tx


class Write(Statements):
    """The statements that write an import, picked by what they write (`node` or `edge`) and of which
    kind or shape: a kind's `create_…` takes rows of {props, parent id, t: [times]}, a shape's `link_…`
    rows of [source id, [[target id or stage name, times…], …]]."""

    def __init__(self, writes: str, of: str):
        self.writes, self.of = writes, of

    create_teams = "node", "team"
    create_datasets = "node", "dataset"
    create_dataset_versions = "node", "dataset_version"
    create_features = "node", "feature"
    create_jobs = "node", "job"
    create_runs = "node", "run"
    create_models = "node", "model"
    create_model_versions = "node", "model_version"
    create_deployments = "node", "deployment"
    link_used_dataset_versions = "edge", "used_dataset_versions"
    link_used_features = "edge", "used_features"
    link_used_model_versions = "edge", "used_model_versions"
    link_generated_dataset_versions = "edge", "generated_dataset_versions"
    link_generated_model_versions = "edge", "generated_model_versions"
    link_feature_datasets = "edge", "feature_datasets"
    link_feature_dataset_versions = "edge", "feature_dataset_versions"
    link_model_version_parents = "edge", "model_version_parents"
    link_serves = "edge", "serves"
    link_stages = "edge", "stages"


async def create_nodes(tx: Tx, kind: str, rows: list[dict[str, Any]]) -> int:
    """Create one batch of a kind's nodes; how many were created."""
    record = await tx.single(Write.where(writes="node", of=kind).statement, rows=rows)
    return record["created"]


async def link_edges(tx: Tx, shape: str, rows: list[list]) -> int:
    """Create one batch of a shape's edges; how many were created."""
    record = await tx.single(Write.where(writes="edge", of=shape).statement, rows=rows)
    return record["created"]


async def ensure_stages(tx: Tx, *, names: list[str]) -> None:
    """The Stage nodes of these names, created when missing."""
    await tx.consume("bulk.ensure_stages", names=names)


async def catalog_nodes(tx: Tx) -> int:
    """How many catalog nodes (of the kinds without a parent) the registry holds."""
    record = await tx.single("bulk.catalog_nodes")
    return record["nodes"]


async def existing_ids(tx: Tx, *, ids: list[str]) -> list[str]:
    """Which of these ids a catalog node already holds."""
    return [record["id"] for record in await tx.records("bulk.existing_ids", ids=ids)]


async def delete_imported(tx: Tx, *, ids: list[str]) -> int:
    """Delete the catalog nodes with these ids, and their edges; how many."""
    record = await tx.single("bulk.delete_imported", ids=ids)
    return record["deleted"]
