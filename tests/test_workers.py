"""`lineagegraph serve --workers N`: N service processes behind the one port, each a whole service
(its own driver, warm-up and webhook deliverer), stopped together by one signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.cli.localneo4j import free_port
from tests.conftest import wait_until_ready

REPO = Path(__file__).resolve().parent.parent
TOKEN = "lg_workers-test-" + "x" * 32


def _children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields.get("State", "").startswith("Z"):
            found.append(int(status.parent.name))
    return found


def _workers(pid: int) -> list[int]:
    """The children of `pid` that serve (not multiprocessing's resource tracker)."""
    return [child for child in _children(pid)
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def test_two_workers_serve_one_port_and_stop_together(settings):
    port = free_port()
    env = {**os.environ, "NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "LINEAGEGRAPH_PORT": str(port),
           "LINEAGEGRAPH_BOOTSTRAP_TOKEN": TOKEN, "LINEAGEGRAPH_LOG_LEVEL": "WARNING",
           "LINEAGEGRAPH_WEBHOOK_DELIVERY": "false"}
    service = subprocess.Popen([str(Path(sys.executable).parent / "lineagegraph"), "serve", "--workers", "2"],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_ready(url, timeout=180, process=service)
        workers = _workers(service.pid)
        assert len(workers) == 2, f"expected two worker processes, found {workers}"

        # Every request is answered by one of them, authenticated the same way in each (the token
        # the parent was given reaches both through their environment); none refuses a connection.
        with httpx.Client(base_url=url, timeout=30) as http:
            for _ in range(20):
                response = http.post("/graphql", json={"query": "{ me { name roles } }"},
                                     headers={"authorization": f"Bearer {TOKEN}"})
                assert response.status_code == 200, response.text
                assert response.json()["data"]["me"]["name"] == "bootstrap-admin", response.text
            assert http.post("/graphql", json={"query": "{ me { name } }"}).status_code == 401

        started = time.monotonic()
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=90)
        errors = service.stderr.read()
        assert code == 0, errors
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() and pid in _children(service.pid) for pid in workers) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        leftover = [pid for pid in workers if Path(f"/proc/{pid}/status").exists()
                    and "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()]
        assert not leftover, f"worker processes still running after the stop: {leftover}"
        print(f"two workers stopped in {time.monotonic() - started:.1f} s")
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
