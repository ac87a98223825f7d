"""Neo4j frozen (SIGSTOP) and killed (-9) under write and read load, against the real service
over HTTP. A ledger keeps every write the service acknowledged; afterwards each must be there,
every request must have been answered (no hang past the request deadline, no 500), and the
figures — answers by status, longest wait, recovery times — are printed, not asserted as timings.

Bounded and loopback only: its own local Neo4j (it is killed), eight client threads, ~60 s.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from app.core.config import Settings
from tests.conftest import ADMIN_HEADERS, ADMIN_TOKEN, local_test_server, serving

DEADLINE = 6.0
# Longer than the deadline plus the slack below: without a deadline, requests would wait it out.
FREEZE = 15.0
REGISTER = """mutation($name: String!) { registerDataset(input: {namespace: "s3://fault", name: $name}) {
  __typename } }"""
READ = """{ datasets(first: 5) { nodes { id name } } }"""


@dataclass
class Ledger:
    acknowledged: list[str] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)
    longest: float = 0.0
    hung: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_write: float = 0.0  # when the last acknowledged write was answered

    def note(self, kind: str, status: int | None, elapsed: float, name: str | None = None) -> None:
        with self.lock:
            self.answers[(kind, status)] += 1
            self.longest = max(self.longest, elapsed)
            if status is None:
                self.hung += 1
            if name is not None:
                self.acknowledged.append(name)
            if name is not None:
                self.last_write = time.monotonic()


def _client_loop(base: str, kind: str, index: int, ledger: Ledger, stop: threading.Event) -> None:
    with httpx.Client(base_url=base, headers=ADMIN_HEADERS, timeout=DEADLINE + 10) as http:
        n = 0
        while not stop.is_set():
            n += 1
            name = f"w{index}-{n}"
            body = {"query": REGISTER, "variables": {"name": name}} if kind == "write" else {"query": READ}
            started = time.monotonic()
            try:
                response = http.post("/graphql", json=body)
            except httpx.TimeoutException:
                ledger.note(kind, None, time.monotonic() - started)
                continue
            except httpx.TransportError:
                ledger.note(kind, -1, time.monotonic() - started)
                time.sleep(0.2)
                continue
            elapsed = time.monotonic() - started
            payload = response.json()
            acknowledged = (kind == "write" and response.status_code == 200
                            and payload["data"]["registerDataset"]["__typename"] == "DatasetRegistration")
            if response.status_code != 200:
                assert response.status_code in (503, 504), response.text
                assert payload["errors"][0]["extensions"]["code"] in ("UNAVAILABLE", "TIMEOUT"), payload
                assert "Retry-After" in response.headers
                time.sleep(0.2)
            ledger.note(kind, response.status_code, elapsed, name if acknowledged else None)


def _recovered(ledger: Ledger, since: float, timeout: float = 90) -> float:
    """Seconds from `since` to the next acknowledged write."""
    while time.monotonic() - since < timeout:
        if ledger.last_write > since:
            return ledger.last_write - since
        time.sleep(0.1)
    pytest.fail(f"no write was acknowledged within {timeout} s of the fault ending")


def test_frozen_and_killed_neo4j_under_load(tmp_path, run_cypher):
    server = local_test_server(tmp_path / "neo4j")
    server.start(echo=lambda line: None)
    settings = Settings(NEO4J_URI=server.uri, LINEAGEGRAPH_LOG_LEVEL="ERROR", LINEAGEGRAPH_BOOTSTRAP_TOKEN=ADMIN_TOKEN,
                        LINEAGEGRAPH_REQUEST_DEADLINE=DEADLINE, LINEAGEGRAPH_TX_RETRY_TIME=1,
                        LINEAGEGRAPH_CONNECT_TIMEOUT=1)
    ledger, stop = Ledger(), threading.Event()
    try:
        with serving(settings) as base:
            clients = [threading.Thread(target=_client_loop, args=(base, kind, i, ledger, stop), daemon=True)
                       for i, kind in enumerate(["write"] * 5 + ["read"] * 3)]
            for client in clients:
                client.start()
            _recovered(ledger, time.monotonic())  # writes go through before the faults begin
            time.sleep(3)
            before_faults = len(ledger.acknowledged)

            pid = server.pid()
            os.kill(pid, signal.SIGSTOP)
            time.sleep(FREEZE)
            os.kill(pid, signal.SIGCONT)
            thawed = time.monotonic()
            after_freeze = _recovered(ledger, thawed)

            server.kill()
            time.sleep(2)
            server.start(echo=lambda line: None)
            restarted = time.monotonic()
            after_restart = _recovered(ledger, restarted)
            time.sleep(5)
            stop.set()
            for client in clients:
                client.join(timeout=DEADLINE + 15)

            names = set(ledger.acknowledged)
            with httpx.Client(base_url=base, headers=ADMIN_HEADERS, timeout=30) as http:
                stored, after = set(), None
                while True:
                    page = http.post("/graphql", json={"query": """query($after: String) {
                        datasets(first: 500, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }""",
                                                        "variables": {"after": after}}).json()["data"]["datasets"]
                    stored |= {node["name"] for node in page["nodes"]}
                    if not page["pageInfo"]["hasNextPage"]:
                        break
                    after = page["pageInfo"]["endCursor"]
    finally:
        stop.set()
        server.stop()

    print(f"\nfault test (deadline {DEADLINE:g} s): answers {dict(sorted(ledger.answers.items(), key=str))}, "
          f"longest wait {ledger.longest:.1f} s, acknowledged writes {len(names)} ({before_faults} before the "
          f"faults), first acknowledged write {after_freeze:.1f} s after the thaw and {after_restart:.1f} s after "
          f"the restart")
    assert not any(client.is_alive() for client in clients)
    assert ledger.hung == 0, "a request was not answered within the deadline"
    assert ledger.longest < DEADLINE + 4, "a request waited well past the deadline"
    assert names and names <= stored, f"acknowledged but missing: {sorted(names - stored)[:10]}"
    assert sum(count for (kind, status), count in ledger.answers.items() if status in (503, 504)) > 0, \
        "the faults were not felt: the test did not test them"
