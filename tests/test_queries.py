"""The Cypher catalog: every file loads, and a broken file is refused with its name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings, default_cypher_dir
from app.core.cypher import QueryFileError, load_queries, parse_query_file
from app.http.app import create_app
from tests.conftest import REPO, TEST_CYPHER_DIR


def test_every_cypher_file_in_the_repo_loads_with_a_docstring():
    catalog = load_queries(default_cypher_dir())
    files = sorted(default_cypher_dir().rglob("*.cypher"))
    assert len(catalog) == len(files)
    assert all(query.doc for query in catalog.values())
    assert "system.get_schema_version" in catalog


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "holds no Cypher statement"),
        ("// only a comment\n", "holds no Cypher statement"),
        ("MATCH (n) RETURN n\n", "starts with no `//` comment"),
        ("// Finds a dataset.\nMATCH (d {name: $name}) RETURN d\n", "no `// params:` line"),
        ("// Finds a dataset.\n// params: name, namespace\nMATCH (d {name: $name}) RETURN d\n",
         "declared but unused: ['namespace']"),
        ("// Finds a dataset.\n// params: name\nMATCH (d {name: $name, ns: $nmespace}) RETURN d\n",
         "used but undeclared: ['nmespace']"),
        ("// Two statements.\nMATCH (n) RETURN n;\nMATCH (m) RETURN m\n", "more than one statement"),
        ("// Bad declaration.\n// params: name-with-dash\nRETURN 1\n", "is not a parameter name"),
    ],
)
def test_a_broken_file_is_refused_naming_file_and_line(tmp_path: Path, text: str, complaint: str):
    path = tmp_path / "catalog" / "find_dataset.cypher"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(QueryFileError) as caught:
        parse_query_file(path, tmp_path)
    assert str(path) in str(caught.value)
    assert complaint in str(caught.value)


def test_parameters_inside_strings_and_comments_do_not_count(tmp_path: Path):
    path = tmp_path / "q.cypher"
    path.write_text(
        "// Returns a literal dollar sign.\n// params: name\n"
        "MATCH (d {name: $name}) // not a $param\nRETURN '$literal' AS text, `$quoted` AS x\n"
    )
    query = parse_query_file(path, tmp_path)
    assert query.params == {"name"}
    assert query.name == "q"


def test_a_query_is_run_only_with_exactly_its_declared_parameters(queries):
    query = queries["system.record_schema_version"]
    with pytest.raises(TypeError, match="missing parameters"):
        query.check_params({})
    with pytest.raises(TypeError, match="unexpected"):
        query.check_params({"version": 1, "other": 2})


def test_a_file_neo4j_cannot_compile_stops_start_up_with_its_name(tmp_path: Path, settings: Settings):
    cypher = tmp_path / "cypher"
    shutil.copytree(default_cypher_dir(), cypher)
    broken = cypher / "catalog" / "list_models.cypher"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("// Lists models (with a syntax error).\nMATCH (m:Model RETURN m\n")
    app = create_app(settings.model_copy(update={"cypher_dir": cypher}), configure_logs=False)
    with pytest.raises(QueryFileError) as caught:
        with TestClient(app):
            pass
    assert "list_models.cypher" in str(caught.value)
    assert "Neo4j rejects this statement" in str(caught.value)


def test_a_file_with_undeclared_parameters_stops_the_app_before_it_serves(tmp_path: Path, settings: Settings):
    cypher = tmp_path / "cypher"
    shutil.copytree(default_cypher_dir(), cypher)
    (cypher / "system" / "bad.cypher").write_text("// Oops.\nMATCH (n {id: $id}) RETURN n\n")
    with pytest.raises(QueryFileError, match=r"bad\.cypher:1: uses parameters \['id'\]"):
        create_app(settings.model_copy(update={"cypher_dir": cypher}), configure_logs=False)


def test_a_missing_cypher_folder_stops_start_up(tmp_path: Path, settings: Settings):
    with pytest.raises(QueryFileError, match="does not exist"):
        create_app(settings.model_copy(update={"cypher_dir": tmp_path / "nowhere"}), configure_logs=False)


@pytest.mark.parametrize("folder", [TEST_CYPHER_DIR, REPO / "bench" / "cypher"], ids=["tests", "bench"])
def test_the_suites_and_the_benchmarks_own_statements_load_and_compile(folder: Path, neo4j_driver, settings):
    # They live beside their code, not in cypher/: the service's start-up check no longer plans them.
    for query in load_queries(folder).values():
        assert query.doc
        neo4j_driver.execute_query("EXPLAIN " + query.text, dict.fromkeys(query.params),
                                   database_=settings.neo4j_database)
