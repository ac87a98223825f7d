"""Bulk loading of a generated registry through the benchmark's own statements (`bench/cypher/`).

Nodes go first, label by label in dependency order (each node file also creates the node's
structural edges: VERSION_OF, INSTANCE_OF, OWNED_BY), then the lineage edges shape by shape,
then the stage history (IN_STAGE) of model versions.
Every batch (`batch` rows, or `batch` edges grouped by their source) is one write
transaction through the driver, against a graph whose uniqueness constraints and indexes are
already in place — the load rate includes maintaining them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

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


# --- the documented bulk path (`lineagegraph import registry`, app/bulk/) ---------------------------

# The generator's label index -> the import's kind (Stage nodes are the registry's own: the import
# makes them).
IMPORT_KINDS = {TEAM: "team", DATASET: "dataset", DATASET_VERSION: "dataset_version", FEATURE: "feature", JOB: "job",
                RUN: "run", MODEL: "model", MODEL_VERSION: "model_version", DEPLOYMENT: "deployment"}


def _iso(millis: int | None) -> str | None:
    if millis is None:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def export_registry(registry: Registry, directory: Path) -> dict[str, int]:
    """Write the generated registry as a bulk-import directory (README "Bulk import"), one JSON Lines
    file per kind, every row as the import format spells it; lines written per file."""
    from app.bulk.inputs import FILES

    directory.mkdir(parents=True, exist_ok=True)
    ids, kinds, row_of = registry.ids, registry.kinds, registry.row_of

    def dv_ref(i: int) -> dict:
        r = row_of[i]
        return {"namespace": r["namespace"], "name": r["name"], "version": r["version"]}

    def mv_ref(i: int) -> dict:
        return {"model_name": model_name[i], "version": row_of[i]["version"]}

    def feature_ref(i: int) -> dict:
        return {"group": row_of[i]["group"], "name": row_of[i]["name"]}

    model_names = {row["id"]: row["name"] for row in registry.rows[MODEL]}
    model_name = {i: model_names[row_of[i]["model_id"]] for i in range(len(ids)) if kinds[i] == MODEL_VERSION}
    jobs = {row["id"]: row for row in registry.rows[JOB]}
    extra: dict[int, dict] = {}  # node index -> its lineage fields

    def add(i: int, path: tuple[str, ...], ref: dict) -> None:
        target = extra.setdefault(i, {})
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target.setdefault(path[-1], []).append(ref)

    refs = {"used_dataset_versions": (("inputs", "dataset_versions"), False, dv_ref),
            "used_features": (("inputs", "features"), False, feature_ref),
            "used_model_versions": (("inputs", "model_versions"), False, mv_ref),
            "generated_dataset_versions": (("outputs", "dataset_versions"), True, dv_ref),
            "generated_model_versions": (("outputs", "model_versions"), True, mv_ref),
            "feature_sources": (("derived_from_dataset_versions",), False, dv_ref),
            "model_version_parents": (("derived_from",), False, mv_ref)}
    for name, (path, reverse, ref) in refs.items():
        sources, targets = registry.links[name]
        for s, t in zip(sources, targets):
            if reverse:  # an output's edge points at its run: the run's row lists it
                add(t, path, ref(s))
            else:
                add(s, path, ref(t))
    for d, m, since, until in registry.serves:
        add(d, ("serving",), {**mv_ref(m), "since": _iso(since), **({"until": _iso(until)} if until else {})})
    for m, stage, since, until in registry.stage_spans:
        add(m, ("stages",), {"stage": stage, "since": _iso(since), **({"until": _iso(until)} if until else {})})

    def row_for(kind: int, i: int, r: dict) -> dict:
        out = {"id": r["id"]}
        if kind == RUN:
            job = jobs[r["job_id"]]
            out.update(run_id=r["run_id"], job_namespace=job["namespace"], job_name=job["name"], state=r["state"],
                       started_at=_iso(r["started_at"]), ended_at=_iso(r["ended_at"]),
                       code_repository=r["code_repository"], code_commit=r["code_commit"],
                       parameters=json.loads(r["parameters"]), created_by=r["by"])
        else:
            fields = {TEAM: ("name", "description"),
                      DATASET: ("namespace", "name", "owner", "description", "license", "privacy", "tags"),
                      DATASET_VERSION: ("namespace", "name", "version", "digest", "row_count"),
                      FEATURE: ("group", "name", "owner", "dtype", "transformation", "description", "tags"),
                      JOB: ("namespace", "name", "owner", "description"),
                      MODEL: ("name", "owner", "risk_tier", "description", "tags"),
                      MODEL_VERSION: ("version", "artifact_uri", "artifact_digest", "framework", "license", "tags"),
                      DEPLOYMENT: ("environment", "name", "endpoint", "status")}[kind]
            out.update({f: r[f] for f in fields if r.get(f) is not None})
            if kind == DATASET:
                out["schema"] = json.loads(r["schema_fields"])
            if kind == MODEL_VERSION:
                out["model_name"] = model_name[i]
            out.update(created_at=_iso(r["created_at"]), created_by=r["by"])
        out.update(extra.get(i, {}))
        return out

    written = {}
    index_of = {row["id"]: i for i, row in enumerate(row_of)}
    for kind, name in IMPORT_KINDS.items():
        path = directory / FILES[name]
        with path.open("w", encoding="utf-8") as out:
            for r in registry.rows[kind]:
                out.write(json.dumps(row_for(kind, index_of[r["id"]], r), separators=(",", ":")) + "\n")
        written[path.name] = len(registry.rows[kind])
    return written


def import_load(settings, registry: Registry, directory: Path, *, batch: int = 10_000, workers: int = 2,
                echo: Callable[[str], None] = print) -> dict:
    """Export `registry` to `directory` in the bulk-import format, then import it into the empty registry
    at `settings` through the documented path (app/bulk/service.py, what `lineagegraph import registry`
    runs), as the admin `bench`. Returns LoadStats.as_dict()'s figures for the import: the node phase is
    reading and checking every file plus writing the nodes, the whole load adds the edges and the audit
    entry (exporting is not counted). The import also writes its audit event, its change event (the
    outbox) and, on a chain never appended to, the chain's head: `bookkeeping_nodes` (at most 3, and
    no relationship) is what a check of the graph's counts must allow for."""
    import asyncio

    from app.bulk import service as bulk
    from app.core.access import Principal
    from app.core.cypher import load_queries
    from app.core.db import Database
    from app.core.vocabulary import graphql_enum

    t0 = time.perf_counter()
    export_registry(registry, directory)
    exported_s = time.perf_counter() - t0
    echo(f"  exported {registry.node_count:,} nodes to {directory} in {exported_s:.1f} s")
    admin = Principal(name="bench", roles=frozenset({graphql_enum("Role").ADMIN}))

    async def run():
        db = Database.connect(bulk.import_settings(settings), load_queries(settings.cypher_dir))
        try:
            return await bulk.import_registry(db, admin, directory, batch=batch, workers=workers,
                                              echo=lambda line: echo("  " + line))
        finally:
            await db.close()

    report = asyncio.run(run())
    stages = len(registry.rows[STAGE])
    nodes = report.node_count + stages
    node_seconds = report.phase("parse") + report.phase("nodes")
    whole = report.total_s
    edges = report.edge_count
    if report.node_count + stages != registry.node_count or edges != registry.edge_count:
        raise RuntimeError(f"the import wrote {report.node_count + stages} nodes and {edges} edges, the generator "
                           f"made {registry.node_count} and {registry.edge_count}")
    return {
        "path": "lineagegraph import registry (app/bulk)",
        "nodes": nodes,
        "structural_edges": report.structural_edges,
        "edge_phase_edges": sum(report.edges.values()),
        "export_s": round(exported_s, 2),
        "parse_s": round(report.phase("parse"), 2),
        "node_write_s": round(report.phase("nodes"), 2),
        "node_phase_s": round(node_seconds, 2),
        "edge_phase_s": round(report.phase("edges"), 2),
        "audit_s": round(report.phase("audit"), 2),
        "total_s": round(whole, 2),
        "nodes_per_s_node_phase": round(nodes / node_seconds) if node_seconds else None,
        "edges_per_s_edge_phase": round(sum(report.edges.values()) / report.phase("edges")) if report.phase("edges") else None,
        "nodes_per_s_whole_load": round(nodes / whole) if whole else None,
        "elements_per_s_whole_load": round((nodes + edges) / whole) if whole else None,
        "transactions": report.transactions,
        "workers": workers,
        "batch": batch,
        "bookkeeping_nodes": 3,
        "per_statement": report.per_statement,
        "digest": report.digest,
    }
