"""The OpenLineage ingestion benchmark: `python -m bench.ingest` (or `./dev bench-ingest`).

1. starts its own Neo4j (a fresh home, a free port) unless NEO4J_URI is set, and migrates it;
2. generates a stream of realistic events (`--events`, default 12,000): pipeline task runs
   (START, RUNNING, COMPLETE) over 300 jobs and 2,000 datasets with version, schema and
   ownership facets, a parent-run facet, and every tenth run a training run that registers a
   model version with a metric;
3. raw: the same events read and applied straight through the ingestion repository (no HTTP,
   no JSON), in transactions of `--batch` events, one writer: the database-side ceiling;
4. service: starts `lineagegraph serve` and sends the events (same count, new run ids, so the
   writes are real) from `--clients` concurrent HTTP clients (default 16) to POST /api/v1/lineage,
   each waiting for its acknowledgement (given only after commit), and reports events per second
   and the acknowledgement latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from app.config import default_cypher_dir
from app.db import Database
from app.openlineage import repository
from app.openlineage.events import GraphChanges, read_event
from app.queries import load_queries
from bench.run import echo, prepare, settings_for, start_neo4j, start_service, summary

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


async def send(url: str, stream: list[dict], clients: int) -> dict:
    """`clients` concurrent senders, each posting its share one event at a time."""
    latencies: list[float] = []
    bodies = [json.dumps(event).encode() for event in stream]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        async def client() -> None:
            while not queue.empty():
                body = queue.get_nowait()
                sent = time.perf_counter()
                response = await http.post("/api/v1/lineage", content=body,
                                           headers={"content-type": "application/json"})
                if response.status_code != 201:
                    raise RuntimeError(f"refused: {response.status_code} {response.text[:300]}")
                latencies.append((time.perf_counter() - sent) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"events": len(stream), "clients": clients, "seconds": round(elapsed, 2),
            "events_per_s": round(len(stream) / elapsed), "ack_latency": summary(latencies)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=12_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batch", type=int, default=64, help="events per transaction in the raw run")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--tmp", default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args(argv)

    queries = load_queries(default_cypher_dir())
    with ExitStack() as stack:
        uri, _ = start_neo4j(stack, args)
        settings = settings_for(uri)
        prepare(settings, queries)
        echo(f"raw: applying {args.events:,} events through the repository, {args.batch} per transaction …")
        raw = asyncio.run(raw_apply(settings, queries, events(args.events, "raw"), args.batch))
        echo(f"  {raw['events_per_s']:,} events/s")
        url = start_service(stack, settings, Path(stack.enter_context(_tempdir(args.tmp))))
        echo(f"service: {args.clients} clients posting {args.events:,} events …")
        asyncio.run(send(url, events(200, "warm-up"), args.clients))
        service = asyncio.run(send(url, events(args.events, "service"), args.clients))
        echo(f"  {service['events_per_s']:,} events/s acknowledged, p50 {service['ack_latency']['p50_ms']} ms")

    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "raw": raw, "service": service,
              "target_events_per_s": TARGET_EVENTS_PER_S}
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
