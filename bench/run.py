"""The impact / provenance benchmark: `python -m bench.run` (or `./dev bench`).

For each size (default 10^5 and 10^6 nodes) it

1. starts its own Neo4j (`LocalNeo4j`, a fresh home under /tmp, a free port; heap and page
   cache 4g each) unless NEO4J_URI is set, and applies the app's migrations (constraints and
   indexes in place before the load, so the load rate includes maintaining them);
2. generates a synthetic registry with the shape of an organisation (`bench/generate.py`)
   and bulk-loads it through the documented path, `lineagegraph import registry` (app/bulk; `--loader
   bench`: the benchmark's own statements, `bench/cypher/*.cypher`), timing nodes and edges;
3. starts the service (`lineagegraph serve` in a subprocess, GraphiQL off, logs at WARNING)
   against that Neo4j and waits for /readyz;
4. after a warm-up, measures for impact (a raw snapshot reaching ~1 % of the graph: ~10,000
   nodes at 10^6; first page of 500 with paths, plus counts) and for provenance (a production
   deployment at the 90th percentile of upstream size): the raw Cypher through the driver
   (the same file text and parameters the service uses, all records consumed) and the GraphQL
   request over HTTP, alternating, `--repeat` times each;
5. times the lookups by key (bench/lookup.py), then OpenLineage ingestion from 16 clients into the same
   registry (bench/ingest.py), then restarts the Neo4j it started and times the first lineage write
   after it (bench/restart.py);
6. stops the service and the Neo4j it started, and prints every goal of issue #16 beside its figure.

It prints a Markdown table and writes every figure as JSON (default `bench/results/`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx
from neo4j import READ_ACCESS, GraphDatabase
from pydantic import SecretStr

from app.core import limits
from app.core.config import Settings
from app.core.db import Database
from app.cli.localneo4j import LocalNeo4j, free_port
from app.core.cypher import QueryCatalog, load_queries, statement_of
from app.http.app import prepare_graph
from app.lineage import repository as lineage_repository
from bench import lookup, peer
from bench.processes import CpuMeter, child_pid, graphql_call, rss_mb, serving_processes, stop_with, wait_ready
from bench.generate import generate
from bench.load import BENCH_CYPHER_DIR, import_load, load

REPO = Path(__file__).resolve().parent.parent

IMPACT_GQL = """query Impact($of: ImpactStartInput!, $first: Int!) {
  impact(of: $of, first: $first) {
    complete cutReasons startCount totalCount
    counts { kind count }
    items { kind depth node { __typename } path { edges } }
  }
}"""

PROVENANCE_GQL = """query Provenance($of: ProvenanceStartInput!) {
  provenance(of: $of) {
    complete licenses
    rawSources { name }
    nodes { __typename }
  }
}"""

IMPACT_PAGE = 500

# Issue #16's goals on the 10^6 registry, each read from the figures of one run (`goal_rows`).
# (label, target text, path to the figure in a size's result, "max" or "min", the bound, unit, the
# LIMITS entry whose figures say what limits it)
GOALS = (
    ("impact GraphQL p50", "≤ 80 ms", ("impact", "graphql", "p50_ms"), "max", 80, " ms", "impact"),
    ("impact GraphQL p99", "≤ 200 ms", ("impact", "graphql", "p99_ms"), "max", 200, " ms", "impact"),
    ("impact / peer (p50)", "≤ 0.6", ("impact", "peer_ratio_p50"), "max", 0.6, "", "impact"),
    ("provenance GraphQL p50", "≤ 12 ms", ("provenance", "graphql", "p50_ms"), "max", 12, " ms", "provenance"),
    ("provenance / peer (p50)", "≤ 1.0", ("provenance", "peer_ratio_p50"), "max", 1.0, "", "provenance"),
    ("two-level lookup: statements per request", "1", ("lookup", "statements", "lookup"), "max", 1, "", None),
    ("two-level lookup / peer (p50)", "≤ 1.0", ("lookup", "two_levels_ratio_p50"), "max", 1.0, "", None),
    ("lookup by key, concurrency 16: RPS / peer", "≥ 1.5", ("lookup", "throughput_ratio"), "min", 1.5, "", "lookup"),
    ("lookup by key, concurrency 16: p99", "≤ 25 ms", ("lookup", "throughput", "graphql", "p99_ms"), "max", 25, " ms", "lookup"),
    ("OpenLineage ingest, 16 clients", "≥ 1,000 events/s", ("ingest", "events_per_s"), "min", 1000, " events/s", "ingest"),
    ("first lineage write after a Neo4j restart", "< 1 s", ("restart", "ack_from_online_s"), "max", 1.0, " s", "restart"),
    ("bulk load (`lineagegraph import registry`), whole load", "≥ 20,000 nodes/s", ("load", "nodes_per_s_whole_load"), "min",
     20_000, " nodes/s", "load"),
    ("service RSS under the impact load, per process", "< 300 MB", ("impact", "service_rss_mb", "max_per_process"),
     "max", 300, " MB", None),
)


def echo(line: str = "") -> None:
    print(line, file=sys.stderr, flush=True)


# --- statistics --------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between the closest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples: list[float]) -> dict:
    return {"p50_ms": round(percentile(samples, 50), 1), "p99_ms": round(percentile(samples, 99), 1),
            "mean_ms": round(statistics.fmean(samples), 1), "min_ms": round(min(samples), 1),
            "max_ms": round(max(samples), 1), "n": len(samples)}


# --- Neo4j and the service ----------------------------------------------------------------------


def start_neo4j(stack: ExitStack, args) -> tuple[str, LocalNeo4j | None]:
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"], None
    base = Settings()
    home = Path(tempfile.mkdtemp(prefix="lineagegraph-bench-", dir=args.tmp))
    server = LocalNeo4j(version=base.neo4j_version, cache_dir=base.cache_dir, home=home, bolt_port=free_port(),
                        heap=args.heap, pagecache=args.pagecache)
    stack.callback(shutil.rmtree, home, ignore_errors=True)
    server.start(echo=echo)
    stack.callback(server.stop)
    return server.uri, server


def settings_for(uri: str) -> Settings:
    return Settings(NEO4J_URI=uri, NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"),
                    NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", "neo4j"), LINEAGEGRAPH_LOG_LEVEL="WARNING")


def prepare(settings: Settings, queries: QueryCatalog) -> None:
    """The app's own start-up: migrations (constraints, indexes) and the EXPLAIN of every file."""

    async def run() -> None:
        db = Database.connect(settings, queries)
        try:
            await prepare_graph(db)
        finally:
            await db.close()

    asyncio.run(run())


def bench_token() -> str:
    """The bootstrap admin token of the service this benchmark starts: every request carries it, so the
    benchmark works whether or not the service allows anonymous reads (it does not by default)."""
    return os.environ.setdefault("LINEAGEGRAPH_BOOTSTRAP_TOKEN", "lg_bench-" + secrets.token_hex(16))


def start_service(stack: ExitStack, settings: Settings, workdir: Path, workers: int = 1) -> str:
    port = free_port()
    bench_token()  # in the environment the service inherits
    env = {**os.environ, "LINEAGEGRAPH_WORKERS": str(workers), "NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "LINEAGEGRAPH_HOST": "127.0.0.1",
           "LINEAGEGRAPH_PORT": str(port), "LINEAGEGRAPH_GRAPHIQL": "false", "LINEAGEGRAPH_LOG_LEVEL": "WARNING"}
    log_path = workdir / "service.log"
    log = log_path.open("wb")
    stack.callback(log.close)
    proc = subprocess.Popen([sys.executable, "-c", "from app.cli.main import main; main()", "serve"], cwd=REPO,
                            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    stop_with(stack, proc)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(url + "/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_ready(proc, log_path, ready, "the service", timeout=180)
    return url


def wipe(driver, database: str, statements: QueryCatalog) -> None:
    query = statements["delete_batch"]
    while True:
        records, _, _ = driver.execute_query(query.text, {"batch": 20_000}, database_=database)
        if records[0]["deleted"] == 0:
            return


def neo4j_memory(driver, database: str, statements: QueryCatalog) -> dict:
    """The heap and page cache the Neo4j under test really runs with (asked for is not always got)."""
    records, _, _ = driver.execute_query(statements["neo4j_memory"].text, database_=database)
    row = records[0]
    return {"heap": f"{row['heap_bytes'] / 2**30:.1f} GiB", "pagecache": row["pagecache"]}


def graph_counts(driver, database: str, statements: QueryCatalog) -> dict:
    records, _, _ = driver.execute_query(statements["count_graph"].text, database_=database)
    return dict(records[0])


# --- one size ---------------------------------------------------------------------------------------


def run_size(target: int, args, queries: QueryCatalog, statements: QueryCatalog) -> dict:
    """One size; `queries` are the service's statements, `statements` the benchmark's own."""
    echo(f"\n=== {target:,} nodes ===")
    result: dict = {"target_nodes": target}
    with ExitStack() as stack:
        uri, server = start_neo4j(stack, args)
        settings = settings_for(uri)
        prepare(settings, queries)
        driver = GraphDatabase.driver(uri, auth=(settings.neo4j_user, settings.neo4j_password),
                                      notifications_min_severity="OFF")
        stack.callback(driver.close)
        database = settings.neo4j_database
        result["neo4j_memory"] = neo4j_memory(driver, database, statements)
        echo(f"Neo4j runs with heap {result['neo4j_memory']['heap']}, page cache {result['neo4j_memory']['pagecache']}")
        before = graph_counts(driver, database, statements)
        if before["nodes"] > 5:  # bookkeeping only on a fresh graph
            if not args.wipe:
                raise SystemExit(f"{uri} already holds {before['nodes']} nodes; pass --wipe to delete them first.")
            echo("wiping the registry at NEO4J_URI …")
            wipe(driver, database, statements)
            before = graph_counts(driver, database, statements)

        echo("generating …")
        t0 = time.perf_counter()
        registry = generate(target, seed=args.seed)
        generated_s = time.perf_counter() - t0
        hot, production = registry.choose_starts(max(10, round(target * args.hot_fraction)), args.seed)
        chosen_s = time.perf_counter() - t0 - generated_s
        echo(f"generated {registry.node_count:,} nodes, {registry.edge_count:,} edges in {generated_s:.1f} s "
             f"(starts chosen in {chosen_s:.1f} s)")
        result["generated"] = {"nodes": registry.node_count, "edges": registry.edge_count,
                               "by_label": registry.counts_by_label(), "seconds": round(generated_s, 1),
                               "choose_starts_seconds": round(chosen_s, 1)}

        with CpuMeter({"neo4j": [server.pid()] if server is not None else [], "loader": [os.getpid()]}) as loading:
            if args.loader == "import":
                echo(f"loading through `lineagegraph import registry` (batches of {args.batch:,}, "
                     f"{args.import_writers} writers) …")
                export = Path(tempfile.mkdtemp(prefix="lineagegraph-bench-export-", dir=args.tmp))
                try:
                    stats = import_load(settings, registry, export, batch=args.batch, workers=args.import_writers,
                                        echo=echo)
                finally:
                    shutil.rmtree(export, ignore_errors=True)
                bookkeeping = stats["bookkeeping_nodes"]  # the import's audit event, change event, chain head
            else:
                echo(f"loading through the benchmark's own statements (batches of {args.batch:,}) …")
                stats = load(driver, database, statements, registry, batch=args.batch, echo=echo).as_dict()
                bookkeeping = 0
        after = graph_counts(driver, database, statements)
        loaded = {"nodes": after["nodes"] - before["nodes"],
                  "relationships": after["relationships"] - before["relationships"]}
        if not (registry.node_count <= loaded["nodes"] <= registry.node_count + bookkeeping) \
                or loaded["relationships"] != registry.edge_count:
            raise RuntimeError(f"the graph holds {loaded}, the generator made {registry.node_count} nodes and "
                               f"{registry.edge_count} edges")
        result["load"] = stats
        # µs of CPU per node or edge written, over the whole load: what the rate costs on these cores.
        stats["cpu_us_per_element"] = {name: None if ms is None else round(ms * 1000, 1) for name, ms in
                                       loading.per_unit_ms(loaded["nodes"] + loaded["relationships"]).items()}
        echo(f"loaded in {stats['total_s']:.1f} s: {stats['nodes_per_s_node_phase']:,} nodes/s (node phase), "
             f"{stats['nodes_per_s_whole_load']:,} nodes/s over the whole load")
        hot_key, prod_key = hot.key, production.key
        del registry  # the service and Neo4j need the memory more than we do

        if server is not None:
            workdir = server.home
        else:
            workdir = Path(tempfile.mkdtemp(prefix="lineagegraph-bench-", dir=args.tmp))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        url = start_service(stack, settings, workdir, workers=args.workers)
        service_pid = child_pid("app.cli.main")
        client = httpx.Client(base_url=url, timeout=120, headers={"authorization": f"Bearer {bench_token()}"})
        stack.callback(client.close)

        impact_vars = {"of": {"datasetVersion": hot_key}, "first": IMPACT_PAGE}
        prov_vars = {"of": {"deployment": {"environment": prod_key["environment"].upper(), "name": prod_key["name"]}}}
        impact_query = queries[statement_of(lineage_repository.impact)]
        prov_query = queries[statement_of(lineage_repository.provenance)]

        def impact_params() -> dict:
            # What app.lineage.service.impact passes for this request (defaults of the GraphQL field).
            return {"start_id": hot.node_id, "window_from": None, "window_to": None, "as_of": datetime.now(UTC),
                    "max_depth": limits.MAX_LINEAGE_DEPTH, "budget": limits.DEFAULT_NODE_BUDGET, "kinds": None,
                    "environment": None, "offset": 0, "limit": IMPACT_PAGE,
                    # What the service computes for IMPACT_GQL's selection: edge types of the paths, no owners.
                    "owners": False, "paths": "EDGES"}

        def provenance_params() -> dict:
            return {"start_id": production.node_id, "as_of": datetime.now(UTC), "budget": limits.DEFAULT_NODE_BUDGET}

        server_ms: list[float] = []  # Neo4j's own time for the last raw call(s), from the result summary

        def raw(query, params_of):
            def call():
                params = params_of()
                query.check_params(params)

                def work(tx):
                    result = tx.run(query.text, params)
                    records = list(result)  # every record, hydrated
                    summary = result.consume()
                    server_ms.append(summary.result_available_after + summary.result_consumed_after)
                    return records

                with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
                    return session.execute_read(work)

            return call

        def gql(document, variables):
            return graphql_call(client, "/graphql", document, lambda: variables)

        peer_call, peer_url, peer_http = {}, None, None
        if args.peer:
            peer_url = peer.start(stack, settings, workdir, echo)
            peer_http = peer.client(peer_url)
            stack.callback(peer_http.close)

            def peer_gql(document, params_of):
                # The statement's own parameters, datetimes as ISO text (the peer reads them with datetime()).
                return graphql_call(peer_http, "", document, lambda: {
                    k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in params_of().items()
                    if v is not None}, who="peer GraphQL")

            peer_call = {"impact": peer_gql(peer.IMPACT_GQL, impact_params),
                         "provenance": peer_gql(peer.PROVENANCE_GQL, provenance_params)}

        for question, raw_call, gql_call in (
            ("impact", raw(impact_query, impact_params), gql(IMPACT_GQL, impact_vars)),
            ("provenance", raw(prov_query, provenance_params), gql(PROVENANCE_GQL, prov_vars)),
        ):
            paths = "raw, GraphQL and the peer" if question in peer_call else "raw and GraphQL"
            echo(f"{question}: {args.warmup} warm-up + {args.repeat} measured requests each, {paths} interleaved …")
            peer_of = peer_call.get(question)
            for _ in range(args.warmup):
                raw_call()
                gql_call()
                if peer_of:
                    peer_of()
            raw_ms, gql_ms, peer_ms = [], [], []
            rss: dict[int, float] = {}  # the most each service process held while answering impact
            server_ms.clear()
            for _ in range(args.repeat):
                t = time.perf_counter()
                records = raw_call()
                raw_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                data = gql_call()
                gql_ms.append((time.perf_counter() - t) * 1000)
                if question == "impact" and service_pid is not None:
                    for pid in serving_processes(service_pid):
                        rss[pid] = max(rss.get(pid) or 0, rss_mb(pid) or 0)
                if peer_of:
                    t = time.perf_counter()
                    peer_data = peer_of()
                    peer_ms.append((time.perf_counter() - t) * 1000)
            entry = {"raw_cypher": summary(raw_ms), "graphql": summary(gql_ms), "neo4j_server": summary(server_ms)}
            entry["ratio_p50"] = round(entry["graphql"]["p50_ms"] / entry["raw_cypher"]["p50_ms"], 2)
            entry["ratio_p99"] = round(entry["graphql"]["p99_ms"] / entry["raw_cypher"]["p99_ms"], 2)
            if peer_of:
                entry["peer"] = summary(peer_ms)
                entry["peer_ratio_p50"] = round(entry["graphql"]["p50_ms"] / entry["peer"]["p50_ms"], 2)
                entry["peer_ratio_p99"] = round(entry["graphql"]["p99_ms"] / entry["peer"]["p99_ms"], 2)
                check_peer(question, peer_data[question], records[0])
            if question == "impact":
                entry["service_rss_mb"] = {"max_per_process": max(rss.values(), default=None),
                                           "processes": len(rss)}
                answer, row = data["impact"], records[0]
                reached = sum(c["count"] for c in answer["counts"])
                raw_reached = sum(c["count"] for c in row["counts"])
                if reached != raw_reached or len(answer["items"]) != min(IMPACT_PAGE, reached):
                    raise RuntimeError(f"GraphQL and raw answers differ: {reached} vs {raw_reached}")
                entry["start"] = {"datasetVersion": hot_key}
                entry["reached_nodes"] = reached
                entry["generator_predicted"] = hot.expected_nodes
                entry["counts"] = {c["kind"]: c["count"] for c in answer["counts"]}
                entry["complete"] = answer["complete"]
                entry["cut_reasons"] = answer["cutReasons"]
                entry["items_returned"] = len(answer["items"])
                entry["max_depth"] = max((i["depth"] for i in answer["items"]), default=0)
                entry["candidates"] = hot.detail
            else:
                answer = data["provenance"]
                entry["start"] = {"deployment": prod_key}
                entry["nodes"] = len(answer["nodes"])
                entry["raw_nodes"] = len(records[0]["nodes"])
                entry["edges"] = len(records[0]["edges"])
                entry["upstream_predicted"] = production.expected_nodes
                entry["raw_sources"] = len(answer["rawSources"])
                entry["licenses"] = answer["licenses"]
                entry["complete"] = answer["complete"]
                entry["choice"] = production.detail
            result[question] = entry
            echo(f"  raw p50 {entry['raw_cypher']['p50_ms']} ms p99 {entry['raw_cypher']['p99_ms']} ms | "
                 f"GraphQL p50 {entry['graphql']['p50_ms']} ms p99 {entry['graphql']['p99_ms']} ms | "
                 f"ratio {entry['ratio_p50']}" + (f" | peer p50 {entry['peer']['p50_ms']} ms p99 "
                                                  f"{entry['peer']['p99_ms']} ms" if peer_of else ""))
        # Whose CPU the throughput runs count: each server's own processes, and Neo4j.
        processes = {"graphql": serving_processes(service_pid) if service_pid else [],
                     "peer": [child_pid("server.mjs")] if peer_url else [],
                     "neo4j": [server.pid()] if server is not None else []}
        result["lookup"] = run_lookups(args, settings, driver, database, statements, client, url, peer_http, peer_url,
                                       processes)
        if args.ingest_events:
            result["ingest"] = run_ingest(url, args.ingest_events, processes)
        if server is not None and args.restart:
            # Last: a restart empties Neo4j's caches and plans, which every figure above relies on.
            from bench.restart import first_write_after_restart

            echo("restarting Neo4j, then one OpenLineage event as soon as the database answers …")
            result["restart"] = first_write_after_restart(server, url, seed=secrets.token_hex(4), timeout=300)
            echo(f"  acknowledged {result['restart']['ack_from_online_s']} s after the database answered "
                 f"({result['restart']['ack_from_restart_s']} s after the restart command)")
    return result


def run_ingest(url: str, count: int, processes: dict[str, list[int]]) -> dict:
    """OpenLineage events from 16 senders into the service on the benchmark's registry (bench/ingest.py's
    stream and senders), after 1,200 unmeasured ones; with the CPU an event costs the service, Neo4j
    and the senders."""
    from bench.ingest import events, send

    seed = secrets.token_hex(4)
    echo(f"OpenLineage ingest: 16 clients, 1,200 warm-up + {count:,} measured events …")
    asyncio.run(send(url, events(1_200, f"bench-warm-up-{seed}"), 16))
    with CpuMeter({"service": processes["graphql"], "neo4j": processes["neo4j"], "client": [os.getpid()]}) as meter:
        measured = asyncio.run(send(url, events(count, f"bench-{seed}"), 16))
    measured["cpu_ms_per_event"] = meter.per_unit_ms(count)
    echo(f"  {measured['events_per_s']:,} events/s acknowledged, p50 {measured['ack_latency']['p50_ms']} ms; "
         f"CPU per event: {_cpu_text(measured['cpu_ms_per_event'])}")
    return measured


def _cpu_text(cpu: dict[str, float | None]) -> str:
    """`service 1.9 + neo4j 1.1 + client 0.1 = 3.1 ms` (the parts that could be read)."""
    parts = {name: ms for name, ms in cpu.items() if ms is not None}
    return " + ".join(f"{name} {ms:.2f}" for name, ms in parts.items()) + f" = {sum(parts.values()):.2f} ms"


def run_lookups(args, settings: Settings, driver, database: str, statements: QueryCatalog, client: httpx.Client,
                url: str, peer_http: httpx.Client | None, peer_url: str | None, processes: dict[str, list[int]]) -> dict:
    """The lookups by key (bench/lookup.py) on the service, and the peer where it runs."""
    records, _, _ = driver.execute_query(statements["sample_model_versions"].text, {"limit": 1000},
                                         database_=database)
    keys = [dict(r) for r in records]
    echo(f"two-level lookup: {args.warmup} warm-up + {args.repeat} measured requests"
         f"{', the service and the peer interleaved' if peer_http else ''} …")
    levels = lookup.two_levels(client, peer_http, keys, warmup=args.warmup, repeat=args.repeat, summary=summary)
    echo("  " + " | ".join(f"{name} p50 {s['p50_ms']} ms p99 {s['p99_ms']} ms" for name, s in levels.items()))
    echo(f"lookup by key: {args.concurrency} clients, {args.lookups:,} requests per round, two rounds per server …")
    rates = lookup.throughput(url, {"Authorization": client.headers["authorization"]}, peer_url, keys,
                              clients=args.concurrency, requests=args.lookups, summary=summary, processes=processes)
    echo("  " + " | ".join(f"{name} {s['rps']:,} RPS (rounds {s['rps_rounds']}) p99 {s['p99_ms']} ms"
                           for name, s in rates.items()))
    echo("  CPU per request: " + " | ".join(f"{name} {_cpu_text(s['cpu_ms_per_request'])}" for name, s in rates.items()))
    result = {"two_levels": levels, "throughput": rates, "concurrency": args.concurrency,
              "statements": statements_per_request(settings, lookup.TWO_LEVELS_GQL, keys[0])}
    echo(f"  statements per two-level lookup: {result['statements']}")
    if "peer" in levels:
        result["two_levels_ratio_p50"] = round(levels["graphql"]["p50_ms"] / levels["peer"]["p50_ms"], 2)
    if "peer" in rates:
        result["throughput_ratio"] = round(rates["graphql"]["rps"] / rates["peer"]["rps"], 2)
    return result


def statements_per_request(settings: Settings, document: str, variables: dict) -> dict:
    """How many Cypher statements the service runs for one request: the app in this process (the same
    code `serve` runs), its Database counting what it sends to Neo4j. `lookup` is the request's own,
    `authentication` what every request costs before it (measured on `{ __typename }`)."""
    from starlette.testclient import TestClient

    from app.http.app import create_app

    def counted(client: TestClient, body: dict) -> int:
        db = client.app.state.db
        before = db.statements_run
        response = client.post("/graphql", json=body)
        response.raise_for_status()
        if response.json().get("errors"):
            raise RuntimeError(f"GraphQL errors: {response.json()['errors']}")
        return db.statements_run - before

    # The benchmark's admin token, as the service it started was given it.
    settings = settings.model_copy(update={"bootstrap_token": SecretStr(bench_token())})
    with TestClient(create_app(settings, configure_logs=False),
                    headers={"authorization": f"Bearer {bench_token()}"}) as client:
        question = {"query": document, "variables": variables}
        counted(client, question)  # the first request of a process also loads what later ones reuse
        authentication = counted(client, {"query": "{ __typename }"})
        return {"authentication": authentication, "lookup": counted(client, question) - authentication}


def check_peer(question: str, answer: dict, row) -> None:
    """The peer ran the same statement: its answer must be the raw one, or the figures compare nothing."""
    if question == "impact":
        same = (answer["listed_count"] == row["listed_count"] and len(answer["items"]) == len(row["items"])
                and [i["node"]["id"] for i in answer["items"]] == [i["node"]["id"] for i in row["items"]])
    else:
        same = sorted(n["node"]["id"] for n in answer["nodes"]) == sorted(n["node"]["id"] for n in row["nodes"])
    if not same:
        raise RuntimeError(f"the peer's {question} answer differs from the raw statement's")


# --- report ------------------------------------------------------------------------------------------


def _size_label(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n == 10 ** exponent else f"{n:,}"


def table(results: list[dict]) -> str:
    head = "| | " + " | ".join(f"{_size_label(r['target_nodes'])} nodes" for r in results) + " | target (10^6) |"
    rule = "|---|" + "---:|" * len(results) + "---|"

    def row(label, fn, target=""):
        return f"| {label} | " + " | ".join(fn(r) for r in results) + f" | {target} |"

    lines = [
        head, rule,
        row("graph: nodes / relationships", lambda r: f"{r['generated']['nodes']:,} / {r['generated']['edges']:,}"),
        row("load: nodes/s (node phase)", lambda r: f"{r['load']['nodes_per_s_node_phase']:,}", "≥ 20,000"),
        row("load: edges/s (edge phase: lineage + stage history)", lambda r: f"{r['load']['edges_per_s_edge_phase']:,}"),
        row("load: nodes/s over the whole load", lambda r: f"{r['load']['nodes_per_s_whole_load']:,}", "≥ 20,000"),
        row("load: total", lambda r: f"{r['load']['total_s']:.0f} s"),
        row("impact: nodes reached (first page 500)", lambda r: f"{r['impact']['reached_nodes']:,}", "~10,000"),
        row("impact: raw Cypher p50 / p99", lambda r: f"{r['impact']['raw_cypher']['p50_ms']:.0f} / {r['impact']['raw_cypher']['p99_ms']:.0f} ms"),
        row("impact: raw, Neo4j server's part p50 / p99", lambda r: f"{r['impact']['neo4j_server']['p50_ms']:.0f} / {r['impact']['neo4j_server']['p99_ms']:.0f} ms"),
        row("impact: GraphQL p50 / p99", lambda r: f"{r['impact']['graphql']['p50_ms']:.0f} / {r['impact']['graphql']['p99_ms']:.0f} ms", "≤ 80 / ≤ 200 ms"),
        row("impact: GraphQL / raw (p50, p99)", lambda r: f"{r['impact']['ratio_p50']:.2f}, {r['impact']['ratio_p99']:.2f}"),
        *peer_rows(row, "impact", "≤ 0.6"),
        row("impact: the service's RSS, most of any process under the load",
            lambda r: f"{r['impact']['service_rss_mb']['max_per_process']:.0f} MB "
                      f"({r['impact']['service_rss_mb']['processes']} processes)", "< 300 MB"),
        row("provenance: nodes in the answer", lambda r: f"{r['provenance']['nodes']:,}"),
        row("provenance: raw Cypher p50 / p99", lambda r: f"{r['provenance']['raw_cypher']['p50_ms']:.1f} / {r['provenance']['raw_cypher']['p99_ms']:.1f} ms"),
        row("provenance: raw, Neo4j server's part p50 / p99", lambda r: f"{r['provenance']['neo4j_server']['p50_ms']:.1f} / {r['provenance']['neo4j_server']['p99_ms']:.1f} ms"),
        row("provenance: GraphQL p50 / p99", lambda r: f"{r['provenance']['graphql']['p50_ms']:.1f} / {r['provenance']['graphql']['p99_ms']:.1f} ms", "p50 ≤ 12 ms"),
        row("provenance: GraphQL / raw (p50, p99)", lambda r: f"{r['provenance']['ratio_p50']:.2f}, {r['provenance']['ratio_p99']:.2f}"),
        *peer_rows(row, "provenance", "≤ 1.0"),
        *lookup_rows(row),
    ]
    return "\n".join(lines)


def _figure(result: dict, path: tuple[str, ...]):
    value = result
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def goal_rows(result: dict) -> str:
    """Every goal of issue #16 beside what this run measured for it, whether it is met, and the
    figures of the same run that say what limits it."""
    lines = [f"| goal ({_size_label(result['target_nodes'])} nodes) | target | measured | met | what limits it (this run) |",
             "|---|---|---:|:---:|---|"]
    for label, target, path, bound, limit, unit, limited_by in GOALS:
        value = _figure(result, path)
        if value is None:
            measured, met = "not measured", "—"
        else:
            ok = value <= limit if bound == "max" else value >= limit
            if isinstance(value, float) and value >= 100:
                value = round(value)
            measured = f"{value:,}{unit}" if isinstance(value, int) else f"{value:g}{unit}"
            met = "yes" if ok else "**no**"
        try:
            limits = LIMITS[limited_by](result) if limited_by else ""
        except (KeyError, TypeError, ZeroDivisionError):
            limits = ""
        lines.append(f"| {label} | {target} | {measured} | {met} | {limits} |")
    return "\n".join(lines)


def _capacity(cpu: dict[str, float | None], unit: str) -> str:
    """The CPU a unit of work costs among the processes sharing the cores, and the rate that allows."""
    total = sum(ms for ms in cpu.values() if ms is not None)
    return f"CPU per {unit}: {_cpu_text(cpu)} → ≤ {os.cpu_count() * 1000 / total:,.0f}/s on {os.cpu_count()} cores"


def _time_split(entry: dict) -> str:
    raw, server, gql = entry["raw_cypher"]["p50_ms"], entry["neo4j_server"]["p50_ms"], entry["graphql"]["p50_ms"]
    return (f"p50: Neo4j's part {server:.1f} ms, the driver's receiving and decoding {raw - server:.1f} ms, "
            f"the service over raw Cypher {gql - raw:.1f} ms")


def _lookup_limits(result: dict) -> str:
    rates = result["lookup"]["throughput"]
    return "; ".join(f"{'lineagegraph' if name == 'graphql' else name} {_capacity(r['cpu_ms_per_request'], 'request')}"
                     for name, r in rates.items() if r.get("cpu_ms_per_request"))


# For each question, the figures of the same run that show where its time or CPU goes.
LIMITS = {
    "impact": lambda r: _time_split(r["impact"]),
    "provenance": lambda r: _time_split(r["provenance"]),
    "lookup": _lookup_limits,
    "ingest": lambda r: _capacity(r["ingest"]["cpu_ms_per_event"], "event"),
    "restart": lambda r: (f"Neo4j's CPU from the restart to the ack {r['restart']['neo4j_cpu_s_until_ack']} s "
                          f"(a fresh JVM plans every first statement); answered before it: "
                          f"{r['restart']['retried_after'] or 'none'}"),
    "load": lambda r: (f"CPU per node or edge: " + " + ".join(f"{name} {us} µs" for name, us in
                                                             r["load"]["cpu_us_per_element"].items() if us is not None)
                       + f"; node phase {r['load']['nodes_per_s_node_phase']:,} nodes/s"),
}


def lookup_rows(row) -> list[str]:
    """The lookups by key: the service's figures, and the peer's beside them where measured."""
    def levels(name):
        return lambda r: (f"{r['lookup']['two_levels'][name]['p50_ms']:.1f} / {r['lookup']['two_levels'][name]['p99_ms']:.1f} ms"
                          if name in r["lookup"]["two_levels"] else "—")

    def rate(name):
        return lambda r: (f"{r['lookup']['throughput'][name]['rps']:,} RPS, p99 {r['lookup']['throughput'][name]['p99_ms']:.0f} ms"
                          if name in r["lookup"]["throughput"] else "—")

    def ratio(part, key):
        def cell(r):
            measured = r["lookup"][part]
            return f"{measured['graphql'][key] / measured['peer'][key]:.2f}" if "peer" in measured else "—"
        return cell

    return [row("model version, two levels of neighbours: GraphQL p50 / p99", levels("graphql"), "p50 ≤ the peer's"),
            row("  the peer p50 / p99", levels("peer")),
            row("  lineagegraph / peer (p50)", ratio("two_levels", "p50_ms"), "≤ 1.0"),
            row("lookup by key at concurrency 16: GraphQL", rate("graphql"), "p99 ≤ 25 ms"),
            row("  the peer", rate("peer")),
            row("  lineagegraph / peer (RPS)", ratio("throughput", "rps"), "≥ 1.5")]


def peer_rows(row, question: str, target: str) -> list[str]:
    """The peer's figures for a question, where it was measured (`--peer`)."""
    def measured(fn):
        return lambda r: fn(r[question]) if "peer" in r[question] else "—"

    return [row(f"{question}: peer (Neo4j GraphQL Library) p50 / p99",
                measured(lambda e: f"{e['peer']['p50_ms']:.1f} / {e['peer']['p99_ms']:.1f} ms")),
            row(f"{question}: lineagegraph / peer (p50, p99)",
                measured(lambda e: f"{e['peer_ratio_p50']:.2f}, {e['peer_ratio_p99']:.2f}"), target)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated node counts (default 100000,1000000)")
    parser.add_argument("--repeat", type=int, default=100, help="measured requests per question and path (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per question and path (default 10)")
    parser.add_argument("--out", type=Path, default=None, help="JSON file (default bench/results/bench-<time>.json)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--hot-fraction", type=float, default=0.01,
                        help="impact start's downstream as a fraction of the graph (default 0.01)")
    parser.add_argument("--batch", type=int, default=10_000, help="rows (or edges) per load transaction")
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="4g")
    parser.add_argument("--tmp", default="/tmp", help="where the benchmark's Neo4j homes go")
    parser.add_argument("--peer", action="store_true",
                        help="also time the Neo4j GraphQL Library serving the same statements (npm installs it into a cache)")
    parser.add_argument("--workers", type=int, default=1, help="service processes (serve --workers; default 1)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients of the lookup-throughput mode (default 16)")
    parser.add_argument("--lookups", type=int, default=3000,
                        help="lookup requests per server and round in the throughput mode (default 3000)")
    parser.add_argument("--loader", choices=("import", "bench"), default="import",
                        help="load through the documented bulk path, `lineagegraph import registry` (default), "
                             "or the benchmark's own statements")
    parser.add_argument("--import-writers", type=int, default=2, help="concurrent writers of the import (default 2)")
    parser.add_argument("--ingest-events", type=int, default=6000,
                        help="OpenLineage events posted by 16 clients after the lookups (0: none; default 6,000)")
    parser.add_argument("--no-restart", dest="restart", action="store_false",
                        help="skip the last step: restart Neo4j and time the first lineage write after it")
    parser.add_argument("--wipe", action="store_true",
                        help="with NEO4J_URI: delete the registry there before loading each size (else a non-empty graph is refused)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    started = time.perf_counter()
    started_at = datetime.now(UTC)
    queries, statements = load_queries(Settings().cypher_dir), load_queries(BENCH_CYPHER_DIR)
    results = [run_size(size, args, queries, statements) for size in sizes]
    duration = time.perf_counter() - started

    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(duration, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "neo4j": os.environ.get("NEO4J_URI") or f"local {Settings().neo4j_version}",
                    "heap": args.heap, "pagecache": args.pagecache},
        "settings": {"repeat": args.repeat, "warmup": args.warmup, "seed": args.seed, "batch": args.batch,
                     "hot_fraction": args.hot_fraction, "impact_page": IMPACT_PAGE},
        "goals": [{"goal": g[0], "target": g[1], "figure": ".".join(g[2])} for g in GOALS],
        "results": results,
    }
    out = args.out or REPO / "bench" / "results" / f"bench-{started_at:%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")

    memory = results[0].get("neo4j_memory", {}) if results else {}
    print(f"\nlineagegraph benchmark, {os.cpu_count()} CPUs, Neo4j {report['machine']['neo4j']} "
          f"(heap {memory.get('heap', '?')}, page cache {memory.get('pagecache', '?')} as it runs; asked for "
          f"{args.heap} / {args.pagecache} when local), {args.repeat} requests per figure after "
          f"{args.warmup} warm-up, {duration / 60:.1f} min in all\n")
    print(table(results))
    for result in results:
        print()
        print(goal_rows(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
