"""One real Neo4j per test session, migrated once, emptied before every test that uses it.

Where the server comes from, in order: `NEO4J_URI` when set; testcontainers' Neo4j
module when a Docker engine answers; otherwise the project's own local server
(`app.cli.localneo4j`, the jars Maven fetched into the cache) on a free loopback port.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from starlette.testclient import TestClient

from app.core.config import Settings, default_cypher_dir
from app.cli.localneo4j import LocalNeo4j, free_port
from app.core.cypher import load_queries
from app.http.serving import uvicorn_config
from app.http.app import create_app

REPO = Path(__file__).resolve().parent.parent

# The suite's admin: the service accepts it as the bootstrap token. The `client`, `gql` and
# `live_service` fixtures (and the CLI, through LINEAGEGRAPH_TOKEN) call with it unless a test
# sends another principal's token (`principal_headers`).
ADMIN_TOKEN = "lg_test-suite-bootstrap-admin-token-0123456789"
ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
os.environ["LINEAGEGRAPH_TOKEN"] = ADMIN_TOKEN


NEO4J_IMAGE = "neo4j:5.26-community"


def _docker_engine_answers() -> bool:
    """A Docker engine answers and has the Neo4j image, or can pull it. An engine alone is not
    enough: Debian's docker.io runs on our machines, but no image registry is reachable there."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        try:
            client.images.get(NEO4J_IMAGE)
        except docker.errors.ImageNotFound:
            client.images.pull(NEO4J_IMAGE)
        return True
    except Exception:
        return False


def local_test_server(home: Path) -> LocalNeo4j:
    """A small local Neo4j for tests: its own folder and port, sized to leave room for the suite."""
    base = Settings()
    return LocalNeo4j(
        version=base.neo4j_version,
        cache_dir=base.cache_dir,
        home=home,
        bolt_port=free_port(),
        heap="768m",
        pagecache="256m",
    )


def load_demo(settings: Settings, queries) -> dict[str, int]:
    """Load the sample registry (app/cli/demo.py) into the session's Neo4j; counts by kind."""
    import asyncio

    from app.cli import demo
    from app.core.db import Database

    async def run():
        db = Database.connect(settings, queries)
        try:
            return await demo.load_demo(db)
        finally:
            await db.close()

    return asyncio.run(run())


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory) -> Iterator[str]:
    """The Bolt URI of the session's Neo4j."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    if _docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer(NEO4J_IMAGE) as container:
            yield container.get_connection_url()
        return
    server = local_test_server(tmp_path_factory.mktemp("neo4j"))
    server.start(echo=lambda line: None)
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def settings(neo4j_uri) -> Settings:
    return Settings(
        NEO4J_URI=neo4j_uri,
        NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"),
        NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", "password"),
        LINEAGEGRAPH_LOG_LEVEL="WARNING",
        LINEAGEGRAPH_BOOTSTRAP_TOKEN=ADMIN_TOKEN,
        # The suite's apps leave webhooks to tests/events, whose apps send them with fast timings.
        LINEAGEGRAPH_WEBHOOK_DELIVERY=False,
    )


@pytest.fixture(scope="session")
def client(settings) -> Iterator[TestClient]:
    """The Starlette app with its lifespan run (migrations applied), shared by the session."""
    with TestClient(create_app(settings), raise_server_exceptions=False, headers=ADMIN_HEADERS) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def neo4j_driver(settings):
    """A plain synchronous driver for arranging and inspecting the graph in tests."""
    driver = GraphDatabase.driver(settings.effective_neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password))
    yield driver
    driver.close()


# The suite's own statements (arranging and inspecting the graph, tampering with it): beside the
# tests, never in the service's cypher/ (nor in the wheel or the image).
TEST_CYPHER_DIR = REPO / "tests" / "cypher"


@pytest.fixture(scope="session")
def queries():
    """The service's statements and the suite's, by name."""
    return load_queries(default_cypher_dir(), TEST_CYPHER_DIR)


@pytest.fixture
def run_cypher(neo4j_driver, settings, queries):
    """Run a named query from cypher/ or tests/cypher/ (never inline Cypher, in tests too)."""

    def run(name: str, **params):
        query = queries[name]
        query.check_params(params)
        records, _, _ = neo4j_driver.execute_query(query.text, params, database_=settings.neo4j_database)
        return [record.data() for record in records]

    return run


@pytest.fixture
def graph(client, run_cypher):
    """An empty registry (schema kept) for a test that writes."""
    run_cypher("admin.wipe_registry")
    return run_cypher


@pytest.fixture
def gql(client):
    """Post a GraphQL document; returns the decoded JSON body."""

    def post(query: str, variables: dict | None = None, *, expect_status: int = 200, headers=None) -> dict:
        response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == expect_status, response.text
        return response.json()

    return post


def wait_until_ready(base_url: str, *, timeout: float, process=None) -> None:
    """Poll `base_url`/readyz until it answers 200; fail early when `process` (a Popen) has exited."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        assert process is None or process.poll() is None, process.stderr.read() if process.stderr else "exited"
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"{base_url} did not become ready within {timeout:g} s"
        time.sleep(0.5)


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The service served by uvicorn in a thread on a free loopback port; yields its base URL."""
    import threading
    import time

    import uvicorn

    config = uvicorn_config(create_app(settings, configure_logs=False), settings, host="127.0.0.1", port=free_port())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_service(settings) -> Iterator[str]:
    """The service over real HTTP, for clients that speak it (the openlineage-python client, the
    `lineagegraph` CLI). Yields its base URL."""
    with serving(settings) as url:
        yield url


@pytest.fixture
def principal_headers(client):
    """Headers that make a request come from a principal with these roles and teams:
    `gql(query, headers=principal_headers("ana", roles=["approver"], teams=["risk"]))`. The teams
    are registered when missing and a real API token is issued (by the suite's admin)."""

    def headers(name: str, *, roles: list[str], teams: list[str] | None = None) -> dict[str, str]:
        for team in teams or []:
            client.post("/graphql", json={"query": "mutation($n: String!) { registerTeam(input: {name: $n}) "
                                                   "{ __typename } }", "variables": {"n": team}})
        answer = client.post("/graphql", json={
            "query": """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
                __typename ... on IssuedApiToken { secret } ... on UserError { message } } }""",
            "variables": {"input": {"principal": name, "roles": [r.upper() for r in roles], "teams": teams or []}},
        }).json()
        issued = answer["data"]["createApiToken"]
        assert issued["__typename"] == "IssuedApiToken", issued
        return {"Authorization": f"Bearer {issued['secret']}"}

    return headers
