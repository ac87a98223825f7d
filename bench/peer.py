"""The benchmark's peer: the Neo4j GraphQL Library on Apollo Server (bench/peer/server.mjs).

`./dev bench --peer` installs it with npm (`npm ci` from bench/peer's lockfile) into a cache
outside the repository, keyed by the lockfile and the server's text, so a second run installs
nothing; starts it on loopback against the same Neo4j as the service; and times it interleaved
with the service and the raw statement (bench/run.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
from contextlib import ExitStack
from pathlib import Path

import httpx

from app.cli.localneo4j import free_port
from app.core.config import Settings
from bench.processes import stop_with, wait_ready

PEER_SOURCE = Path(__file__).resolve().parent / "peer"
PEER_FILES = ("package.json", "package-lock.json", "server.mjs")

IMPACT_GQL = """query Impact($start_id: ID!, $as_of: String!, $max_depth: Int!, $budget: Int!, $offset: Int!, $limit: Int!) {
  impact(start_id: $start_id, as_of: $as_of, max_depth: $max_depth, budget: $budget, offset: $offset, limit: $limit) {
    start_count listed_count budget_cut depth_cut
    counts { kind count }
    items { kind depth node { id } path_edges }
  }
}"""

PROVENANCE_GQL = """query Provenance($start_id: ID!, $as_of: String!, $budget: Int!) {
  provenance(start_id: $start_id, as_of: $as_of, budget: $budget) {
    budget_cut
    nodes { kind node { id name } produced }
  }
}"""


def cache_dir() -> Path:
    """Where the installed peer lives: one folder per version of its files."""
    digest = hashlib.sha256(b"".join((PEER_SOURCE / name).read_bytes() for name in PEER_FILES)).hexdigest()[:16]
    base = Path(os.environ.get("LINEAGEGRAPH_CACHE_DIR", Path.home() / ".cache" / "lineagegraph"))
    return base / "bench-peer" / digest


def install(echo) -> Path:
    """The peer's folder with its node_modules, installed once per version of its files."""
    home = cache_dir()
    if (home / ".installed").exists():
        return home
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit("--peer needs Node.js 18+ and npm on PATH (apt-get install nodejs npm).")
    echo(f"installing the peer (@neo4j/graphql on Apollo Server) with npm into {home} …")
    home.mkdir(parents=True, exist_ok=True)
    for name in PEER_FILES:
        shutil.copyfile(PEER_SOURCE / name, home / name)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=home, check=True)
    (home / ".installed").touch()
    return home


def start(stack: ExitStack, settings: Settings, workdir: Path, echo) -> str:
    """Start the peer against the service's Neo4j; its GraphQL URL once it answers."""
    home = install(echo)
    port = free_port()
    env = {**os.environ, "NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "NEO4J_DATABASE": settings.neo4j_database,
           "PEER_PORT": str(port), "LINEAGEGRAPH_CYPHER_DIR": str(settings.cypher_dir), "NODE_ENV": "production"}
    log_path = workdir / "peer.log"
    log = log_path.open("wb")
    stack.callback(log.close)
    proc = subprocess.Popen(["node", "server.mjs"], cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    stop_with(stack, proc, signal.SIGTERM)
    wait_ready(proc, log_path, lambda: b"peer ready" in log_path.read_bytes(), "the peer", timeout=120)
    return f"http://127.0.0.1:{port}/"


def client(url: str) -> httpx.Client:
    # Apollo Server refuses a POST without a content type that cannot be a CSRF (ours is JSON).
    return httpx.Client(base_url=url, timeout=120, headers={"content-type": "application/json"})
