"""The real Alertmanager (v0.28.1, built from the Go module proxy into the cache, README "Monitoring")
with a webhook receiver pointing at the service on a real loopback port: an alert posted to its API
(`/api/v2/alerts`) for the demo's production deployment reaches the registry as Alertmanager itself
sends it — bearer token from `http_config.authorization`, its own fingerprint — fires, opens the
incident per policy, and resolves. Skipped, saying why, when the binary is not there."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.localneo4j import free_port
from tests.conftest import load_demo
from tests.events.support import wait_for
from tests.monitoring import support

BINARY = Path(os.environ.get("LINEAGEGRAPH_ALERTMANAGER",
                             Path.home() / ".cache" / "lineagegraph" / "alertmanager" / "alertmanager"))
BUILD = ("GOBIN=~/.cache/lineagegraph/alertmanager GOFLAGS=-mod=mod "
         "go install github.com/prometheus/alertmanager/cmd/alertmanager@v0.28.1")

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"no Alertmanager binary at {BINARY}; build it with "
                                                             f"`{BUILD}` (or point LINEAGEGRAPH_ALERTMANAGER at one)")

CONFIG = """
route:
  receiver: lineagegraph
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: lineagegraph
    webhook_configs:
      - url: {url}/api/v1/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {token}
"""
LABELS = {"alertname": "CreditScoringErrorRate", "severity": "critical", **support.PRODUCTION}


def _wait_for(condition, what: str):
    return wait_for(condition, timeout=60.0, what=what)


def _http(method: str, url: str, body=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        text = response.read()
        return json.loads(text) if text else None


@pytest.fixture
def alertmanager(live_service, principal_headers, tmp_path):
    """Alertmanager on a free loopback port, its receiver posting to the live service with a monitor
    token of the deployment's team; yields its base URL."""
    token = principal_headers("alertmanager", roles=["monitor"], teams=["credit-risk"])["Authorization"].split()[1]
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(url=live_service, token=token))
    port = free_port()
    process = subprocess.Popen(
        [str(BINARY), f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def ready():
        assert process.poll() is None, process.stderr.read()
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        _wait_for(ready, "Alertmanager answering /-/ready")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_real_alertmanager_fires_and_resolves_an_alert_for_production(settings, queries, graph, gql,
                                                                           alertmanager):
    load_demo(settings, queries)
    started = datetime.now(UTC) - timedelta(minutes=1)
    alert = {"labels": LABELS, "annotations": {"summary": "5xx ratio above 5%", "value": "0.09"},
             "startsAt": started.isoformat(), "generatorURL": "http://prometheus.internal:9090/graph"}
    _http("POST", alertmanager + "/api/v2/alerts", [alert])
    (held,) = _wait_for(lambda: _http("GET", alertmanager + "/api/v2/alerts"), "Alertmanager holding the alert")

    def firing():
        signals = support.health(gql)["health"]["recentSignals"]
        return signals[0] if signals and signals[0]["status"] == "FIRING" else None

    signal = _wait_for(firing, "the firing alert reaching the registry")
    assert signal["fingerprint"] == held["fingerprint"] and signal["recordedBy"] == "alertmanager"
    assert signal["severity"] == "CRITICAL" and signal["value"] == 0.09
    assert signal["incident"]["startKey"] == "credit-scoring@2"
    assert support.health(gql)["health"]["state"] == "CRITICAL"
    assert support.health(gql)["modelVersion"]["version"] == "1"  # rolled back per the shipped policy

    # Resolving it: the alert posted again with an end in the past.
    _http("POST", alertmanager + "/api/v2/alerts",
          [{**alert, "endsAt": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()}])

    def resolved():
        health = support.health(gql)["health"]
        return health if health["state"] == "HEALTHY" else None

    health = _wait_for(resolved, "the resolution reaching the registry")
    (only,) = health["recentSignals"]
    assert only["id"] == signal["id"] and only["status"] == "RESOLVED" and only["endsAt"] is not None
    assert len(support.incidents(gql)) == 1
