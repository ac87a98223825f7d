"""The first OpenLineage write after a Neo4j restart, and the apply statement's plan time:
`python -m bench.restart` (or the functions `first_write_after_restart` and `plan_time_cold`).

1. starts its own Neo4j (a fresh home, a free port) and `lineagegraph serve` against it, and
   sends `--warmup` events through the service (a running service: its statements planned and
   run, their parameter types known);
2. plan time cold: `--rounds` times, `CALL db.clearQueryCaches()` then EXPLAIN of
   openlineage.apply_batch with the parameters a real batch sends, timing the answer and the
   Neo4j CPU it cost (/proc), medians: planning on a warm JVM;
3. restart: stops Neo4j, starts it again on the same files and port and, as soon as Bolt
   accepts a connection and the database answers, posts one new event, retrying while the
   service answers 503 or 504 (as a sender would); prints the time to its 201 from the restart command, from Bolt
   accepting again, and from the database answering, and Neo4j's CPU meanwhile (a fresh JVM
   plans everything it is first asked slowly, whatever the statement);
4. repeats 3 `--restarts` times.

Only a Neo4j this module started can be restarted (not one given by NEO4J_URI).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx
from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

from app.cli.localneo4j import LocalNeo4j
from app.core.config import default_cypher_dir
from app.core.cypher import load_queries
from app.http.lineage_events import LINEAGE_PATH
from app.openlineage import repository
from app.openlineage.inputs import GraphChanges, read_event
from bench.ingest import events, send, server_arguments
from bench.processes import cpu_seconds
from bench.run import bench_token, echo, prepare, settings_for, start_neo4j, start_service

# The event posted after each restart is the first of a fresh run: new nodes, a real write.
_POLL_SECONDS = 0.02


def apply_batch_params(count: int = 16, seed: str = "plan") -> dict:
    """The parameters of openlineage.apply_batch for a batch of `count` generated events."""
    merged = GraphChanges()
    for event in events(count, seed):
        merged.merge(read_event(event))
    captured: dict = {}

    class Capture:  # stands in for the transaction: keeps what `apply` would send
        async def single(self, name: str, **params):
            captured.update(params)
            return None

    asyncio.run(repository.apply(Capture(), merged, "bench"))  # type: ignore[arg-type]
    return captured


def plan_time_cold(uri: str, neo4j_pid: int | None, *, rounds: int = 5, statement: str | None = None,
                   params: dict | None = None) -> dict:
    """Median wall time and Neo4j CPU of planning `statement` (default: openlineage.apply_batch)
    after clearing the query caches, `rounds` times."""
    text = statement if statement is not None else load_queries(default_cypher_dir())["openlineage.apply_batch"].text
    params = params if params is not None else apply_batch_params()
    walls, cpus = [], []
    with GraphDatabase.driver(uri, auth=None, notifications_min_severity="OFF") as driver:
        for _ in range(rounds):
            driver.execute_query("CALL db.clearQueryCaches()")
            cpu = cpu_seconds(neo4j_pid)
            started = time.perf_counter()
            driver.execute_query("EXPLAIN " + text, params)
            walls.append(time.perf_counter() - started)
            if cpu is not None:
                cpus.append(cpu_seconds(neo4j_pid) - cpu)
    return {"rounds": rounds, "plan_wall_s_p50": round(statistics.median(walls), 3),
            "plan_neo4j_cpu_s_p50": round(statistics.median(cpus), 3) if cpus else None}


def post_until_created(http: httpx.Client, body: bytes, *, deadline: float) -> list[int]:
    """Post one event until its 201, as a sender would; the statuses answered before it.
    503: the database is not reachable yet; 504: no answer in time (a fresh JVM's planning counts
    against the transaction timeout). A sender retries either: replays are idempotent."""
    headers = {"content-type": "application/json", "authorization": f"Bearer {bench_token()}"}
    refusals: list[int] = []
    while True:
        response = http.post(LINEAGE_PATH, content=body, headers=headers)
        if response.status_code == 201:
            return refusals
        if response.status_code not in (503, 504) or time.perf_counter() > deadline:
            raise RuntimeError(f"refused: {response.status_code} {response.text[:300]}")
        refusals.append(response.status_code)
        time.sleep(_POLL_SECONDS)


def first_write_after_restart(server: LocalNeo4j, url: str, *, seed: str, timeout: float = 180.0) -> dict:
    """Restart `server`, post one event as soon as the database answers; seconds to its 201."""
    body = json.dumps(events(1, seed)[0]).encode()
    restarted = time.perf_counter()
    server.stop()
    stopped = time.perf_counter()
    starting = threading.Thread(target=server.start, kwargs={"echo": lambda *_: None}, daemon=True)
    starting.start()
    bolt = online = None
    deadline = restarted + timeout
    with GraphDatabase.driver(server.uri, auth=None, connection_timeout=1) as driver:
        while online is None:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"Neo4j did not come back within {timeout:.0f}s")
            try:
                driver.verify_connectivity()
                bolt = bolt or time.perf_counter()
                driver.execute_query("RETURN 1")
                online = time.perf_counter()
            except (DriverError, Neo4jError, OSError):
                time.sleep(_POLL_SECONDS)
    pid = server.pid()
    cpu = cpu_seconds(pid)
    with httpx.Client(base_url=url, timeout=timeout) as http:
        refusals = post_until_created(http, body, deadline=deadline)
        acknowledged = time.perf_counter()
        neo4j_cpu = cpu_seconds(pid) - cpu if cpu is not None else None
        ready = None
        while time.perf_counter() < deadline:
            if http.get("/readyz").status_code == 200:
                ready = time.perf_counter()
                break
            time.sleep(0.1)
    starting.join(timeout=max(1.0, deadline - time.perf_counter()))
    return {"stop_s": round(stopped - restarted, 2),
            "ack_from_restart_s": round(acknowledged - restarted, 2),
            "ack_from_bolt_s": round(acknowledged - bolt, 2),
            "ack_from_online_s": round(acknowledged - online, 2),
            "neo4j_cpu_s_until_ack": None if neo4j_cpu is None else round(neo4j_cpu, 2),
            "retried_after": refusals,
            "ready_from_online_s": None if ready is None else round(ready - online, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=int, default=600, help="events sent through the service first")
    parser.add_argument("--rounds", type=int, default=5, help="plan-time measurements")
    parser.add_argument("--restarts", type=int, default=2)
    server_arguments(parser, heap="1g", pagecache="512m")
    args = parser.parse_args(argv)

    queries = load_queries(default_cypher_dir())
    seed = f"restart-{int(time.time())}"
    with ExitStack() as stack:
        uri, server = start_neo4j(stack, args)
        if server is None:
            raise SystemExit("bench.restart restarts its own Neo4j: unset NEO4J_URI")
        settings = settings_for(uri)
        prepare(settings, queries)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lineagegraph-restart-", dir=args.tmp)))
        url = start_service(stack, settings, workdir)
        echo(f"warm-up: {args.warmup:,} events through the service …")
        warm_up = events(args.warmup + 1, f"{seed}-warm-up")
        with httpx.Client(base_url=url, timeout=180) as http:  # a fresh server's first write plans cold
            post_until_created(http, json.dumps(warm_up[0]).encode(), deadline=time.perf_counter() + 180)
        asyncio.run(send(url, warm_up[1:], 16))
        plan = plan_time_cold(uri, server.pid(), rounds=args.rounds)
        echo(f"apply_batch planned after clearQueryCaches: {plan['plan_wall_s_p50']} s, "
             f"Neo4j CPU {plan['plan_neo4j_cpu_s_p50']} s (median of {plan['rounds']})")
        restarts = []
        for index in range(args.restarts):
            result = first_write_after_restart(server, url, seed=f"{seed}-{index}")
            restarts.append(result)
            echo(f"restart {index + 1}: first event acknowledged {result['ack_from_restart_s']} s after the restart "
                 f"command, {result['ack_from_bolt_s']} s after Bolt accepted, {result['ack_from_online_s']} s after "
                 f"the database answered (Neo4j CPU meanwhile {result['neo4j_cpu_s_until_ack']} s, "
                 f"answers before it: {result['retried_after'] or 'none'}); /readyz 200 {result['ready_from_online_s']} s after it answered")
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "plan": plan, "restarts": restarts}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "restart.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
