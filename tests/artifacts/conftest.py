"""What the artifact verification tests share: a real S3 API server on loopback (moto's standalone
server, started here), a local store folder, and the service configured to read both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from starlette.testclient import TestClient

from app.cli.localneo4j import free_port
from app.core.config import Settings
from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS, serving

# moto accepts any credentials; botocore wants some, and a region. Set for the session's S3 clients
# (the service's, through s3fs, and the tests' own boto3 one) while the server runs.
_AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API (moto's server, in a thread) on a free loopback port; yields its URL."""
    saved = {name: os.environ.get(name) for name in _AWS_ENV}
    os.environ.update(_AWS_ENV)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def s3(s3_endpoint):
    """A boto3 client on the test server: the tests write and change artifacts with it, not with the
    code under test."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


@pytest.fixture(scope="session")
def local_store(tmp_path_factory) -> Path:
    """A folder the service may read artifacts from (file://…)."""
    return tmp_path_factory.mktemp("artifact-store")


def artifact_settings(settings: Settings, *, s3_endpoint: str, local_store: Path) -> Settings:
    return settings.model_copy(update={"artifact_roots": f"s3://, {local_store.as_uri()}/",
                                       "s3_endpoint_url": s3_endpoint, "artifact_concurrency": 3,
                                       "artifact_timeout": 3.0})


@pytest.fixture(scope="session")
def verifying_settings(settings, s3_endpoint, local_store) -> Settings:
    return artifact_settings(settings, s3_endpoint=s3_endpoint, local_store=local_store)


@pytest.fixture(scope="session")
def verifying_client(verifying_settings) -> Iterator[TestClient]:
    """The app configured to read the test S3 server and the local store."""
    with TestClient(create_app(verifying_settings), raise_server_exceptions=False, headers=ADMIN_HEADERS) as client:
        yield client


@pytest.fixture
def vgql(verifying_client, graph):
    """Post a GraphQL document to the verifying app (on an emptied registry); the decoded body."""

    def post(query: str, variables: dict | None = None, *, headers=None) -> dict:
        response = verifying_client.post("/graphql", json={"query": query, "variables": variables or {}},
                                         headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    return post


@pytest.fixture(scope="session")
def verifying_service(verifying_settings) -> Iterator[str]:
    """The verifying app over real HTTP, for the CLI; yields its base URL."""
    with serving(verifying_settings) as url:
        yield url
