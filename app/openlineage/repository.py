"""The Cypher of OpenLineage ingestion: a batch of merged graph changes, applied in one transaction.

One statement (cypher/openlineage/apply_batch.cypher) with one subquery per kind of node or
edge, each over all the batch's rows (UNWIND): a batch of a hundred events costs the same one
round trip as a batch of one. The rows travel in one map parameter, so that the statement has a
single cached plan whichever kinds of node a batch happens to hold. Rows go in key order, so concurrent batches take the locks of
the nodes they share in the same order.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from app.core.db import Tx
from app.core.errors import Conflict
from app.openlineage.inputs import GraphChanges, NodeChange, node_id

STAGE_ID = node_id("Stage", "DEVELOPMENT")

# Parameter of apply_batch.cypher -> node kind, and edge kind -> (parameter, names of its ends).
_NODE_PARAMS = {
    "teams": "Team", "jobs": "Job", "datasets": "Dataset", "dataset_versions": "DatasetVersion",
    "models": "Model", "evaluations": "Evaluation",
}
_EDGE_PARAMS = {
    "USED_DATASET_VERSION": ("used_dataset_versions", ("run_id", "namespace", "name", "version")),
    "USED_MODEL_VERSION": ("used_model_versions", ("run_id", "model_name", "version")),
    "GENERATED_DATASET_VERSION": ("generated_dataset_versions", ("run_id", "namespace", "name", "version")),
    "GENERATED_MODEL_VERSION": ("generated_model_versions", ("run_id", "model_name", "version")),
    "PART_OF": ("parent_runs", ("run_id", "parent_run_id")),
}


async def apply(tx: Tx, changes: GraphChanges, principal: str) -> dict[tuple[str, str], str]:
    """Write the changes in one statement; raises `Conflict` when they contradict what the graph
    holds (the caller's transaction is then rolled back, so nothing of the batch stays). Returns
    the ids of the runs, jobs and datasets written, by (kind, key text): what their events' audit
    entries are filed under."""
    params: dict[str, Any] = {name: _rows(changes, kind) for name, kind in _NODE_PARAMS.items()}
    params["model_versions"] = [{**row, "artifact_digest": change.extra.get("artifact_digest")}
                                for row, change in _rows_with_changes(changes, "ModelVersion")]
    params["runs"] = [_run_row(row, change) for row, change in _rows_with_changes(changes, "Run")]
    for kind, (name, fields) in _EDGE_PARAMS.items():
        params[name] = [{**dict(zip(fields, ends)), "at": _text(at)}
                        for ends, at in sorted(changes.edges.get(kind, {}).items())]
    record = await apply_batch(tx, principal=principal, stage_id=STAGE_ID, batch=params) or {}
    refused, moved = record.get("refused_digests") or [], record.get("moved_runs") or []
    if refused:
        first = refused[0]
        raise Conflict(
            f"artifactDigest of model version {first['model_name']}@{first['version']} is immutable: recorded as "
            f"{first['stored_digest']}, the event says {first['attempted']}. Register a new version instead.",
            field="artifactDigest", recorded=first["stored_digest"], attempted=first["attempted"])
    if moved:
        first = moved[0]
        raise Conflict(f"Run {first['run_id']} is recorded under job {first['job_namespace']}/{first['job_name']}; "
                       "a run cannot move to another job.", field="job")
    return {(kind, row["key"]): row["id"]
            for kind, column in (("Run", "run_ids"), ("Job", "job_ids"), ("Dataset", "dataset_ids"))
            for row in record.get(column) or ()}


async def apply_batch(tx: Tx, *, principal: str, stage_id: str, batch: dict[str, list[dict[str, Any]]]) -> dict | None:
    """The batch statement itself, over the rows of every kind of node and edge (`batch`, one map:
    one parameter type, so one cached plan whichever kinds a batch holds):
    {refused_digests, moved_runs}, what it refused to change, and {run_ids, job_ids, dataset_ids},
    [{key, id}] of what it wrote."""
    record = await tx.single("openlineage.apply_batch", principal=principal, stage_id=stage_id, batch=batch)
    return dict(record) if record is not None else None


def apply_batch_warm_up_params() -> dict[str, Any]:
    """Parameters typed as `apply` sends them (an empty batch), for planning the statement before
    the first event: Neo4j keys a cached plan by parameter types, so EXPLAIN with nulls would plan
    a statement no batch ever runs."""
    rows: list[dict[str, Any]] = []
    names = [*_NODE_PARAMS, "model_versions", "runs", *(name for name, _ in _EDGE_PARAMS.values())]
    return {"principal": "", "stage_id": STAGE_ID, "batch": {name: rows for name in names}}


def _rows(changes: GraphChanges, kind: str) -> list[dict[str, Any]]:
    return [row for row, _ in _rows_with_changes(changes, kind)]


def _rows_with_changes(changes: GraphChanges, kind: str) -> list[tuple[dict[str, Any], NodeChange]]:
    # In key order, so that concurrent batches lock shared nodes in the same order (no deadlocks).
    of_kind = changes.nodes.get(kind, {})
    return [(_node_row(kind, of_kind[key]), of_kind[key]) for key in sorted(of_kind)]


def _node_row(kind: str, change: NodeChange) -> dict[str, Any]:
    facets = []
    for name, value in sorted(change.facets.items()):
        time_key, hash_key = f"ol_{name}_at", f"ol_{name}_hash"
        digest = value.digest
        at = _text(value.at)
        facets.append({"time_key": time_key, "hash_key": hash_key, "at": at, "hash": digest,
                       "props": {**value.props, time_key: at, hash_key: digest}})
    return {**change.key, "id": _node_id(kind, tuple(change.key.values())),
            "first_at": _text(change.first_at), "last_at": _text(change.last_at), "facets": facets}


def _run_row(row: dict[str, Any], change: NodeChange) -> dict[str, Any]:
    job_namespace, job_name = change.extra["job"]
    rank, state_at, state = change.extra.get("state") or (None, None, None)
    return {**row, "job_namespace": job_namespace, "job_name": job_name,
            "state": state, "state_rank": rank, "state_at": _text(state_at),
            "started_at": _text(change.extra.get("started_at")), "ended_at": _text(change.extra.get("ended_at"))}


@lru_cache(maxsize=65_536)
def _node_id(kind: str, key: tuple) -> str:
    # Jobs, datasets and teams recur in almost every batch: their uuid5 is worth remembering.
    return node_id(kind, *map(str, key))


@lru_cache(maxsize=4_096)  # the nodes of one event share its time
def _text(at: datetime | None) -> str | None:
    """A UTC time as fixed-width ISO 8601 text: the statements turn it back into a datetime, and
    the facet bookkeeping (ol_<facet>_at) compares it as text, which fixed width keeps in time order.
    (The driver packs datetime parameters ~50x slower than strings.)"""
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
