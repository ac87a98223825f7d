"""Impact and provenance on the demo registry: the answers an incident responder and a
compliance reviewer get, spelled out."""

from __future__ import annotations


import pytest

from tests.conftest import load_demo


IMPACT = """query($of: ImpactStartInput!, $maxDepth: Int! = 25, $budget: Int! = 50000, $first: Int! = 100,
                 $after: String, $asOf: DateTime, $kinds: [ImpactKind!], $env: Environment,
                 $createdAfter: DateTime, $createdBefore: DateTime) {
  impact(of: $of, maxDepth: $maxDepth, nodeBudget: $budget, first: $first, after: $after, asOf: $asOf,
         kinds: $kinds, environment: $env, createdAfter: $createdAfter, createdBefore: $createdBefore) {
    complete cutReasons startCount totalCount hasNextPage endCursor
    counts { kind count }
    owners { name }
    items { kind depth path { nodes { kind name } edges }
      node { __typename
        ... on DatasetVersion { namespace name version }
        ... on Feature { group name }
        ... on Run { runId jobName }
        ... on ModelVersion { modelName version }
        ... on Model { name }
        ... on Deployment { environment name } } }
  } }"""

CORRUPTED = {"datasetVersion": {"namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}}


@pytest.fixture(scope="module")
def demo_registry(client, settings, queries, run_cypher_module):
    run_cypher_module("admin.wipe_registry")
    load_demo(settings, queries)


@pytest.fixture(scope="module")
def run_cypher_module(neo4j_driver, settings, queries):
    def run(name: str, **params):
        records, _, _ = neo4j_driver.execute_query(queries[name].text, params, database_=settings.neo4j_database)
        return [record.data() for record in records]

    return run


def _label(node: dict) -> str:
    kind = node["__typename"]
    if kind == "DatasetVersion":
        return f"{node['namespace']}/{node['name']}@{node['version']}"
    if kind == "Feature":
        return f"{node['group']}/{node['name']}"
    if kind == "Run":
        return f"run of {node['jobName']}"
    if kind == "ModelVersion":
        return f"{node['modelName']}:{node['version']}"
    if kind == "Deployment":
        return f"{node['environment']}/{node['name']}"
    return node["name"]


def test_impact_of_the_corrupted_raw_version_is_exactly_the_expected_set(demo_registry, gql):
    answer = gql(IMPACT, {"of": CORRUPTED})["data"]["impact"]
    assert answer["complete"] is True and answer["cutReasons"] == []
    by_kind: dict[str, set[str]] = {}
    for item in answer["items"]:
        by_kind.setdefault(item["kind"], set()).add(_label(item["node"]))
    assert by_kind == {
        "Run": {"run of clean_transactions", "run of train_credit_scoring"},
        "DatasetVersion": {"s3://curated/transactions_clean@2026-03-08"},
        "Feature": {"credit/txn_amount_30d", "credit/txn_count_7d"},
        "ModelVersion": {"credit-scoring:2"},
        "Model": {"credit-scoring"},
        "Deployment": {"PRODUCTION/credit-scoring-api", "STAGING/credit-scoring-staging"},
    }
    # The production deployment comes first, and its path explains it hop by hop.
    first = answer["items"][0]
    assert _label(first["node"]) == "PRODUCTION/credit-scoring-api"
    assert first["path"]["nodes"][0] == {"kind": "DatasetVersion", "name": "s3://raw/transactions@2026-03-08"}
    assert first["path"]["nodes"][2] == {"kind": "DatasetVersion", "name": "s3://curated/transactions_clean@2026-03-08"}
    assert first["path"]["nodes"][-1] == {"kind": "Deployment", "name": "production/credit-scoring-api"}
    assert first["path"]["edges"][0] == "USED" and first["path"]["edges"][-1] == "SERVES"
    assert len(first["path"]["edges"]) == len(first["path"]["nodes"]) - 1 == first["depth"]
    assert all(item["path"]["nodes"] for item in answer["items"])
    assert {c["kind"]: c["count"] for c in answer["counts"]} == {k: len(v) for k, v in by_kind.items()}
    assert {"credit-risk"} <= {o["name"] for o in answer["owners"]}
    assert "ml-platform" not in {o["name"] for o in answer["owners"]}


def test_a_depth_cut_is_reported_as_incomplete(demo_registry, gql):
    answer = gql(IMPACT, {"of": CORRUPTED, "maxDepth": 2})["data"]["impact"]
    assert answer["complete"] is False and answer["cutReasons"] == ["DEPTH_LIMIT"]
    assert all(item["depth"] <= 2 or item["kind"] == "Model" for item in answer["items"])
    assert answer["totalCount"] > 0


def test_a_node_budget_cut_is_reported_as_incomplete(demo_registry, gql):
    answer = gql(IMPACT, {"of": CORRUPTED, "budget": 3})["data"]["impact"]
    assert answer["complete"] is False and "NODE_BUDGET" in answer["cutReasons"]
    assert sum(c["count"] for c in answer["counts"]) == 3


def test_pages_and_filters(demo_registry, gql):
    whole = gql(IMPACT, {"of": CORRUPTED})["data"]["impact"]
    seen, after = [], None
    while True:
        page = gql(IMPACT, {"of": CORRUPTED, "first": 3, "after": after})["data"]["impact"]
        seen += [_label(i["node"]) for i in page["items"]]
        if not page["hasNextPage"]:
            break
        after = page["endCursor"]
    assert seen == [_label(i["node"]) for i in whole["items"]]
    production = gql(IMPACT, {"of": CORRUPTED, "kinds": ["DEPLOYMENT"], "env": "PRODUCTION"})["data"]["impact"]
    assert [_label(i["node"]) for i in production["items"]] == ["PRODUCTION/credit-scoring-api"]


def test_impact_of_a_time_window_of_a_dataset_and_of_an_unknown_start(demo_registry, gql):
    window = gql(IMPACT, {"of": {"dataset": {"namespace": "s3://raw", "name": "transactions"}},
                          "createdAfter": "2026-03-07T00:00:00Z", "createdBefore": "2026-03-09T00:00:00Z"})
    answer = window["data"]["impact"]
    assert answer["startCount"] == 1
    assert "credit-scoring:2" in {_label(i["node"]) for i in answer["items"]}
    missing = gql(IMPACT, {"of": {"datasetVersion": {"namespace": "s3://raw", "name": "nope", "version": "1"}}})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    two_starts = gql(IMPACT, {"of": {"runId": "x", "feature": {"group": "credit", "name": "y"}}})
    assert two_starts["errors"][0]["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")


def test_impact_runs_in_one_traversal(demo_registry, gql, client):
    before = client.app.state.db.statements_run
    gql(IMPACT, {"of": CORRUPTED})
    # the start lookup and the traversal; owners come through one batched loader
    assert client.app.state.db.statements_run - before <= 3


PROVENANCE = """query($of: ProvenanceStartInput!, $asOf: DateTime) { provenance(of: $of, asOf: $asOf) {
  complete licenses privacyClasses rawSources { namespace name license privacy }
  nodes { __typename ... on ModelVersion { modelName version } ... on Run { runId codeCommit parameters { name value } }
          ... on Dataset { namespace name license } ... on Deployment { name } }
  edges { type } } }"""


def test_provenance_of_the_production_deployment_lists_every_raw_source_and_license(demo_registry, gql):
    answer = gql(PROVENANCE, {"of": {"deployment": {"environment": "PRODUCTION", "name": "credit-scoring-api"}}})
    provenance = answer["data"]["provenance"]
    assert provenance["complete"] is True
    raw = {(d["namespace"], d["name"]) for d in provenance["rawSources"]}
    # What serves production passed its gate: no non-commercial source upstream (the demo's v3 has one).
    assert raw == {("s3://raw", "transactions"), ("s3://raw", "customers")}
    assert provenance["licenses"] == ["proprietary"]
    assert {(d["name"], d["license"]) for d in provenance["rawSources"]} == {
        ("transactions", "proprietary"), ("customers", "proprietary")}
    assert "PII" in provenance["privacyClasses"]
    versions = {(n["modelName"], n["version"]) for n in provenance["nodes"] if n["__typename"] == "ModelVersion"}
    assert versions == {("credit-scoring", "2")}
    runs = [n for n in provenance["nodes"] if n["__typename"] == "Run"]
    assert runs and all(run["codeCommit"] for run in runs)
    assert {"SERVES", "WAS_GENERATED_BY", "USED", "VERSION_OF"} <= {e["type"] for e in provenance["edges"]}


def test_provenance_as_of_before_the_redeployment_returns_the_version_deployed_then(demo_registry, gql):
    of = {"deployment": {"environment": "PRODUCTION", "name": "credit-scoring-api"}}
    then = gql(PROVENANCE, {"of": of, "asOf": "2026-03-15T00:00:00Z"})["data"]["provenance"]
    versions = {(n["modelName"], n["version"]) for n in then["nodes"] if n["__typename"] == "ModelVersion"}
    assert versions == {("credit-scoring", "1")}
    assert "CC-BY-NC-4.0" not in then["licenses"]  # only the candidate, version 3, uses the bureau scores


def test_provenance_of_the_fine_tuned_model_reaches_its_base_model(demo_registry, gql):
    answer = gql(PROVENANCE, {"of": {"modelVersion": {"model": "support-assistant", "version": "1.0"}}})
    provenance = answer["data"]["provenance"]
    versions = {(n["modelName"], n["version"]) for n in provenance["nodes"] if n["__typename"] == "ModelVersion"}
    assert versions == {("support-assistant", "1.0"), ("base-llm", "7b-v1")}
    assert "CC-BY-SA-4.0" in provenance["licenses"]


LINEAGE = """query($of: LineageStartInput!, $direction: Direction!, $depth: Int!) {
  lineage(of: $of, direction: $direction, depth: $depth) { complete cutReasons
    nodes { depth node { __typename ... on Run { jobName } ... on ModelVersion { version } ... on DatasetVersion { name version } } }
    edges { type } } }"""


def test_lineage_subgraph_one_hop_downstream_is_cut_and_says_so(demo_registry, gql):
    graph = gql(LINEAGE, {"of": CORRUPTED, "direction": "DOWNSTREAM", "depth": 1})["data"]["lineage"]
    assert graph["complete"] is False and graph["cutReasons"] == ["DEPTH_LIMIT"]
    assert [(n["depth"], n["node"]["__typename"]) for n in graph["nodes"]] == [(0, "DatasetVersion"), (1, "Run")]
    assert graph["nodes"][1]["node"]["jobName"] == "clean_transactions"
    assert [e["type"] for e in graph["edges"]] == ["USED"]


def test_lineage_subgraph_downstream_of_a_model_lists_its_versions(demo_registry, gql):
    graph = gql(LINEAGE, {"of": {"model": "credit-scoring"}, "direction": "DOWNSTREAM", "depth": 1})["data"]["lineage"]
    versions = sorted(n["node"]["version"] for n in graph["nodes"] if n["node"]["__typename"] == "ModelVersion")
    assert versions == ["1", "2", "3"]
    assert {e["type"] for e in graph["edges"]} == {"VERSION_OF"}


def test_lineage_subgraph_upstream_reaches_the_raw_snapshot_and_rejects_bad_depths(demo_registry, gql):
    of = {"datasetVersion": {"namespace": "s3://curated", "name": "transactions_clean", "version": "2026-03-08"}}
    graph = gql(LINEAGE, {"of": of, "direction": "UPSTREAM", "depth": 5})["data"]["lineage"]
    assert graph["complete"] is True
    snapshots = {(n["node"]["name"], n["node"]["version"]) for n in graph["nodes"] if n["node"]["__typename"] == "DatasetVersion"}
    assert ("transactions", "2026-03-08") in snapshots
    too_deep = gql(LINEAGE, {"of": of, "direction": "UPSTREAM", "depth": 26})
    assert too_deep["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "depth"}


# The same impact asked with less selected: the service computes only what is selected (owners,
# paths, path node names), and what is selected reads the same, through fragments too.
FULL = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) {
  totalCount counts { kind count } owners { name } items { kind depth node { ... on Record { id } } path { nodes { kind id name } edges } } } }"""
EDGES_ONLY = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) {
  totalCount counts { kind count } items { kind depth node { ... on Record { id } } path { edges } } } }"""
NO_PATHS = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) {
  totalCount counts { kind count } items { kind depth node { ... on Record { id } } } } }"""
THROUGH_FRAGMENTS = """query($of: ImpactStartInput!) { impact(of: $of, first: 100) { ...Answer } }
fragment Answer on ImpactAnswer { totalCount counts { kind count } ... on ImpactAnswer { owners { name } }
  items { kind depth node { ... on Record { id } } ...Why } }
fragment Why on ImpactItem { path { ... on ExplanationPath { nodes { kind id name } } edges } }"""


def test_impact_answers_alike_whatever_is_selected(demo_registry, gql):
    full = gql(FULL, {"of": CORRUPTED})["data"]["impact"]
    assert full["owners"] and all(item["path"]["nodes"] for item in full["items"])

    def without(answer: dict, *keys: str) -> dict:
        return {**{k: v for k, v in answer.items() if k not in keys},
                "items": [{k: v for k, v in item.items() if k != "path"} for item in answer["items"]]}

    edges = gql(EDGES_ONLY, {"of": CORRUPTED})["data"]["impact"]
    assert [item["path"]["edges"] for item in edges["items"]] == [item["path"]["edges"] for item in full["items"]]
    assert without(edges) == without(full, "owners")
    assert gql(NO_PATHS, {"of": CORRUPTED})["data"]["impact"] == without(full, "owners")
    assert gql(THROUGH_FRAGMENTS, {"of": CORRUPTED})["data"]["impact"] == full
