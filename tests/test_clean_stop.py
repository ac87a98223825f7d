"""`lineagegraph serve` stopped the way systemd, Kubernetes and Docker stop it (SIGTERM), or with
Ctrl-C (SIGINT): the service finishes, and the local Neo4j it started stops with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli.localneo4j import free_port
from tests.conftest import wait_until_ready

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as ended.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_service_and_the_neo4j_it_started(tmp_path, stop_signal):
    home, port = tmp_path / "neo4j", free_port()
    env = {key: value for key, value in os.environ.items() if key != "NEO4J_URI"}
    env.update(LINEAGEGRAPH_NEO4J_HOME=str(home), LINEAGEGRAPH_NEO4J_BOLT_PORT=str(free_port()),
               LINEAGEGRAPH_NEO4J_HEAP="512m", LINEAGEGRAPH_NEO4J_PAGECACHE="128m", LINEAGEGRAPH_PORT=str(port),
               LINEAGEGRAPH_LOG_LEVEL="WARNING")
    service = subprocess.Popen([str(Path(sys.executable).parent / "lineagegraph"), "serve"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    neo4j_pid = None
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", timeout=180, process=service)
        neo4j_pid = int((home / "run" / "neo4j.pid").read_text().split()[0])
        assert _alive(neo4j_pid)

        started = time.monotonic()
        service.send_signal(stop_signal)
        code = service.wait(timeout=90)
        stopping = time.monotonic() - started
        errors = service.stderr.read()
        assert code == 0, errors
        assert "Stopping the local Neo4j" in errors
        deadline = time.monotonic() + 30
        while _alive(neo4j_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(neo4j_pid), "the Neo4j the service started is still running"
        print(f"{signal.Signals(stop_signal).name}: service and Neo4j stopped in {stopping:.1f} s")
    finally:
        if service.poll() is None:
            service.kill()
        if neo4j_pid is not None and _alive(neo4j_pid):
            os.kill(neo4j_pid, signal.SIGKILL)
