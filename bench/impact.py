"""The impact statement, step by step: `python -m bench.impact hold|profile`.

- `hold --size N` starts one Neo4j (bench.run's own start-up: fresh home, migrations), generates and
  loads the benchmark's registry of N nodes, writes where it is (`--state`, JSON: bolt URI and the hot
  start) and keeps it up until interrupted — generation and load at 10^6 take minutes, so a graph is
  built once and profiled many times.
- `profile --state FILE` PROFILEs the impact statements against that graph: the old one (a copy kept
  in tests/lineage/fixtures/, the reference the property tests compare with) and each variant the
  service now chooses from, interleaved, and prints per variant the median Neo4j server time
  (result_available_after + result_consumed_after from the summary), the db hits of the whole plan and
  of its heaviest operators, and the rows returned.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from neo4j import READ_ACCESS, GraphDatabase

from app.core import limits
from app.core.config import Settings
from app.core.cypher import QueryCatalog, load_queries, statement_of
from app.lineage import repository as lineage_repository
from bench.generate import generate
from bench.load import BENCH_CYPHER_DIR, load
from bench.run import echo, prepare, settings_for, start_neo4j

REPO = Path(__file__).resolve().parent.parent
OLD_IMPACT = REPO / "tests" / "cypher" / "lineage" / "test_impact_reference.cypher"
IMPACT_PAGE = 500


def hold(args) -> int:
    """Build one registry of `args.size` nodes and keep its Neo4j up until SIGINT/SIGTERM."""
    queries, statements = load_queries(Settings().cypher_dir), load_queries(BENCH_CYPHER_DIR)
    stop = {"now": False}

    def on_signal(*_):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with ExitStack() as stack:
        uri, _ = start_neo4j(stack, SimpleNamespace(tmp=args.tmp, heap=args.heap, pagecache=args.pagecache))
        settings = settings_for(uri)
        prepare(settings, queries)
        driver = GraphDatabase.driver(uri, auth=(settings.neo4j_user, settings.neo4j_password),
                                      notifications_min_severity="OFF")
        stack.callback(driver.close)
        t0 = time.perf_counter()
        registry = generate(args.size, seed=args.seed)
        hot, production = registry.choose_starts(max(10, round(args.size * 0.01)), args.seed)
        echo(f"generated {registry.node_count:,} nodes in {time.perf_counter() - t0:.1f} s")
        load(driver, settings.neo4j_database, statements, registry, batch=10_000, echo=echo)
        del registry
        state = {"uri": uri, "user": settings.neo4j_user, "password": settings.neo4j_password,
                 "database": settings.neo4j_database, "size": args.size, "hot_id": hot.node_id, "hot_key": hot.key,
                 "hot_expected": hot.expected_nodes, "production_id": production.node_id}
        args.state.write_text(json.dumps(state, indent=2) + "\n")
        echo(f"ready: {args.state} ({uri}); interrupt to stop")
        while not stop["now"]:
            time.sleep(0.5)
    return 0


def _plan_hits(plan) -> tuple[int, dict[str, int]]:
    """The db hits of a PROFILE plan, in all and per operator kind."""
    total, by_op = 0, {}
    stack = [plan]
    while stack:
        node = stack.pop()
        hits = node.get("dbHits", 0) if isinstance(node, dict) else 0
        op = node.get("operatorType", "?").split("@")[0]
        total += hits
        by_op[op] = by_op.get(op, 0) + hits
        stack.extend(node.get("children", []))
    return total, by_op


# What the service asks the statement for, by what the GraphQL request selects (app/lineage/queries.py):
# everything (the peer's share too), the benchmark's IMPACT_GQL (`path { edges }`, no owners), no paths.
SELECTIONS = {"all": {"owners": True, "paths": "NAMED"}, "edges": {"owners": False, "paths": "EDGES"},
              "none": {"owners": False, "paths": "NONE"}}


def variants(queries: QueryCatalog, candidates: list[Path] = ()) -> dict[str, tuple[str, dict]]:
    """The old full statement (its 10 parameters) and the new one for each selection, by name; and
    each candidate file (a shape being tried, same parameters as the new one) as `<stem>/<selection>`."""
    found = {"old": (OLD_IMPACT.read_text(), {})}
    texts = {"new": queries[statement_of(lineage_repository.impact)].text}
    texts.update((path.stem, path.read_text()) for path in candidates)
    for prefix, text in texts.items():
        for name, flags in SELECTIONS.items():
            found[f"{prefix}/{name}"] = (text, flags)
    return found


def impact_params(state: dict, *, as_of: datetime | None = None, offset: int = 0, limit: int = IMPACT_PAGE) -> dict:
    """What app.lineage.service.impact passes for the benchmark's request (GraphQL defaults)."""
    return {"start_id": state["hot_id"], "window_from": None, "window_to": None,
            "as_of": as_of or datetime.now(UTC), "max_depth": limits.MAX_LINEAGE_DEPTH,
            "budget": limits.DEFAULT_NODE_BUDGET, "kinds": None, "environment": None, "offset": offset, "limit": limit}


def _same_answer(got: dict, new: dict | None) -> str:
    """Whether a variant answers as the service's statement for the same selection: every column and
    every item the same, except that a path may be another one as long (several shortest ones)."""
    if new is None:
        return "—"

    def page(answer: dict) -> list:
        return [(i["kind"], i["node"], i["depth"], len(i["path_edges"]), len(i["path_nodes"])) for i in answer["items"]]

    columns = [c for c in new if c not in ("items", "owners") and got.get(c) != new[c]]
    if sorted(got.get("owners") or []) != sorted(new.get("owners") or []):
        columns.append("owners")
    if page(got) != page(new):
        columns.append("items")
    if columns:
        return "differs: " + ", ".join(columns)
    same_paths = sum(g["path_edges"] == n["path_edges"] for g, n in zip(got["items"], new["items"]))
    return f"yes ({same_paths} of {len(new['items'])} paths identical)"


def profile(args) -> int:
    state = json.loads(args.state.read_text())
    queries = load_queries(Settings().cypher_dir)
    texts = variants(queries, [Path(c) for c in args.candidate])
    if args.only:
        texts = {k: v for k, v in texts.items() if k in args.only.split(",")}
    driver = GraphDatabase.driver(state["uri"], auth=(state["user"], state["password"]),
                                  notifications_min_severity="OFF")
    as_of = datetime.fromisoformat(args.as_of) if args.as_of else None
    server: dict[str, list[float]] = {name: [] for name in texts}
    hits: dict[str, tuple[int, dict[str, int]]] = {}
    rows: dict[str, int] = {}
    answers: dict[str, dict] = {}

    def run(name: str, prefix: str = "") -> tuple[float, object]:
        text, flags = texts[name]

        def work(tx):
            result = tx.run(prefix + text, {**impact_params(state, as_of=as_of, limit=args.limit), **flags})
            records = list(result)
            return records, result.consume()

        with driver.session(database=state["database"], default_access_mode=READ_ACCESS) as session:
            records, summary = session.execute_read(work)
        rows[name] = len(records[0]["items"]) if records else 0
        answers[name] = dict(records[0]) if records else {}
        return summary.result_available_after + summary.result_consumed_after, summary

    try:
        for name in texts:  # warm-up and one PROFILE each
            for _ in range(args.warmup):
                run(name)
            _, summary = run(name, "PROFILE ")
            hits[name] = _plan_hits(summary.profile)
        for _ in range(args.repeat):  # interleaved
            for name in texts:
                ms, _ = run(name)
                server[name].append(ms)
    finally:
        driver.close()
    load_avg = Path("/proc/loadavg").read_text().split()[:3]
    print(f"impact at {state['size']:,} nodes, page {args.limit}, {args.repeat} interleaved runs, load {' '.join(load_avg)}")
    print("| statement | server p50 ms | min ms | db hits | heaviest operators (db hits) | items | as new |")
    print("|---|---:|---:|---:|---|---:|---|")
    for name in texts:
        total, by_op = hits[name]
        top = ", ".join(f"{op} {n:,}" for op, n in sorted(by_op.items(), key=lambda kv: -kv[1])[:4] if n)
        same = _same_answer(answers[name], answers.get("new/" + name.partition("/")[2])) if "/" in name else "—"
        print(f"| {name} | {statistics.median(server[name]):.1f} | {min(server[name]):.1f} | {total:,} | {top} | "
              f"{rows[name]} | {same} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.impact", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    h = sub.add_parser("hold", help="build one registry and keep its Neo4j up")
    h.add_argument("--size", type=int, default=1_000_000)
    h.add_argument("--seed", type=int, default=42)
    h.add_argument("--heap", default="3g")
    h.add_argument("--pagecache", default="2g")
    h.add_argument("--tmp", default="/tmp")
    h.add_argument("--state", type=Path, required=True)
    p = sub.add_parser("profile", help="PROFILE the old and new impact statements, interleaved")
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--only", default="", help="comma-separated variant names: old,new/all,new/edges,new/none")
    p.add_argument("--candidate", action="append", default=[], metavar="FILE",
                   help="also profile this statement file (variants FILE-stem/all, /edges, /none); repeatable")
    p.add_argument("--limit", type=int, default=IMPACT_PAGE, help="page size (default 500; < 64: a path search per item)")
    p.add_argument("--as-of", default="", help="ISO time to ask at (default now)")
    args = parser.parse_args(argv)
    return hold(args) if args.command == "hold" else profile(args)


if __name__ == "__main__":
    sys.exit(main())
