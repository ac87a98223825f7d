"""The Cypher of OpenLineage ingestion: a batch of merged graph changes, applied in one transaction.

One statement per kind of node or edge, each over all the batch's rows (UNWIND), so a batch
of a hundred events costs the same dozen round trips as a batch of one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.db import Tx
from app.errors import Conflict
from app.openlineage.events import GraphChanges, NodeChange, node_id

STAGE_ID = node_id("Stage", "DEVELOPMENT")

# (statement, node kind) in dependency order: teams before what they own, jobs before runs, ...
_NODE_STATEMENTS = (
    ("openlineage.merge_teams", "Team"),
    ("openlineage.merge_jobs", "Job"),
    ("openlineage.merge_datasets", "Dataset"),
    ("openlineage.merge_dataset_versions", "DatasetVersion"),
    ("openlineage.merge_models", "Model"),
)
_EDGE_STATEMENTS = {
    "USED_DATASET_VERSION": ("openlineage.link_used_dataset_versions", ("run_id", "namespace", "name", "version")),
    "USED_MODEL_VERSION": ("openlineage.link_used_model_versions", ("run_id", "model_name", "version")),
    "GENERATED_DATASET_VERSION": ("openlineage.link_generated_dataset_versions", ("run_id", "namespace", "name", "version")),
    "GENERATED_MODEL_VERSION": ("openlineage.link_generated_model_versions", ("run_id", "model_name", "version")),
    "PART_OF": ("openlineage.link_parent_runs", ("run_id", "parent_run_id")),
}


async def apply(tx: Tx, changes: GraphChanges, principal: str) -> None:
    """Write the changes; raises `Conflict` when they contradict what the graph holds."""
    for statement, kind in _NODE_STATEMENTS:
        rows = _rows(changes, kind)
        if rows:
            await tx.consume(statement, rows=rows, principal=principal)

    rows = [{**row, "artifact_digest": change.extra.get("artifact_digest")}
            for row, change in _rows_with_changes(changes, "ModelVersion")]
    if rows:
        refused = await tx.records("openlineage.merge_model_versions", rows=rows, principal=principal, stage_id=STAGE_ID)
        if refused:
            first = refused[0]
            raise Conflict(
                f"artifactDigest of model version {first['model_name']}@{first['version']} is immutable: recorded as "
                f"{first['stored_digest']}, the event says {first['attempted']}. Register a new version instead.",
                field="artifactDigest", recorded=first["stored_digest"], attempted=first["attempted"])

    rows = [_run_row(row, change) for row, change in _rows_with_changes(changes, "Run")]
    if rows:
        moved = await tx.records("openlineage.merge_runs", rows=rows, principal=principal)
        if moved:
            first = moved[0]
            raise Conflict(f"Run {first['run_id']} is recorded under job {first['job_namespace']}/{first['job_name']}; "
                           "a run cannot move to another job.", field="job")

    rows = _rows(changes, "Evaluation")
    if rows:
        await tx.consume("openlineage.merge_evaluations", rows=rows, principal=principal)

    for kind, (statement, fields) in _EDGE_STATEMENTS.items():
        edges = changes.edges.get(kind, {})
        if edges:
            await tx.consume(statement, rows=[{**dict(zip(fields, ends)), "at": _text(at)} for ends, at in edges.items()])


def _rows(changes: GraphChanges, kind: str) -> list[dict[str, Any]]:
    return [row for row, _ in _rows_with_changes(changes, kind)]


def _rows_with_changes(changes: GraphChanges, kind: str) -> list[tuple[dict[str, Any], NodeChange]]:
    return [(_node_row(kind, change), change) for change in changes.nodes.get(kind, {}).values()]


def _node_row(kind: str, change: NodeChange) -> dict[str, Any]:
    facets = []
    for name, value in sorted(change.facets.items()):
        time_key, hash_key = f"ol_{name}_at", f"ol_{name}_hash"
        digest = value.digest
        at = _text(value.at)
        facets.append({"time_key": time_key, "hash_key": hash_key, "at": at, "hash": digest,
                       "props": {**value.props, time_key: at, hash_key: digest}})
    return {**change.key, "id": node_id(kind, *map(str, change.key.values())),
            "first_at": _text(change.first_at), "last_at": _text(change.last_at), "facets": facets}


def _run_row(row: dict[str, Any], change: NodeChange) -> dict[str, Any]:
    job_namespace, job_name = change.extra["job"]
    rank, state_at, state = change.extra.get("state") or (None, None, None)
    return {**row, "job_namespace": job_namespace, "job_name": job_name,
            "state": state, "state_rank": rank, "state_at": _text(state_at),
            "started_at": _text(change.extra.get("started_at")), "ended_at": _text(change.extra.get("ended_at"))}


def _text(at: datetime | None) -> str | None:
    """A UTC time as fixed-width ISO 8601 text: the statements turn it back into a datetime, and
    the facet bookkeeping (ol_<facet>_at) compares it as text, which fixed width keeps in time order.
    (The driver packs datetime parameters ~50x slower than strings.)"""
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
