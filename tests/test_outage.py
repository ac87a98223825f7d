"""Neo4j going away and coming back: 503 and UNAVAILABLE meanwhile, recovery without a restart.

This test runs its own local Neo4j, whatever server the rest of the session uses,
because it has to kill it.
"""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS, ADMIN_TOKEN, local_test_server

STATUS_QUERY = {"query": "{ registry { schemaVersion } }"}


@pytest.fixture
def own_server(tmp_path):
    server = local_test_server(tmp_path / "neo4j")
    server.start(echo=lambda line: None)
    yield server
    server.stop()


def _wait_for(predicate, timeout: float) -> float:
    """Seconds until predicate() held; fails the test after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"condition not reached within {timeout}s")


def test_killed_neo4j_gives_503_and_unavailable_then_recovers(own_server):
    settings = Settings(NEO4J_URI=own_server.uri, LINEAGEGRAPH_LOG_LEVEL="WARNING",
                        LINEAGEGRAPH_BOOTSTRAP_TOKEN=ADMIN_TOKEN)
    with TestClient(create_app(settings, configure_logs=False), raise_server_exceptions=False,
                    headers=ADMIN_HEADERS) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/graphql", json=STATUS_QUERY).json()["data"]["registry"]["schemaVersion"] > 0
        issued = client.post("/graphql", json={"query": """mutation { createApiToken(input: {principal: "reader",
            roles: [VIEWER]}) { ... on IssuedApiToken { secret } } }"""}).json()["data"]["createApiToken"]["secret"]

        killed_at = time.monotonic()
        own_server.kill()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert time.monotonic() - killed_at < 5
        assert response.json()["reason"] == "neo4j unreachable"

        # One status policy for outages, whoever asks: the bootstrap admin (authenticated without
        # the graph) and a token the authentication cache has never seen get the same answer.
        for headers in (ADMIN_HEADERS, {"Authorization": f"Bearer {issued}"}):
            response = client.post("/graphql", json=STATUS_QUERY, headers=headers)
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"].isdigit()
            body = response.json()
            assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert "Traceback" not in str(body)

        preparer = client.app.state.preparer
        assert not preparer.warm
        own_server.start(echo=lambda line: None)
        # Readiness waits for every hot statement to be planned again on the restarted server, one
        # at a time (seconds each on a loaded 2-core machine): a bound on recovery, not a speed claim.
        recovered = _wait_for(lambda: client.get("/readyz").status_code == 200, timeout=120)
        print(f"ready {recovered:.1f} s after Neo4j came back; warm-up {preparer.last_warm_up}")
        # Ready only once the hot statements were planned again, with the types they ran with.
        assert preparer.warm and preparer.last_warm_up["statements"] >= 10
        assert "audit.lock_head" in client.app.state.db.last_params
        assert client.post("/graphql", json=STATUS_QUERY).json()["data"]["registry"]["schemaVersion"] > 0


def test_service_started_while_neo4j_is_down_becomes_ready_when_it_comes_up(tmp_path):
    server = local_test_server(tmp_path / "neo4j")
    settings = Settings(NEO4J_URI=server.uri, LINEAGEGRAPH_LOG_LEVEL="WARNING",
                        LINEAGEGRAPH_BOOTSTRAP_TOKEN=ADMIN_TOKEN)
    with TestClient(create_app(settings, configure_logs=False), raise_server_exceptions=False,
                    headers=ADMIN_HEADERS) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        server.start(echo=lambda line: None)
        try:
            # A fresh graph: readiness waits for the migrations the background preparer applies.
            _wait_for(lambda: client.get("/readyz").status_code == 200, timeout=120)
            assert client.post("/graphql", json=STATUS_QUERY).json()["data"]["registry"]["schemaVersion"] > 0
        finally:
            server.stop()


def test_start_up_past_the_transaction_timeout_serves_503_then_prepares_the_graph(client, settings, neo4j_driver):
    """A cold or overloaded Neo4j can answer start-up's statements slower than the transaction
    timeout. The service then starts anyway, says 503 on /readyz, and prepares the graph in the
    background once Neo4j keeps up, as it does when Neo4j is down, instead of exiting with
    "Application startup failed". Made to happen here for real: start-up's query check records
    its digest on the migration node, so a stale digest makes it write there, and an open
    transaction holding that node's write lock keeps the write waiting past a 2 s timeout."""
    node = "MATCH (m:SchemaMigration {id: 'lineagegraph'})"  # there: `client` started on this graph
    with neo4j_driver.session() as session:
        assert session.run(node + " SET m.verified_queries = 'stale' RETURN count(m) AS n").single()["n"] == 1
    blocker = neo4j_driver.session()
    held = blocker.begin_transaction()
    held.run(node + " SET m.held_by_test = true").consume()
    try:
        slow = settings.model_copy(update={"tx_timeout": 2.0})
        with TestClient(create_app(slow, configure_logs=False), raise_server_exceptions=False,
                        headers=ADMIN_HEADERS) as starting:
            response = starting.get("/readyz")
            assert response.status_code == 503, response.text
            assert response.json()["status"] == "unavailable"
            held.rollback()
            _wait_for(lambda: starting.get("/readyz").status_code == 200, timeout=90)
            assert starting.post("/graphql", json=STATUS_QUERY).json()["data"]["registry"]["schemaVersion"] > 0
    finally:
        if not held.closed():
            held.rollback()
        blocker.close()
    with neo4j_driver.session() as session:
        recorded = session.run(node + " RETURN m.verified_queries AS digest, m.held_by_test AS held").single()
    assert recorded["digest"] != "stale" and recorded["held"] is None


def test_a_write_waiting_for_a_lock_past_the_timeout_is_a_timeout_and_writes_nothing(client, settings, neo4j_driver):
    """A write queued behind another transaction's lock (here the audit chain's head, which every
    audited change takes) is stopped by its transaction timeout with Neo4j's LockClientStopped:
    the client gets TIMEOUT (retry), not an internal error, and nothing of it is written."""
    blocker = neo4j_driver.session()
    held = blocker.begin_transaction()
    held.run("MERGE (h:AuditEvent {seq: 0}) ON CREATE SET h:AuditHead, h.last_seq = 0, h.last_hash = $genesis "
             "SET h.locked = true", genesis="0" * 64).consume()
    try:
        slow = settings.model_copy(update={"tx_timeout": 2.0})
        with TestClient(create_app(slow, configure_logs=False), raise_server_exceptions=False,
                        headers=ADMIN_HEADERS) as writer:
            response = writer.post("/graphql", json={"query": """mutation { registerDataset(input:
                {namespace: "s3://locked", name: "behind-the-head"}) { __typename } }"""})
    finally:
        held.rollback()
        blocker.close()
    payload = response.json()
    assert [error["extensions"]["code"] for error in payload["errors"]] == ["TIMEOUT"], payload
    assert "Traceback" not in response.text
    with neo4j_driver.session() as session:
        assert session.run("MATCH (d:Dataset {namespace: 's3://locked'}) RETURN count(d) AS n").single()["n"] == 0
