"""recordHealthSignal, for the tools that are not Alertmanager: a drift monitor on a model version, an
evaluation job on a deployment; idempotent on the key, resolved by the same key, team-scoped; and
`health` read through one batched statement for every deployment and model version of a response —
impact items and provenance nodes included."""

from __future__ import annotations

from tests.catalog.fingerprint import audit_fingerprint, graph_fingerprint
from tests.conftest import load_demo
from tests.monitoring import support
from tests.monitoring.support import RECORD

DRIFT = {"modelVersion": {"model": "credit-scoring", "version": "2"}, "metric": "psi_income", "severity": "WARNING",
         "source": "evidently", "value": 0.31, "threshold": 0.2, "startsAt": "2026-11-30T06:00:00Z",
         "summary": "income distribution drifted", "labels": [{"name": "feature", "value": "income"}]}
MV_HEALTH = """{ modelVersion(model: "credit-scoring", version: "2") {
  health { state firingCount signalCount recentSignals { key metric status labels { name value } } } } }"""


def _record(gql, headers=None, **input) -> dict:
    return gql(RECORD, {"input": input}, headers=headers)["data"]["recordHealthSignal"]


def test_a_drift_monitor_records_and_resolves_a_signal_on_a_model_version(client, settings, queries, graph, gql,
                                                                         run_cypher):
    load_demo(settings, queries)
    assert gql(MV_HEALTH)["data"]["modelVersion"]["health"]["state"] == "UNKNOWN"
    recorded = _record(gql, **DRIFT, key="evidently:run-881:psi_income")
    assert recorded["__typename"] == "HealthSignalRecorded", recorded
    assert (recorded["created"], recorded["changed"], recorded["health"]) == (True, True, "DEGRADED")
    assert recorded["signal"]["key"] == "key:evidently:run-881:psi_income" and recorded["response"] is None
    health = gql(MV_HEALTH)["data"]["modelVersion"]["health"]
    assert (health["state"], health["firingCount"], health["signalCount"]) == ("DEGRADED", 1, 1)
    assert health["recentSignals"][0]["labels"] == [{"name": "feature", "value": "income"}]
    # The deployment serving it is not the version: its health is its own.
    assert support.health(gql)["health"]["state"] == "UNKNOWN"

    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    again = _record(gql, **{**DRIFT, "value": 0.5}, key="evidently:run-881:psi_income")
    assert (again["created"], again["changed"]) == (False, False)
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before

    resolved = _record(gql, **DRIFT, key="evidently:run-881:psi_income", status="RESOLVED",
                       endsAt="2026-11-30T07:00:00Z")
    assert (resolved["created"], resolved["changed"], resolved["health"]) == (False, True, "HEALTHY")
    assert resolved["signal"]["status"] == "RESOLVED" and resolved["signal"]["endsAt"].startswith("2026-11-30T07:00")
    trail = gql("""{ auditTrail(of: {kind: "ModelVersion", key: "credit-scoring/2"}, first: 2) {
        edges { node { action before after } } } }""")["data"]["auditTrail"]["edges"]
    assert [e["node"]["action"] for e in trail] == ["recordHealthSignal", "recordHealthSignal"]
    assert trail[0]["node"]["before"] == {"status": "firing", "health": "DEGRADED"}


def test_without_a_key_the_same_target_source_metric_and_start_are_the_same_signal(client, settings, queries, graph,
                                                                                    gql):
    load_demo(settings, queries)
    first = _record(gql, **DRIFT)
    second = _record(gql, **DRIFT)
    assert first["signal"]["key"].startswith("derived:") and first["signal"]["id"] == second["signal"]["id"]
    assert (second["created"], second["changed"]) == (False, False)
    later = _record(gql, **{**DRIFT, "startsAt": "2026-11-30T06:05:00Z"})
    assert later["created"] and later["signal"]["id"] != first["signal"]["id"]


def test_a_critical_signal_on_production_opens_an_incident_once_through_the_mutation_too(client, settings, queries,
                                                                                          graph, gql):
    load_demo(settings, queries)
    signal = {"deployment": {"environment": "PRODUCTION", "name": "credit-scoring-api"}, "metric": "auc_live",
              "severity": "CRITICAL", "source": "nightly-eval", "value": 0.61, "threshold": 0.75,
              "startsAt": "2026-11-30T05:00:00Z", "key": "nightly-eval/2026-11-30"}
    first = _record(gql, **signal)
    response = first["response"]
    assert first["health"] == "CRITICAL" and response["incidentCreated"] is True
    assert response["incident"]["startKey"] == "credit-scoring@2" and response["suspectCount"] > 0
    assert response["rolledBackTo"] == {"modelName": "credit-scoring", "version": "1"}
    assert response["rollbackRefused"] is None
    replay = _record(gql, **signal)
    assert replay["changed"] is False and replay["response"] is None
    assert len(support.incidents(gql)) == 1
    # A critical signal in staging is recorded and acted on nowhere (the policy lists production only).
    staged = _record(gql, **{**signal, "deployment": {"environment": "STAGING", "name": "credit-scoring-staging"},
                             "key": "nightly-eval/staging"})
    assert staged["health"] == "CRITICAL" and staged["response"] is None
    assert len(support.incidents(gql)) == 1


def test_refusals_name_the_field_and_write_nothing(client, settings, queries, graph, gql, run_cypher,
                                                   principal_headers):
    load_demo(settings, queries)
    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    cases = [
        ({**DRIFT, "deployment": {"environment": "PRODUCTION", "name": "credit-scoring-api"}}, "InvalidInputError",
         "input"),
        ({k: v for k, v in DRIFT.items() if k != "modelVersion"}, "InvalidInputError", "input"),
        ({**DRIFT, "status": "RESOLVED", "endsAt": "2026-11-30T05:00:00Z"}, "InvalidInputError", "endsAt"),
        ({**DRIFT, "endsAt": "2026-11-30T07:00:00Z"}, "InvalidInputError", "endsAt"),
        ({**DRIFT, "startsAt": "2099-01-01T00:00:00Z"}, "InvalidInputError", "startsAt"),
        ({**DRIFT, "metric": " "}, "InvalidInputError", "metric"),
        ({**DRIFT, "key": "x" * 300}, "InvalidInputError", "key"),
        ({**DRIFT, "labels": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]}, "InvalidInputError",
         "labels"),
        ({**DRIFT, "modelVersion": {"model": "credit-scoring", "version": "99"}}, "NotFoundError", None),
        ({k: v for k, v in {**DRIFT, "deployment": {"environment": "PRODUCTION", "name": "nope"}}.items()
          if k != "modelVersion"}, "NotFoundError", None),
    ]
    for input, typename, field in cases:
        answer = _record(gql, **input)
        assert answer["__typename"] == typename, (input, answer)
        if field is not None:
            assert answer["field"] == field, (input, answer)
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before

    other = principal_headers("platform-drift", roles=["monitor"], teams=["ml-platform"])
    contributor = principal_headers("risk-ci", roles=["contributor"], teams=["credit-risk"])
    graph_before = graph_fingerprint(run_cypher)
    for headers in (other, contributor):
        assert _record(gql, headers=headers, **DRIFT)["__typename"] == "ForbiddenError"
    assert graph_fingerprint(run_cypher) == graph_before
    # A key names one signal of one target: reusing it elsewhere is a conflict.
    assert _record(gql, **DRIFT, key="shared")["created"]
    clash = _record(gql, **{**DRIFT, "modelVersion": {"model": "credit-scoring", "version": "1"}}, key="shared")
    assert clash["__typename"] == "ConflictError" and clash["code"] == "CONFLICT"


PAGE = """{ deployments(first: 50) { nodes { environment name health(recent: 2) { state signalCount
  recentSignals { metric } } modelVersion { health { state } } } } }"""
IMPACT = """{ impact(of: {datasetVersion: {namespace: "s3://raw", name: "transactions", version: "2026-03-08"}},
  first: 100) { items { kind node { __typename ... on Deployment { name health { state firingCount } }
                                   ... on ModelVersion { version health { state } } } } } }"""
PROVENANCE = """{ provenance(of: {deployment: {environment: PRODUCTION, name: "credit-scoring-api"}}) {
  nodes { __typename ... on Deployment { name health { state } } ... on ModelVersion { version health { state } } } } }"""


def test_health_in_pages_impact_items_and_provenance_is_one_statement_per_request(client, settings, queries, graph,
                                                                                  gql):
    load_demo(settings, queries)
    _record(gql, deployment={"environment": "PRODUCTION", "name": "support-assistant"}, metric="latency_p99",
            severity="WARNING", source="slo", startsAt="2026-11-30T05:00:00Z")
    _record(gql, **DRIFT)
    db = client.app.state.db

    def statements(document: str) -> tuple[int, dict]:
        before = db.statements_run
        answer = gql(document)
        assert "errors" not in answer, answer
        return db.statements_run - before, answer["data"]

    def without_health(document: str) -> str:
        return (document.replace(" health(recent: 2) { state signalCount\n  recentSignals { metric } }", "")
                .replace(" modelVersion { health { state } }", " modelVersion { version }")
                .replace(" health { state firingCount }", "").replace(" health { state }", ""))

    # One more statement per level of the response that shows health (the page's deployments and their
    # served versions are two levels), however many items each level holds.
    for document, levels in ((PAGE, 2), (IMPACT, 1), (PROVENANCE, 1)):
        with_health, data = statements(document)
        plain, _ = statements(without_health(document))
        assert with_health == plain + levels, (document, with_health, plain)

    _, page = statements(PAGE)
    states = {d["name"]: d["health"]["state"] for d in page["deployments"]["nodes"]}
    assert states["support-assistant"] == "DEGRADED" and states["credit-scoring-api"] == "UNKNOWN"
    _, impact = statements(IMPACT)
    nodes = [i["node"] for i in impact["impact"]["items"]]
    assert {n["name"]: n["health"]["state"] for n in nodes if n["__typename"] == "Deployment"}["credit-scoring-api"] \
        == "UNKNOWN"
    assert {n["version"]: n["health"]["state"] for n in nodes if n["__typename"] == "ModelVersion"}["2"] == "DEGRADED"
    _, provenance = statements(PROVENANCE)
    versions = {n["version"]: n["health"]["state"] for n in provenance["provenance"]["nodes"]
                if n["__typename"] == "ModelVersion"}
    assert versions["2"] == "DEGRADED"
    # The bound on recent signals is checked.
    refused = gql("""{ deployment(environment: PRODUCTION, name: "credit-scoring-api") { health(recent: 101) {
        state } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_recent_signals_are_the_newest_by_start_for_each_field_of_one_batched_read(client, settings, queries, graph,
                                                                                   gql):
    """The statement sorts only the newest of a target's signals (the most any field of the request asks
    for): more signals than that, in a shuffled order, two fields asking for different counts in one
    request. Compared with the rule computed here: newest start first, then the newest recording."""
    import random

    load_demo(settings, queries)
    rng = random.Random(3)
    starts = [f"2026-11-{day:02d}T{hour:02d}:00:00Z" for day in range(1, 29) for hour in (3, 9)]
    rng.shuffle(starts)
    for index, starts_at in enumerate(starts[:30]):
        recorded = _record(gql, **{**DRIFT, "startsAt": starts_at, "severity": rng.choice(["WARNING", "INFO"])},
                           key=f"evidently:shuffled-{index}")
        assert recorded["__typename"] == "HealthSignalRecorded", recorded
    answer = gql("""{ modelVersion(model: "credit-scoring", version: "2") {
        few: health(recent: 3) { signalCount recentSignals { key startsAt } }
        more: health(recent: 12) { signalCount recentSignals { key startsAt } }
        none: health(recent: 0) { signalCount firingCount recentSignals { key } } } }""")["data"]["modelVersion"]
    newest = sorted(((s, f"key:evidently:shuffled-{i}") for i, s in enumerate(starts[:30])), reverse=True)
    for field, count in (("few", 3), ("more", 12), ("none", 0)):
        assert answer[field]["signalCount"] == 30
        assert [s["key"] for s in answer[field]["recentSignals"]] == [key for _, key in newest[:count]], field
    assert answer["none"]["firingCount"] == 30
