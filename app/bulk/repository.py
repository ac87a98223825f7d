"""Cypher access for the bulk import (cypher/bulk/). Every function takes the transaction of one batch.

The nodes' and edges' statements come in two families of one shape (`Statements`): a kind's
`create_…` (its nodes with their structural edge: OWNED_BY, VERSION_OF, INSTANCE_OF) and a
shape's `link_…` (its lineage edges, grouped by source). Callers pick a member by kind or shape.
"""

from __future__ import annotations

from typing import Any

from app.core.cypher import Statements
from app.core.db import Tx


class CreateNodes(Statements):
    """Each kind's node statement: rows of {props, parent id}."""

    def __init__(self, kind: str):
        self.kind = kind

    create_teams = "team"
    create_datasets = "dataset"
    create_dataset_versions = "dataset_version"
    create_features = "feature"
    create_jobs = "job"
    create_runs = "run"
    create_models = "model"
    create_model_versions = "model_version"
    create_deployments = "deployment"


class LinkEdges(Statements):
    """Each edge shape's statement: rows of [source id, [[target id or stage name, properties], …]]."""

    def __init__(self, shape: str):
        self.shape = shape

    link_used_dataset_versions = "used_dataset_versions"
    link_used_features = "used_features"
    link_used_model_versions = "used_model_versions"
    link_generated_dataset_versions = "generated_dataset_versions"
    link_generated_model_versions = "generated_model_versions"
    link_feature_datasets = "feature_datasets"
    link_feature_dataset_versions = "feature_dataset_versions"
    link_model_version_parents = "model_version_parents"
    link_serves = "serves"
    link_stages = "stages"


async def create_nodes(tx: Tx, kind: str, rows: list[dict[str, Any]]) -> int:
    """Create one batch of a kind's nodes; how many were created."""
    record = await tx.single(CreateNodes.where(kind=kind).statement, rows=rows)
    return record["created"]


async def link_edges(tx: Tx, shape: str, rows: list[list]) -> int:
    """Create one batch of a shape's edges; how many were created."""
    record = await tx.single(LinkEdges.where(shape=shape).statement, rows=rows)
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
