"""The bulk import (app/bulk, `lineagegraph import registry`): the graph it writes is the graph the
benchmark's loader writes for the same registry; a bad row is refused with its file and line and
nothing is written; a second import is refused; only admins import; the audit chain holds after it;
and impact and provenance answer on an imported registry as on a loaded one."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.bulk import repository as bulk_repository
from app.bulk import service as bulk
from app.bulk.inputs import InvalidImport, parse
from app.cli.main import main
from app.core.access import Principal
from app.core.cypher import load_queries
from app.core.db import Database
from app.core.errors import Conflict, Forbidden
from app.core.vocabulary import graphql_enum
from bench.generate import generate
from bench.load import BENCH_CYPHER_DIR, export_registry, import_load, load
from tests.conftest import ADMIN_TOKEN

Role = graphql_enum("Role")
ADMIN = Principal(name="importer", roles=frozenset({Role.ADMIN}))
CONTRIBUTOR = Principal(name="pipeline", roles=frozenset({Role.CONTRIBUTOR}))
CATALOG = {"Team", "Dataset", "DatasetVersion", "Feature", "Job", "Run", "Model", "ModelVersion", "Deployment", "Stage"}

IMPACT = """query($of: ImpactStartInput!) { impact(of: $of, first: 500) {
  complete totalCount counts { kind count } items { kind depth node { __typename ... on Team { id } ... on Dataset { id } ... on DatasetVersion { id } ... on Feature { id } ... on Job { id } ... on Run { id } ... on Model { id } ... on ModelVersion { id } ... on Deployment { id } } path { edges } } } }"""
PROVENANCE = """query($of: ProvenanceStartInput!) { provenance(of: $of) {
  complete licenses rawSources { name } nodes { __typename ... on Team { id } ... on Dataset { id } ... on DatasetVersion { id } ... on Feature { id } ... on Job { id } ... on Run { id } ... on Model { id } ... on ModelVersion { id } ... on Deployment { id } } } }"""


@pytest.fixture
def write(settings, queries):
    """`write(coroutine_function)`: await it with a Database on a loop of the test's own."""
    loop = asyncio.new_event_loop()
    db = Database.connect(settings, queries)
    yield lambda work: loop.run_until_complete(work(db))
    loop.run_until_complete(db.close())
    loop.close()


def _time(value):
    return value.to_native().astimezone(UTC).isoformat() if hasattr(value, "to_native") else value


def fingerprint(run_cypher) -> tuple[list, list]:
    """Every catalog node's label and properties and every edge between them, sorted; a Stage is named
    by its name (its id is made up where it is first needed, by whichever writer)."""
    stage_names = {}
    nodes = []
    for row in run_cypher("admin.all_nodes"):
        labels = set(row["labels"]) & CATALOG
        if not labels:
            continue
        props = {k: _time(v) for k, v in row["props"].items()}
        if labels == {"Stage"}:
            stage_names[props.pop("id")] = props["name"]
        nodes.append(json.dumps([sorted(labels), props], sort_keys=True, default=str))
    edges = []
    for row in run_cypher("admin.all_edges"):
        if row["type"] in ("HAS_EVENT",) or row["source"] is None:
            continue
        edges.append(json.dumps([row["source"], row["type"], stage_names.get(row["target"], row["target"]),
                                 {k: _time(v) for k, v in row["props"].items()}], sort_keys=True, default=str))
    return sorted(nodes), sorted(edges)


def _answers(gql, hot, production) -> dict:
    impact = gql(IMPACT, {"of": {"datasetVersion": hot.key}})
    assert "errors" not in impact, impact["errors"]
    prov = gql(PROVENANCE, {"of": {"deployment": {"environment": production.key["environment"].upper(),
                                                  "name": production.key["name"]}}})
    assert "errors" not in prov, prov["errors"]
    impact, prov = impact["data"]["impact"], prov["data"]["provenance"]
    return {"impact": impact, "provenance": {**prov, "nodes": sorted(n.get("id") or n["__typename"]
                                                                     for n in prov["nodes"])}}


def test_an_import_writes_the_graph_the_benchmark_loader_writes_and_answers_alike(
        graph, neo4j_driver, settings, gql, tmp_path):
    registry = generate(3_000, seed=11)
    hot, production = registry.choose_starts(40, 11)
    load(neo4j_driver, settings.neo4j_database, load_queries(BENCH_CYPHER_DIR), registry, batch=500,
         echo=lambda line: None)
    loaded, loaded_answers = fingerprint(graph), _answers(gql, hot, production)

    graph("admin.wipe_registry")
    stats = import_load(settings, registry, tmp_path / "export", batch=500, workers=2, echo=lambda line: None)
    imported, imported_answers = fingerprint(graph), _answers(gql, hot, production)

    assert stats["nodes"] == registry.node_count
    assert len(imported[0]) == registry.node_count and len(imported[1]) == registry.edge_count
    missing = sorted(set(loaded[0]) - set(imported[0]))[:3]
    assert imported[0] == loaded[0], f"nodes differ, e.g. loaded {missing}"
    assert imported[1] == loaded[1], f"edges differ, e.g. {sorted(set(loaded[1]) ^ set(imported[1]))[:3]}"
    assert imported_answers == loaded_answers
    assert imported_answers["impact"]["totalCount"] > 0 and imported_answers["provenance"]["nodes"]


def _small(directory: Path, **overrides) -> Path:
    """A small registry as import files: a team, a raw dataset with two snapshots, a cleaning run, a
    model trained on the clean one, a production deployment serving it."""
    files = {
        "teams.jsonl": [{"name": "risk", "description": "Credit risk."}],
        "datasets.jsonl": [{"namespace": "s3://raw", "name": "loans", "owner": "risk", "privacy": "PII",
                            "tags": ["raw", "credit"], "schema": [{"name": "id", "type": "string"}],
                            "created_at": "2026-03-01T00:00:00Z"},
                           {"namespace": "s3://curated", "name": "loans_clean", "owner": "risk",
                            "created_at": "2026-03-01T00:00:00Z"}],
        "dataset_versions.jsonl": [{"namespace": "s3://raw", "name": "loans", "version": "2026-03-02",
                                    "digest": "sha256:" + "a" * 64, "row_count": 10,
                                    "created_at": "2026-03-02T00:00:00Z"},
                                   {"namespace": "s3://curated", "name": "loans_clean", "version": "2026-03-02",
                                    "created_at": "2026-03-02T01:00:00Z"}],
        "jobs.jsonl": [{"namespace": "airflow", "name": "clean_loans", "owner": "risk"},
                       {"namespace": "mlflow", "name": "train_scoring", "owner": "risk"}],
        "runs.jsonl": [{"run_id": "r-clean-1", "job_namespace": "airflow", "job_name": "clean_loans",
                        "state": "COMPLETE", "started_at": "2026-03-02T00:30:00Z", "ended_at": "2026-03-02T01:00:00Z",
                        "inputs": {"dataset_versions": [{"namespace": "s3://raw", "name": "loans", "version": "2026-03-02"}]},
                        "outputs": {"dataset_versions": [{"namespace": "s3://curated", "name": "loans_clean",
                                                          "version": "2026-03-02"}]}},
                       {"run_id": "r-train-1", "job_namespace": "mlflow", "job_name": "train_scoring",
                        "state": "COMPLETE", "started_at": "2026-03-03T00:00:00Z", "parameters": {"seed": "1"},
                        "inputs": {"dataset_versions": [{"namespace": "s3://curated", "name": "loans_clean",
                                                         "version": "2026-03-02"}]},
                        "outputs": {"model_versions": [{"model_name": "scoring", "version": "1"}]}}],
        "models.jsonl": [{"name": "scoring", "owner": "risk", "risk_tier": "HIGH"}],
        "model_versions.jsonl": [{"model_name": "scoring", "version": "1", "framework": "xgboost",
                                  "created_at": "2026-03-03T02:00:00Z",
                                  "stages": [{"stage": "DEVELOPMENT", "since": "2026-03-03T02:00:00Z",
                                              "until": "2026-03-04T00:00:00Z"},
                                             {"stage": "PRODUCTION", "since": "2026-03-04T00:00:00Z"}]}],
        "deployments.jsonl": [{"environment": "PRODUCTION", "name": "scoring-api", "status": "ACTIVE",
                               "created_at": "2026-03-04T00:00:00Z",
                               "serving": [{"model_name": "scoring", "version": "1", "since": "2026-03-04T00:00:00Z"}]}],
    }
    files.update(overrides)
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (directory / name).write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n"
                                              for row in rows))
    return directory


def _catalog_count(write) -> int:
    return write(lambda db: db.read(bulk_repository.catalog_nodes))


def test_a_small_import_is_what_the_registry_serves(graph, write, gql, tmp_path):
    report = write(lambda db: bulk.import_registry(db, ADMIN, _small(tmp_path / "in")))
    assert report.nodes["Run"] == 2 and report.edges == {
        "used_dataset_versions": 2, "generated_dataset_versions": 1, "generated_model_versions": 1,
        "serves": 1, "stages": 2}
    answer = gql("""{ modelVersion(model: "scoring", version: "1") { stage deployments { name } }
                      dataset(namespace: "s3://raw", name: "loans") { owner { name } tags } }""")
    assert "errors" not in answer, answer
    assert answer["data"]["modelVersion"]["stage"] == "PRODUCTION"
    impact = gql(IMPACT, {"of": {"datasetVersion": {"namespace": "s3://raw", "name": "loans",
                                                    "version": "2026-03-02"}}})["data"]["impact"]
    assert {c["kind"]: c["count"] for c in impact["counts"]} == {
        "Run": 2, "DatasetVersion": 1, "ModelVersion": 1, "Model": 1, "Deployment": 1}


@pytest.mark.parametrize(("file", "rows", "problem"), [
    ("datasets.jsonl", [{"namespace": "s3://raw", "name": "loans", "owner": "risk", "privacy": "SECRETISH"}],
     "datasets.jsonl:1: privacy"),
    ("datasets.jsonl", [{"namespace": "s3://raw", "name": "loans", "owner": "risk"}, "{not json"],
     "datasets.jsonl:2: not JSON"),
    ("datasets.jsonl", [{"namespace": "s3://raw", "name": "loans", "owner": "nobody"}],
     "datasets.jsonl:1: owner team 'nobody' is not in the import"),
    ("datasets.jsonl", [{"namespace": "s3://raw", "name": "loans", "owner": "risk", "colour": "red"}],
     "datasets.jsonl:1: unknown field(s) colour"),
    ("runs.jsonl", [{"run_id": "r", "job_namespace": "airflow", "job_name": "clean_loans",
                     "inputs": {"dataset_versions": [{"namespace": "s3://raw", "name": "loans", "version": "1999"}]}}],
     "runs.jsonl:1: inputs.dataset_versions[0]: dataset_version s3://raw/loans/1999 is not in the import"),
    ("runs.jsonl", [{"run_id": "r", "job_namespace": "airflow", "job_name": "clean_loans",
                     "started_at": "2999-01-01T00:00:00Z"}], "runs.jsonl:1: started_at"),
    ("teams.jsonl", [{"name": "risk"}, {"name": "risk"}], "teams.jsonl:2: team risk is already at"),
])
def test_a_bad_row_is_refused_with_its_file_and_line_and_nothing_is_written(graph, write, tmp_path, file, rows,
                                                                           problem):
    directory = _small(tmp_path / "in", **{file: rows})
    with pytest.raises(InvalidImport) as refused:
        write(lambda db: bulk.import_registry(db, ADMIN, directory))
    assert problem in refused.value.message
    assert str(directory / file) in refused.value.message
    assert _catalog_count(write) == 0


def test_a_second_import_is_refused_unless_allowed_and_then_may_reuse_no_id(graph, write, tmp_path):
    directory = _small(tmp_path / "in")
    write(lambda db: bulk.import_registry(db, ADMIN, directory))
    before = fingerprint(graph)
    with pytest.raises(Conflict, match="already holds"):
        write(lambda db: bulk.import_registry(db, ADMIN, directory))
    parsed = parse(directory, principal="x", now=datetime.now(UTC))
    team_id = graph("catalog.get_teams_by_key", keys=[{"name": "risk"}])[0]["node"]["id"]
    other = _small(tmp_path / "other", **{"teams.jsonl": [{"name": "risk2", "id": team_id}],
                                          "datasets.jsonl": [], "dataset_versions.jsonl": [], "jobs.jsonl": [],
                                          "runs.jsonl": [], "models.jsonl": [], "model_versions.jsonl": [],
                                          "deployments.jsonl": []})
    with pytest.raises(InvalidImport, match=f"teams.jsonl:1: id {team_id} is already a node"):
        write(lambda db: bulk.import_registry(db, ADMIN, other, allow_nonempty=True))
    assert fingerprint(graph) == before and parsed.node_count == 12


def test_only_admins_import(graph, write, tmp_path):
    with pytest.raises(Forbidden):
        write(lambda db: bulk.import_registry(db, CONTRIBUTOR, _small(tmp_path / "in")))
    assert _catalog_count(write) == 0


def test_a_write_that_fails_part_way_is_undone(graph, write, tmp_path, monkeypatch):
    async def broken(tx, shape, rows):
        raise RuntimeError("Neo4j went away")

    monkeypatch.setattr(bulk_repository, "link_edges", broken)
    with pytest.raises(bulk.ImportFailed, match="deleted again"):
        write(lambda db: bulk.import_registry(db, ADMIN, _small(tmp_path / "in")))
    assert _catalog_count(write) == 0
    assert [n for n in fingerprint(graph)[0] if '"Stage"' not in n] == []


def test_the_import_is_one_audit_entry_and_the_chain_holds(graph, write, gql, run_cypher, tmp_path):
    directory = _small(tmp_path / "in")
    report = write(lambda db: bulk.import_registry(db, ADMIN, directory))
    events = [r["event"] for r in run_cypher("admin.audit_events") if r["event"]["action"] == "bulkImport"]
    assert len(events) == 1
    after = json.loads(events[0]["after"])
    assert after["digest"] == report.digest == parse(directory, principal="x", now=datetime.now(UTC)).digest
    assert after["nodes"]["DatasetVersion"] == 2 and after["edges"]["serves"] == 1
    assert events[0]["actor"] == "importer"
    verdict = gql("{ verifyAudit { ok checked } }")["data"]["verifyAudit"]
    assert verdict["ok"] and verdict["checked"] >= 1


def test_the_cli_imports_with_an_admin_token_and_refuses_others(graph, settings, principal_headers, tmp_path):
    env = {"NEO4J_URI": settings.effective_neo4j_uri, "NEO4J_USER": settings.neo4j_user,
           "NEO4J_PASSWORD": settings.neo4j_password, "LINEAGEGRAPH_BOOTSTRAP_TOKEN": ADMIN_TOKEN}
    viewer = principal_headers("vera", roles=["viewer"])["Authorization"].removeprefix("Bearer ")
    directory = _small(tmp_path / "in")
    runner = CliRunner()
    refused = runner.invoke(main, ["import", "registry", str(directory)], env={**env, "LINEAGEGRAPH_TOKEN": viewer})
    assert refused.exit_code == 4, refused.output
    bad = _small(tmp_path / "bad", **{"teams.jsonl": [{"name": "risk"}, "[]"]})
    refused = runner.invoke(main, ["import", "registry", str(bad)], env={**env, "LINEAGEGRAPH_TOKEN": ADMIN_TOKEN})
    assert refused.exit_code == 1 and "teams.jsonl:2" in refused.output
    done = runner.invoke(main, ["import", "registry", str(directory), "--json"],
                         env={**env, "LINEAGEGRAPH_TOKEN": ADMIN_TOKEN})
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["nodes"]["Deployment"] == 1
    again = runner.invoke(main, ["import", "registry", str(directory)], env={**env, "LINEAGEGRAPH_TOKEN": ADMIN_TOKEN})
    assert again.exit_code == 1 and "already holds" in again.output


def test_export_writes_one_file_per_kind(tmp_path):
    registry = generate(500, seed=3)
    written = export_registry(registry, tmp_path)
    assert sum(written.values()) == registry.node_count - len(registry.rows[9])
    parsed = parse(tmp_path, principal="x", now=datetime.now(UTC))
    assert parsed.node_count == sum(written.values())
