"""The bulk import of an existing registry (README "Bulk import"): admin only, all of it or nothing.

Online, through the service's own database: the whole input is read and checked first
(app/bulk/inputs.py; one bad row and nothing is written), then its nodes are created kind by kind
(parents first) and its edges shape by shape, in batches of `batch` rows, each batch one write
transaction, `workers` of them at once, against the schema the migrations made (uniqueness
constraints and indexes in place). Last, one transaction records the import's one audit entry (what
was read, counts, the input's digest) on the hash chain. Should any batch or the audit entry fail
(Neo4j gone, a key clashing with a node created meanwhile), every node the import created is
deleted with its edges before the error is raised: the registry is left as it was found.

A registry that already holds catalog nodes is refused unless `allow_nonempty`; the import is then
still self-contained (its references name its own rows) and may reuse no id already there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.bulk import repository
from app.bulk.inputs import EDGES, KINDS, LABELS, InvalidImport, Parsed, parse
from app.core import vocabulary
from app.core.access import Principal
from app.core.config import Settings
from app.core.db import Database, Tx
from app.core.errors import Conflict, DomainError, Forbidden

ACTION = "bulkImport"

# A batch of 10,000 rows is one transaction: on a busy machine it may take longer than the
# service's request timeout (LINEAGEGRAPH_TX_TIMEOUT, 15 s), which is for requests, not imports.
TX_TIMEOUT = 600.0


def import_settings(settings: Settings) -> Settings:
    """The service's settings with a transaction timeout fit for import batches."""
    return settings.model_copy(update={"tx_timeout": max(settings.tx_timeout, TX_TIMEOUT)})


@dataclass
class ImportReport:
    """What an import wrote and how long each phase took (seconds)."""

    nodes: dict[str, int]
    edges: dict[str, int]
    structural_edges: int
    digest: str
    files: list[str]
    rows: int
    seconds: dict[str, float] = field(default_factory=dict)  # by phase: parse, nodes, edges, audit
    transactions: int = 0
    per_statement: dict[str, dict] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(self.edges.values()) + self.structural_edges

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())

    def phase(self, name: str) -> float:
        return self.seconds.get(name, 0.0)


class ImportFailed(DomainError):
    """Writing failed part-way; what was written has been deleted again."""

    code = "IMPORT_FAILED"
    http_status = 503


async def import_registry(db: Database, principal: Principal, path: Path, *, allow_nonempty: bool = False,
                          batch: int = 10_000, workers: int = 2, now: datetime | None = None,
                          echo: Callable[[str], None] = lambda line: None) -> ImportReport:
    """Import the registry files at `path` (a directory of kind files, or one file); see the module."""
    if not principal.is_admin:
        raise Forbidden(f"{principal.name} may not bulk-import: it is for admins (the admin role).",
                        action=ACTION)
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    parsed = parse(path, principal=principal.name, now=now)
    parse_s = time.perf_counter() - started
    echo(f"read and checked {parsed.rows:,} rows in {parse_s:.1f} s: {parsed.node_count:,} nodes, "
         f"{parsed.edge_count:,} lineage and stage edges")
    report = await write(db, principal, parsed, allow_nonempty=allow_nonempty, batch=batch, workers=workers,
                         now=now, echo=echo)
    report.seconds = {"parse": parse_s, **report.seconds}
    return report


async def write(db: Database, principal: Principal, parsed: Parsed, *, allow_nonempty: bool = False,
                batch: int = 10_000, workers: int = 2, now: datetime, echo: Callable[[str], None] = lambda line: None
                ) -> ImportReport:
    """Write a checked import (nodes, edges, the audit entry), undone on failure."""
    if not principal.is_admin:
        raise Forbidden(f"{principal.name} may not bulk-import: it is for admins (the admin role).",
                        action=ACTION)
    await _check_target(db, parsed, allow_nonempty)
    report = ImportReport(nodes={LABELS[k]: len(parsed.nodes[k]) for k in KINDS}, edges=parsed.edge_counts(),
                          structural_edges=sum(1 for k in KINDS for n in parsed.nodes[k] if n.parent is not None),
                          digest=parsed.digest, files=parsed.files, rows=parsed.rows)
    writer = _Writer(db, batch=batch, workers=workers, echo=echo, report=report)
    try:
        t0 = time.perf_counter()
        await db.write(repository.ensure_stages, names=list(vocabulary.STAGES))
        parent_ids = {kind: {node.key: node.props["id"] for node in parsed.nodes[kind]} for kind in KINDS}
        parent_kind = {"dataset": "team", "feature": "team", "job": "team", "model": "team",
                       "dataset_version": "dataset", "run": "job", "model_version": "model"}
        for kind in KINDS:
            parents = parent_ids.get(parent_kind.get(kind, ""), {})
            times = ("created_at", "updated_at", *EXTRA_TIMES.get(kind, ()))
            rows = [{"props": {k: v for k, v in node.props.items() if k not in times},
                     "parent": parents.get(node.parent) if node.parent else None,
                     "t": [micros(node.props.get(name)) for name in times]}
                    for node in parsed.nodes[kind]]
            # Timed under its statement's name: the statement is a member of the fixed Write family.
            await writer.run(repository.Write.where(writes="node", of=kind).statement, LABELS[kind], rows,
                             lambda tx, chunk, kind=kind:
                             repository.create_nodes(tx, kind, chunk))
        report.seconds["nodes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for shape in EDGES:
            grouped = _grouped(parsed.edges[shape])
            await writer.run(repository.Write.where(writes="edge", of=shape).statement, shape, grouped,
                             lambda tx, chunk, shape=shape:
                             repository.link_edges(tx, shape, chunk), weight=lambda row: len(row[1]))
        report.seconds["edges"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        await db.write(_audit, principal.name, report, now)
        report.seconds["audit"] = time.perf_counter() - t0
    except BaseException as exc:
        if not writer.started:
            raise
        deleted = await _undo(db, parsed, batch)
        if isinstance(exc, Exception):
            raise ImportFailed(f"The import failed part-way ({type(exc).__name__}: {exc}); the {deleted:,} nodes "
                               "it had written were deleted again, so the registry is as it was. Nothing was "
                               "imported.") from exc
        raise
    return report


async def _check_target(db: Database, parsed: Parsed, allow_nonempty: bool) -> None:
    held = await db.read(repository.catalog_nodes)
    if held == 0:
        return
    if not allow_nonempty:
        raise Conflict(f"The registry already holds {held:,} catalog nodes (teams, datasets, jobs, models, "
                       "features, deployments): a bulk import is for an empty registry. Allow a non-empty one "
                       "explicitly (--allow-nonempty) to add to it.", nodes=held)
    origins = {node.props["id"]: node.origin for kind in KINDS for node in parsed.nodes[kind]}
    ids = list(origins)
    clashes: list[str] = []
    for start in range(0, len(ids), 10_000):
        clashes += await db.read(repository.existing_ids, ids=ids[start:start + 10_000])
    if clashes:
        raise InvalidImport([f"{origins[i]}: id {i} is already a node of the registry" for i in sorted(clashes)[:20]],
                            max(0, len(clashes) - 20))


# The times of a kind's nodes besides created_at and updated_at, in its statement's order (row.t).
EXTRA_TIMES = {"run": ("started_at", "ended_at"), "deployment": ("since",)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime | None) -> int | None:
    """A time as epoch microseconds (what the statements take)."""
    return None if at is None else (at - _EPOCH) // _MICROSECOND


def _grouped(edges: list[tuple[str, str, dict]]) -> list[list]:
    """[source id, [[target, times…], …]] rows, one per source (its edges in input order): a lineage
    edge's created_at, a history span's since, until and by."""
    by_source: dict[str, list] = {}
    for source, target, props in edges:
        if "created_at" in props:
            link = [target, micros(props["created_at"])]
        else:
            link = [target, micros(props["since"]), micros(props.get("until")), props["by"]]
        by_source.setdefault(source, []).append(link)
    return [[source, links] for source, links in by_source.items()]


class _Writer:
    """Batches of one statement, `workers` transactions at once, with progress every few seconds."""

    def __init__(self, db: Database, *, batch: int, workers: int, echo, report: ImportReport):
        self.db, self.batch, self.workers, self.echo, self.report = db, batch, workers, echo, report
        self.started = False

    async def run(self, name: str, what: str, rows: list, work, weight=lambda row: 1) -> None:
        if not rows:
            return
        chunks, chunk, filled = [], [], 0
        for row in rows:
            chunk.append(row)
            filled += weight(row)
            if filled >= self.batch:
                chunks.append(chunk)
                chunk, filled = [], 0
        if chunk:
            chunks.append(chunk)
        total = sum(weight(row) for row in rows)
        gate = asyncio.Semaphore(self.workers)
        done = [0]
        t0 = last = time.perf_counter()

        async def one(part: list) -> int:
            nonlocal last
            async with gate:
                self.started = True
                created = await self.db.write(work, part)
                done[0] += created
                self.report.transactions += 1
                if time.perf_counter() - last >= 2:
                    last = time.perf_counter()
                    self.echo(f"  {what}: {done[0]:,} of {total:,} ({done[0] / (last - t0):,.0f}/s)")
                return created

        created = sum(await asyncio.gather(*(one(part) for part in chunks)))
        took = time.perf_counter() - t0
        if created != total:
            raise RuntimeError(f"{name} created {created:,}, expected {total:,}")
        self.report.per_statement[name] = {"rows": created, "seconds": round(took, 2)}
        self.echo(f"  {what}: {created:,} in {took:.1f} s ({created / took if took else 0:,.0f}/s)")


async def _audit(tx: Tx, actor: str, report: ImportReport, now: datetime) -> None:
    """The import's one audit entry: what it read (files, digest), what it wrote (counts)."""
    record_audit(tx, AuditEntry(
        actor=actor, action=ACTION, target_kind="Registry", target_key=report.digest, target_id=None,
        before={"created": False},
        after={"files": [Path(f).name for f in report.files], "digest": report.digest, "rows": report.rows,
               "nodes": {k: n for k, n in report.nodes.items() if n}, "edges": report.edges,
               "structural_edges": report.structural_edges},
        at=now))


async def _undo(db: Database, parsed: Parsed, batch: int) -> int:
    ids = [node.props["id"] for kind in reversed(KINDS) for node in parsed.nodes[kind]]
    deleted = 0
    for start in range(0, len(ids), batch):
        deleted += await db.write(repository.delete_imported, ids=ids[start:start + batch])
    return deleted


def summary(report: ImportReport) -> dict[str, Any]:
    """The report as plain data (the CLI's --json, the benchmark)."""
    return {"nodes": report.nodes, "edges": report.edges, "structural_edges": report.structural_edges,
            "digest": report.digest, "rows": report.rows, "transactions": report.transactions,
            "seconds": {name: round(value, 2) for name, value in report.seconds.items()},
            "total_s": round(report.total_s, 2), "per_statement": report.per_statement}
