"""Lookups by key: one model version with two levels of neighbours, and throughput at concurrency 16.

Both are what a UI or a pipeline asks most often, and what the Neo4j GraphQL Library is built
for (its generated query with nested relationship selections is one statement per request), so
with `--peer` they are timed on both servers, against the same keys, in the same run:

- **two levels**: a model version by (model, version) with its model, the run that produced it
  and that run's job, and the deployments serving it — sequential requests, the two servers
  interleaved;
- **throughput**: `--concurrency` clients (default 16) asking for random model versions by key
  (id, version, stage), for `--lookups` requests per server, in two rounds per server
  (service, peer, service, peer) so neither gets all the quiet moments.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time

import httpx

from bench.processes import CpuMeter, graphql_call, raw_poster

# The same selections on both servers; only the root field and the run id's name differ.
TWO_LEVELS = """id version stage framework license
    model { id name }
    producedBy { id %s state job { id namespace name } }
    deployments { id environment name status }"""
OURS = "modelVersion(model: $model, version: $version)"
PEERS = "modelVersions(where: {model_name: {eq: $model}, version: {eq: $version}})"
QUERY = "query %s($model: String!, $version: String!) {\n  %s {\n    %s\n  }\n}"

TWO_LEVELS_GQL = QUERY % ("TwoLevels", OURS, TWO_LEVELS % "runId")
LOOKUP_GQL = QUERY % ("Lookup", OURS, "id version stage")
PEER_TWO_LEVELS_GQL = QUERY % ("TwoLevels", PEERS, TWO_LEVELS % "run_id")
PEER_LOOKUP_GQL = QUERY % ("Lookup", PEERS, "id version stage")


def two_levels(service: httpx.Client, peer: httpx.Client | None, keys: list[dict], *, warmup: int, repeat: int,
               summary) -> dict:
    """p50/p99 of the two-level lookup on the service (and the peer), interleaved over random keys."""
    rng = random.Random(7)
    key = {}

    def variables() -> dict:
        return key

    calls = {"graphql": graphql_call(service, "/graphql", TWO_LEVELS_GQL, variables)}
    if peer is not None:
        calls["peer"] = graphql_call(peer, "", PEER_TWO_LEVELS_GQL, variables, who="peer GraphQL")
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for i in range(warmup + repeat):
        key = rng.choice(keys)
        answers = {}
        for name, call in calls.items():
            t = time.perf_counter()
            answers[name] = call()
            if i >= warmup:
                samples[name].append((time.perf_counter() - t) * 1000)
        if "peer" in answers:
            ours, theirs = answers["graphql"]["modelVersion"], answers["peer"]["modelVersions"]
            if ours is None or len(theirs) != 1 or ours["id"] != theirs[0]["id"]:
                raise RuntimeError(f"the peer's two-level answer for {key} differs from the service's")
    return {name: summary(values) for name, values in samples.items()}


async def _throughput(url: str, path: str, document: str, headers: dict, keys: list[dict], *, clients: int,
                      requests: int, seed: int) -> dict:
    rng = random.Random(seed)
    plan = [json.dumps({"query": document, "variables": rng.choice(keys)}).encode() for _ in range(requests)]
    latencies: list[float] = []
    async with raw_poster(url, path, headers) as connection:
        async def client() -> None:
            async with connection() as post:
                while plan:
                    body = plan.pop()
                    t = time.perf_counter()
                    status, text = await post(body)
                    if status != 200 or json.loads(text).get("errors"):
                        raise RuntimeError(f"lookup failed: {status} {text[:300]}")
                    latencies.append((time.perf_counter() - t) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"rps": round(requests / elapsed), "latencies": latencies}


def throughput(service_url: str, service_headers: dict, peer_url: str | None, keys: list[dict], *, clients: int,
               requests: int, summary, processes: dict[str, list[int]] | None = None) -> dict:
    """Requests per second and latency at `clients` concurrent clients, two rounds per server. With
    `processes` (each server's own pids by name, and "neo4j"), also the CPU per request of the
    server, Neo4j and this benchmark's clients: at saturation their sum times the rate is the cores."""
    servers = {"graphql": (service_url, "/graphql", LOOKUP_GQL, service_headers)}
    if peer_url is not None:
        servers["peer"] = (peer_url, "", PEER_LOOKUP_GQL, {})
    processes = processes or {}
    rounds: dict[str, list[dict]] = {name: [] for name in servers}
    cpu: dict[str, list[dict]] = {name: [] for name in servers}
    for round_ in range(2):
        for name, (url, path, document, headers) in servers.items():
            with CpuMeter({"server": processes.get(name, []), "neo4j": processes.get("neo4j", []),
                           "client": [os.getpid()]}) as meter:
                rounds[name].append(asyncio.run(_throughput(url, path, document, headers, keys, clients=clients,
                                                            requests=requests, seed=round_)))
            cpu[name].append(meter.per_unit_ms(requests))
    result = {}
    for name, measured in rounds.items():
        latencies = [ms for r in measured for ms in r["latencies"]]
        result[name] = {"rps": round(sum(r["rps"] for r in measured) / len(measured)),
                        "rps_rounds": [r["rps"] for r in measured], **summary(latencies),
                        "cpu_ms_per_request": _mean_of(cpu[name])}
    return result


def _mean_of(figures: list[dict[str, float | None]]) -> dict[str, float | None]:
    """Each key's mean over the rounds (None where a round could not read it)."""
    return {key: None if any(f[key] is None for f in figures) else round(sum(f[key] for f in figures) / len(figures), 3)
            for key in figures[0]}


# --- where a lookup's time goes: statements, CPU and latency per request, in one process ---------------


def profile_in_process(settings, keys: list[dict], *, requests: int, profile_to: str | None = None) -> dict:
    """Per request of each lookup document, with the one-statement lookup and with the per-field loaders
    alone (`repository.FOLLOWS` emptied), interleaved request by request in this one process and thread
    (the app's lifespan run and its ASGI callable driven by httpx, no socket; the bootstrap token as the
    benchmark sends it): statements sent, CPU ms (`process_time`: the app, Strawberry, the driver, JSON
    and the in-process client together) and wall ms, medians. With `profile_to`, a cProfile of the
    one-statement lookups (the whole request, server side included)."""
    import cProfile
    import statistics

    from app.catalog import repository
    from app.http.app import create_app

    follows = repository.FOLLOWS
    ways = {"loaders": {}, "one statement": follows}
    documents = {"two levels": TWO_LEVELS_GQL, "lookup": LOOKUP_GQL}
    samples = {(doc, way): {"statements": [], "cpu_ms": [], "wall_ms": []} for doc in documents for way in ways}
    profiler = cProfile.Profile() if profile_to else None
    rng = random.Random(11)
    app = create_app(settings)
    headers = {"authorization": f"Bearer {settings.bootstrap_token.get_secret_value()}"}

    async def measure() -> None:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=headers) as http:
            db = app.state.db
            for i in range(requests + 20):  # the first 20 warm up
                variables = rng.choice(keys)
                for doc, text in documents.items():
                    for way, table in ways.items():
                        repository.FOLLOWS = table
                        profiling = profiler is not None and way == "one statement" and i >= 20
                        before, cpu, wall = db.statements_run, time.process_time(), time.perf_counter()
                        if profiling:
                            profiler.enable()
                        response = await http.post("/graphql", json={"query": text, "variables": variables})
                        if profiling:
                            profiler.disable()
                        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                        body = response.json()
                        if response.status_code != 200 or body.get("errors"):
                            raise RuntimeError(f"lookup failed: {response.status_code} {body}")
                        if i >= 20:
                            sample = samples[(doc, way)]
                            sample["statements"].append(db.statements_run - before)
                            sample["cpu_ms"].append(cpu * 1000)
                            sample["wall_ms"].append(wall * 1000)

    try:
        asyncio.run(measure())
    finally:
        repository.FOLLOWS = follows
    if profiler is not None:
        profiler.dump_stats(profile_to)
    return {f"{doc}, {way}": {name: round(statistics.median(values), 2) for name, values in sample.items()}
            for (doc, way), sample in samples.items()}


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.lookup`: a generated registry in a Neo4j of its own, then `profile_in_process`."""
    import argparse
    import json
    from contextlib import ExitStack

    from neo4j import GraphDatabase

    from app.core.config import Settings
    from app.core.cypher import load_queries
    from bench import run
    from bench.generate import generate
    from bench.load import BENCH_CYPHER_DIR, load

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="nodes of the generated registry")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per document and way")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--tmp", default=None)
    parser.add_argument("--profile", default=None, help="write a cProfile of the one-statement lookups here")
    parser.add_argument("--reuse", action="store_true",
                        help="with NEO4J_URI: keep the registry already there (loaded by an earlier run)")
    args = parser.parse_args(argv)
    queries, statements = load_queries(Settings().cypher_dir), load_queries(BENCH_CYPHER_DIR)
    with ExitStack() as stack:
        uri, _ = run.start_neo4j(stack, args)
        os.environ["LINEAGEGRAPH_BOOTSTRAP_TOKEN"] = run.bench_token()
        settings = run.settings_for(uri)
        run.prepare(settings, queries)
        driver = GraphDatabase.driver(uri, auth=(settings.neo4j_user, settings.neo4j_password))
        stack.callback(driver.close)
        records, _, _ = driver.execute_query(statements["sample_model_versions"].text, {"limit": 1000},
                                             database_=settings.neo4j_database)
        if not (args.reuse and records):
            run.wipe(driver, settings.neo4j_database, statements)
            load(driver, settings.neo4j_database, statements, generate(args.size), echo=run.echo)
            records, _, _ = driver.execute_query(statements["sample_model_versions"].text, {"limit": 1000},
                                                 database_=settings.neo4j_database)
        result = profile_in_process(settings, [dict(r) for r in records], requests=args.requests,
                                    profile_to=args.profile)
    print(json.dumps({"load_average": os.getloadavg(), **result}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
