"""The local Neo4j manager: clear errors for a missing Java, a taken port, a failing server."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from app.cli.main import main
from app.cli.localneo4j import LocalNeo4jError
from tests.conftest import local_test_server


def test_a_taken_port_is_refused_with_a_clear_message(tmp_path):
    server = local_test_server(tmp_path / "neo4j")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", server.bolt_port))
        squatter.listen()
        with pytest.raises(LocalNeo4jError, match=f"Port {server.bolt_port} .* already in use"):
            server.start(echo=lambda line: None)
    assert not server.is_running()


def test_missing_java_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java here
    monkeypatch.delenv("JAVA_HOME", raising=False)
    server = local_test_server(tmp_path / "neo4j")
    with pytest.raises(LocalNeo4jError, match="Java is not installed"):
        server.start(echo=lambda line: None)


def test_missing_maven_is_named_when_the_jars_are_not_cached(tmp_path, monkeypatch):
    server = local_test_server(tmp_path / "neo4j")
    empty_cache = server.__class__(**{**server.__dict__, "cache_dir": tmp_path / "empty-cache"})
    monkeypatch.setattr("shutil.which", lambda name: None if name == "mvn" else "/usr/bin/" + name)
    with pytest.raises(LocalNeo4jError, match=r"Maven \(mvn\) is not on PATH"):
        empty_cache.ensure_runtime(echo=lambda line: None)


def test_a_server_that_fails_to_start_reports_its_log(tmp_path):
    server = local_test_server(tmp_path / "neo4j")
    broken = server.__class__(**{**server.__dict__, "pagecache": "not-a-size"})
    with pytest.raises(LocalNeo4jError) as caught:
        broken.start(timeout=90, echo=lambda line: None)
    message = str(caught.value)
    assert "Neo4j exited during start-up" in message
    assert "not-a-size" in message
    assert not broken.is_running()


def test_cli_status_stop_and_a_second_start_from_the_cache(tmp_path, monkeypatch):
    server = local_test_server(tmp_path / "neo4j")
    monkeypatch.setenv("LINEAGEGRAPH_NEO4J_HOME", str(server.home))
    monkeypatch.setenv("LINEAGEGRAPH_NEO4J_BOLT_PORT", str(server.bolt_port))
    monkeypatch.setenv("LINEAGEGRAPH_NEO4J_HEAP", server.heap)
    monkeypatch.setenv("LINEAGEGRAPH_NEO4J_PAGECACHE", server.pagecache)
    runner = CliRunner()

    assert runner.invoke(main, ["neo4j", "status"]).exit_code == 1
    # The jars are cached by now (the session's server used them): no Maven, no network.
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr("shutil.which", lambda name, _which=__import__("shutil").which: None if name == "mvn" else _which(name))
    started = runner.invoke(main, ["neo4j", "start"])
    assert started.exit_code == 0, started.output
    assert "running" in started.output
    try:
        status = runner.invoke(main, ["neo4j", "status"])
        assert status.exit_code == 0
        assert str(server.bolt_port) in status.output
    finally:
        stopped = runner.invoke(main, ["neo4j", "stop"])
    assert stopped.exit_code == 0 and "stopped" in stopped.output
    assert runner.invoke(main, ["neo4j", "status"]).exit_code == 1
