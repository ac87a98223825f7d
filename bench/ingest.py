"""The OpenLineage ingestion benchmark: `python -m bench.ingest` (or `./dev bench-ingest`).

1. starts its own Neo4j (a fresh home, a free port) unless NEO4J_URI is set, and migrates it;
2. generates a stream of realistic events (`--events`, default 12,000): pipeline task runs
   (START, RUNNING, COMPLETE) over 300 jobs and 2,000 datasets with version, schema and
   ownership facets, a parent-run facet, and every tenth run a training run that registers a
   model version with a metric;
3. warm-up: `--warmup` events through the repository, not measured (a fresh Neo4j JVM spends
   ~9 ms of CPU an event until its JIT has compiled the write path, under 1 ms after);
4. raw: the same events read and applied straight through the ingestion repository (no HTTP,
   no JSON, no audit), in transactions of `--batch` events, one writer: the database-side ceiling;
5. service: starts `lineagegraph serve` and sends the events (same count, new run ids, so the
   writes are real) from `--clients` concurrent HTTP clients (default 16) to POST /api/v1/lineage,
   each waiting for its acknowledgement (given only after commit), after 1,200 unmeasured events;
   reports events per second, the acknowledgement latency, and the CPU each process spent per
   event (client, service, Neo4j: they share the machine's cores).

The senders speak plain HTTP/1.1 over asyncio streams by default (`--client httpx` for httpx):
httpx's async client spends ~3.4 ms of CPU a request, more than the service it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from app.core.config import default_cypher_dir
from app.core.db import Database
from app.openlineage import repository
from app.openlineage.inputs import GraphChanges, read_event
from app.http.lineage_events import LINEAGE_PATH
from app.core.cypher import load_queries
from bench.processes import CpuMeter, child_pid, raw_poster
from bench.run import bench_token, echo, prepare, settings_for, start_neo4j, start_service, summary

PRODUCER = "https://github.com/lineagegraph/lineagegraph/bench"
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
MODEL_FACET = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json#/$defs/ModelVersionDatasetFacet"
TARGET_EVENTS_PER_S = 1_000


def _facet(**fields) -> dict:
    return {"_producer": PRODUCER, "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/Facet.json", **fields}


def _dataset(index: int, version: str) -> dict:
    return {"namespace": f"s3://lake-{index % 20}", "name": f"warehouse/table_{index}",
            "facets": {"version": _facet(datasetVersion=version),
                       "schema": _facet(fields=[{"name": f"col_{c}", "type": "string"} for c in range(8)]),
                       "ownership": _facet(owners=[{"name": f"team:team-{index % 25}", "type": "MAINTAINER"}])}}


def events(count: int, seed: str) -> list[dict]:
    """`count` events, three per run; the seed makes run ids (and so the written nodes) new."""
    out: list[dict] = []
    start = datetime(2026, 3, 1, tzinfo=UTC)
    run = 0
    while len(out) < count:
        job = run % 300
        at = start + timedelta(minutes=run)
        version = at.strftime("%Y%m%dT%H%M")
        inputs = [_dataset((job * 7 + k) % 2000, "latest") for k in range(2)]
        outputs = [_dataset((job * 7 + 2) % 2000, version)]
        if run % 10 == 9:
            outputs = [{"namespace": "s3://models", "name": f"model-{job}", "facets": {"lineagegraph_modelVersion": _facet(
                _schemaURL=MODEL_FACET, modelName=f"model-{job}", version=f"{seed}-{run}", framework="xgboost",
                metrics=[{"name": "auc", "value": 0.9, "dataset": {"namespace": inputs[0]["namespace"],
                                                                    "name": inputs[0]["name"], "version": "latest"}}])}}]
        run_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{run}"))
        parent = {"parent": _facet(run={"runId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/dag/{run // 30}"))},
                                   job={"namespace": "airflow", "name": f"dag_{job // 30}"})}
        for offset, state in enumerate(("START", "RUNNING", "COMPLETE")):
            out.append({"eventType": state, "eventTime": (at + timedelta(seconds=offset * 20)).isoformat(),
                        "producer": PRODUCER, "schemaURL": RUN_EVENT,
                        "run": {"runId": run_id, "facets": parent},
                        "job": {"namespace": "airflow", "name": f"dag_{job // 30}.task_{job}"},
                        "inputs": inputs, "outputs": outputs})
        run += 1
    return out[:count]


async def raw_apply(settings, queries, stream: list[dict], batch: int) -> dict:
    """The same work without HTTP: read every event, merge `batch` at a time, apply, commit."""
    db = Database.connect(settings, queries)
    try:
        started = time.perf_counter()
        for index in range(0, len(stream), batch):
            merged = GraphChanges()
            for event in stream[index:index + batch]:
                merged.merge(read_event(event))
            await db.write(repository.apply, merged, "bench")
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    return {"events": len(stream), "seconds": round(elapsed, 2), "events_per_s": round(len(stream) / elapsed),
            "batch": batch}


async def send(url: str, stream: list[dict], clients: int, client: str = "raw") -> dict:
    """`clients` concurrent senders, each posting its share one event at a time and waiting for
    its 201 (given only after commit) before sending the next."""
    bodies = [json.dumps(event).encode() for event in stream]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    post = _raw_poster if client == "raw" else _httpx_poster
    cpu = time.process_time()
    async with post(url, clients) as send_one:
        async def sender() -> None:
            async with send_one() as one:
                while not queue.empty():
                    body = queue.get_nowait()
                    sent = time.perf_counter()
                    status, text = await one(body)
                    if status != 201:
                        raise RuntimeError(f"refused: {status} {text[:300]}")
                    latencies.append((time.perf_counter() - sent) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {"events": len(stream), "clients": clients, "client": client, "seconds": round(elapsed, 2),
            "events_per_s": round(len(stream) / elapsed), "ack_latency": summary(latencies),
            "client_cpu_ms_per_event": round(cpu * 1000 / len(stream), 3)}


@contextlib.asynccontextmanager
async def _httpx_poster(url: str, clients: int):
    """httpx's async client, one pooled connection per sender (~0.5 ms of CPU a request)."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        @contextlib.asynccontextmanager
        async def one():
            async def post(body: bytes) -> tuple[int, str]:
                response = await http.post(LINEAGE_PATH, content=body, headers={
                    "content-type": "application/json", "authorization": f"Bearer {bench_token()}"})
                return response.status_code, response.text

            yield post

        yield one


def _raw_poster(url: str, clients: int):
    """Plain HTTP/1.1 over one keep-alive asyncio connection per sender (bench/processes.py)."""
    return raw_poster(url, LINEAGE_PATH, {"Authorization": f"Bearer {bench_token()}"})


def server_arguments(parser: argparse.ArgumentParser, *, heap: str, pagecache: str) -> None:
    """The options of the Neo4j a benchmark starts (`bench.run.start_neo4j`) and where it writes."""
    parser.add_argument("--heap", default=heap)
    parser.add_argument("--pagecache", default=pagecache)
    parser.add_argument("--tmp", default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=12_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="HTTP client of the senders: plain asyncio HTTP/1.1 (default) or httpx")
    parser.add_argument("--batch", type=int, default=64, help="events per transaction in the raw run")
    parser.add_argument("--warmup", type=int, default=9_000,
                        help="events written through the repository before measuring: a fresh Neo4j JVM spends "
                             "~9 ms of CPU an event until its JIT has compiled the write path, ~1 ms after")
    server_arguments(parser, heap="2g", pagecache="1g")
    args = parser.parse_args(argv)

    queries = load_queries(default_cypher_dir())
    # New run ids on every invocation, so the writes are real even against a reused NEO4J_URI.
    seed = uuid.uuid4().hex[:8]
    with ExitStack() as stack:
        uri, server = start_neo4j(stack, args)
        neo4j_pid = server.pid() if server is not None else None
        settings = settings_for(uri)
        prepare(settings, queries)
        if args.warmup:
            echo(f"warm-up: {args.warmup:,} events through the repository (not measured) …")
            cold = asyncio.run(raw_apply(settings, queries, events(args.warmup, f"warm-up-{seed}"), args.batch))
            echo(f"  {cold['events_per_s']:,} events/s while warming up")
        echo(f"raw: applying {args.events:,} events through the repository, {args.batch} per transaction …")
        with CpuMeter({"neo4j": [neo4j_pid]}) as meter:
            raw = asyncio.run(raw_apply(settings, queries, events(args.events, f"raw-{seed}"), args.batch))
        raw["neo4j_cpu_ms_per_event"] = meter.per_unit_ms(args.events)["neo4j"]
        echo(f"  {raw['events_per_s']:,} events/s")
        url = start_service(stack, settings, Path(stack.enter_context(_tempdir(args.tmp))))
        service_pid = child_pid("app.cli.main")
        echo(f"service: {args.clients} clients ({args.client}) posting {args.events:,} events …")
        asyncio.run(send(url, events(1_200, f"service-warm-up-{seed}"), args.clients, args.client))
        with CpuMeter({"service": [service_pid], "neo4j": [neo4j_pid]}) as meter:
            service = asyncio.run(send(url, events(args.events, f"service-{seed}"), args.clients, args.client))
        used = meter.per_unit_ms(args.events)
        service["service_cpu_ms_per_event"], service["neo4j_cpu_ms_per_event"] = used["service"], used["neo4j"]
        echo(f"  {service['events_per_s']:,} events/s acknowledged, p50 {service['ack_latency']['p50_ms']} ms; "
             f"CPU ms per event: client {service['client_cpu_ms_per_event']}, service "
             f"{service['service_cpu_ms_per_event']}, neo4j {service['neo4j_cpu_ms_per_event']}")

    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "cores": os.cpu_count(), "raw": raw,
              "service": service, "target_events_per_s": TARGET_EVENTS_PER_S}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(result, indent=2))
    print("| OpenLineage ingestion | events | events/s | ack p50 / p99 ms |")
    print("|---|---:|---:|---:|")
    print(f"| raw: repository, {raw['batch']} events per transaction, 1 writer | {raw['events']:,} | "
          f"{raw['events_per_s']:,} | – |")
    print(f"| service: POST /api/v1/lineage, {service['clients']} clients, group commit | {service['events']:,} | "
          f"{service['events_per_s']:,} (target ≥ {TARGET_EVENTS_PER_S:,}) | "
          f"{service['ack_latency']['p50_ms']} / {service['ack_latency']['p99_ms']} |")
    return 0


def _tempdir(base):
    import tempfile

    return tempfile.TemporaryDirectory(prefix="lineagegraph-ingest-", dir=base)


if __name__ == "__main__":
    raise SystemExit(main())
