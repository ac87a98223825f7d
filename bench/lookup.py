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
import random
import time

import httpx

from bench.processes import graphql_call

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
    plan = [rng.choice(keys) for _ in range(requests)]
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as http:
        async def client() -> None:
            while plan:
                variables = plan.pop()
                t = time.perf_counter()
                response = await http.post(path, json={"query": document, "variables": variables})
                response.raise_for_status()
                if response.json().get("errors"):
                    raise RuntimeError(f"lookup errors: {response.json()['errors']}")
                latencies.append((time.perf_counter() - t) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"rps": round(requests / elapsed), "latencies": latencies}


def throughput(service_url: str, service_headers: dict, peer_url: str | None, keys: list[dict], *, clients: int,
               requests: int, summary) -> dict:
    """Requests per second and latency at `clients` concurrent clients, two rounds per server."""
    servers = {"graphql": (service_url, "/graphql", LOOKUP_GQL, service_headers)}
    if peer_url is not None:
        servers["peer"] = (peer_url, "", PEER_LOOKUP_GQL, {"content-type": "application/json"})
    rounds: dict[str, list[dict]] = {name: [] for name in servers}
    for round_ in range(2):
        for name, (url, path, document, headers) in servers.items():
            rounds[name].append(asyncio.run(_throughput(url, path, document, headers, keys, clients=clients,
                                                        requests=requests, seed=round_)))
    result = {}
    for name, measured in rounds.items():
        latencies = [ms for r in measured for ms in r["latencies"]]
        result[name] = {"rps": round(sum(r["rps"] for r in measured) / len(measured)),
                        "rps_rounds": [r["rps"] for r in measured], **summary(latencies)}
    return result
