"""Bulk loading of a generated registry through the benchmark's own statements (`bench/cypher/`).

Nodes go first, label by label in dependency order (each node file also creates the node's
structural edges: VERSION_OF, INSTANCE_OF, OWNED_BY), then the lineage edges shape by shape,
then the stage history (IN_STAGE) of model versions.
Every batch (`batch` rows, or `batch` edges grouped by their source) is one write
transaction through the driver, against a graph whose uniqueness constraints and indexes are
already in place — the load rate includes maintaining them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pathlib import Path

from neo4j import Driver

from app.core.cypher import QueryCatalog
from bench.generate import (
    DATASET,
    DATASET_VERSION,
    DEPLOYMENT,
    FEATURE,
    JOB,
    LABELS,
    LINKS,
    MODEL,
    MODEL_VERSION,
    RUN,
    STAGE,
    TEAM,
    Registry,
)

# The benchmark's statements: beside its code, never in the service's cypher/ (nor in the wheel or
# the image). `load_queries(BENCH_CYPHER_DIR)` names them by file: `create_teams`, `link_serves`, …
BENCH_CYPHER_DIR = Path(__file__).resolve().parent / "cypher"

# Label -> (statement, the row fields it reads). Parents before children.
NODE_LOADS = (
    (STAGE, "create_stages", ("id", "name")),
    (TEAM, "create_teams", ("id", "name", "description", "created_at", "by")),
    (DATASET, "create_datasets", ("id", "namespace", "name", "owner", "description", "license", "privacy",
                                        "tags", "tags_text", "schema_fields", "created_at", "by")),
    (DATASET_VERSION, "create_dataset_versions",
     ("id", "dataset_id", "version", "digest", "row_count", "created_at", "by")),
    (FEATURE, "create_features", ("id", "group", "name", "owner", "dtype", "transformation", "description",
                                        "tags", "tags_text", "created_at", "by")),
    (JOB, "create_jobs", ("id", "namespace", "name", "owner", "description", "created_at", "by")),
    (RUN, "create_runs", ("id", "run_id", "job_id", "state", "started_at", "ended_at", "code_repository",
                                "code_commit", "parameters", "by")),
    (MODEL, "create_models", ("id", "name", "owner", "risk_tier", "description", "tags", "tags_text",
                                    "created_at", "by")),
    (MODEL_VERSION, "create_model_versions",
     ("id", "model_id", "version", "artifact_uri", "artifact_digest", "framework", "license", "stage", "tags",
      "tags_text", "created_at", "by")),
    (DEPLOYMENT, "create_deployments", ("id", "environment", "name", "endpoint", "status", "since",
                                              "created_at", "by")),
)


@dataclass
class LoadStats:
    nodes: int = 0
    structural_edges: int = 0
    edge_phase_edges: int = 0  # lineage edges and IN_STAGE history
    node_seconds: float = 0.0
    edge_seconds: float = 0.0
    transactions: int = 0
    per_statement: dict[str, dict] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.node_seconds + self.edge_seconds

    def as_dict(self) -> dict:
        return {
            "nodes": self.nodes,
            "structural_edges": self.structural_edges,
            "edge_phase_edges": self.edge_phase_edges,
            "node_phase_s": round(self.node_seconds, 2),
            "edge_phase_s": round(self.edge_seconds, 2),
            "total_s": round(self.seconds, 2),
            "nodes_per_s_node_phase": round(self.nodes / self.node_seconds) if self.node_seconds else None,
            "edges_per_s_edge_phase": round(self.edge_phase_edges / self.edge_seconds) if self.edge_seconds else None,
            "nodes_per_s_whole_load": round(self.nodes / self.seconds) if self.seconds else None,
            "elements_per_s_whole_load": round((self.nodes + self.structural_edges + self.edge_phase_edges) / self.seconds)
            if self.seconds else None,
            "transactions": self.transactions,
            "per_statement": self.per_statement,
        }


def _batches(rows: Iterable, size: int, weight: Callable[[object], int] = lambda row: 1) -> Iterator[list]:
    batch, filled = [], 0
    for row in rows:
        batch.append(row)
        filled += weight(row)
        if filled >= size:
            yield batch
            batch, filled = [], 0
    if batch:
        yield batch


def _write(driver: Driver, database: str, text: str, rows: list) -> int:
    def work(tx):
        return tx.run(text, rows=rows).single()["created"]

    with driver.session(database=database) as session:
        return session.execute_write(work)


def load(driver: Driver, database: str, queries: QueryCatalog, registry: Registry, *, batch: int = 10_000,
         echo: Callable[[str], None] = print) -> LoadStats:
    """Load every node, then every lineage edge; returns counts and timings per phase."""
    stats = LoadStats()
    started = time.perf_counter()
    for kind, name, fields in NODE_LOADS:
        query = queries[name]
        rows = registry.rows[kind]
        t0 = time.perf_counter()
        created = 0
        for chunk in _batches(({f: row.get(f) for f in fields} for row in rows), batch):
            query.check_params({"rows": chunk})
            created += _write(driver, database, query.text, chunk)
            stats.transactions += 1
        if created != len(rows):
            raise RuntimeError(f"{name} created {created} {LABELS[kind]} nodes, expected {len(rows)}")
        took = time.perf_counter() - t0
        stats.per_statement[name] = {"rows": created, "seconds": round(took, 2)}
        echo(f"  {LABELS[kind]:<15} {created:>9,} nodes   {took:6.1f} s")
    stats.nodes = registry.node_count
    stats.structural_edges = registry.structural_edges
    stats.node_seconds = time.perf_counter() - started

    started = time.perf_counter()
    shapes = [(f"link_{name}", registry.link_rows(name), lambda row: len(row[1]), len(registry.links[name][0]))
              for name in LINKS]
    shapes.append(("link_serves", registry.serves_rows(), lambda row: 1, len(registry.serves)))
    shapes.append(("link_stages", registry.stage_rows(), lambda row: 1, len(registry.stage_spans)))
    for name, rows, weight, expected in shapes:
        query = queries[name]
        t0 = time.perf_counter()
        created = 0
        for chunk in _batches(rows, batch, weight):
            query.check_params({"rows": chunk})
            created += _write(driver, database, query.text, chunk)
            stats.transactions += 1
        if created != expected:
            raise RuntimeError(f"{name} created {created} edges, expected {expected}")
        took = time.perf_counter() - t0
        stats.per_statement[name] = {"rows": created, "seconds": round(took, 2)}
        echo(f"  {name.removeprefix('link_'):<27} {created:>9,} edges   {took:6.1f} s")
        stats.edge_phase_edges += created
    stats.edge_seconds = time.perf_counter() - started
    return stats
