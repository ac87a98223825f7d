"""rollbackDeployment through the deployment gate, on the demo: production goes back only to an
earlier version that passes production's requirements now; otherwise a refusal says why for each
candidate, audited, with nothing else written — unless an admin breaks glass."""

from __future__ import annotations

import pytest

from tests.catalog.fingerprint import graph_fingerprint
from tests.conftest import load_demo
from tests.incident import support

TRAIL = """{ auditTrail(of: {kind: "Deployment", key: "production/credit-scoring-api"}, first: 3) {
  edges { node { action actor outcome after } } } }"""
HISTORY = """{ deployment(environment: PRODUCTION, name: "credit-scoring-api") {
  servingHistory { modelVersion { version } rollback rollbackReason by breakGlass { reason by overrode } } } }"""
ARCHIVE_V1 = """mutation { promoteModelVersion(input: {modelVersion: {model: "credit-scoring", version: "1"},
  stage: ARCHIVED}) { __typename } }"""


@pytest.fixture
def incident(client, settings, queries, graph, gql):
    """The demo, the corrupted snapshot quarantined (version 2, serving production, is flagged), and
    version 1 — the only version production served before — archived since."""
    load_demo(settings, queries)
    assert support.quarantine(gql, datasetVersion=support.CORRUPTED)["__typename"] == "Quarantine"
    assert gql(ARCHIVE_V1)["data"]["promoteModelVersion"]["__typename"] == "Promoted"
    return graph


def _trail(gql) -> list[dict]:
    return [e["node"] for e in gql(TRAIL)["data"]["auditTrail"]["edges"]]


def test_rollback_refuses_an_archived_version_and_says_why_for_each_candidate(incident, gql):
    before = graph_fingerprint(incident)
    refused = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert refused["__typename"] == "DeploymentRefused", refused
    assert refused["code"] == "DEPLOYMENT_REFUSED" and "none of the 1 version(s)" in refused["message"]
    (candidate,) = refused["candidates"]
    assert candidate["modelVersion"] == {"modelName": "credit-scoring", "version": "1"}
    assert candidate["lastServed"].startswith("2026-03-20T09:00:00")
    assert [u["kind"] for u in candidate["unmet"]] == ["STAGE"] and "ARCHIVED" in candidate["unmet"][0]["message"]
    assert refused["unmet"] == candidate["unmet"]
    # Nothing changed: production still serves the quarantined version 2, and the attempt is on record.
    assert graph_fingerprint(incident) == before
    assert support.serving(gql) == "credit-scoring@2"
    denied = _trail(gql)[0]
    assert (denied["action"], denied["outcome"]) == ("rollbackDeployment", "denied")
    assert denied["after"]["serving"] == "credit-scoring@2"
    assert list(denied["after"]["candidates"]) == ["credit-scoring@1"]
    assert denied["after"]["candidates"]["credit-scoring@1"][0].startswith("STAGE: ")


def test_a_gate_that_no_longer_passes_refuses_the_rollback_too(client, settings, queries, graph, gql):
    load_demo(settings, queries)
    failed = gql("""mutation { recordCheck(input: {modelVersion: {model: "credit-scoring", version: "1"},
        kind: BIAS_ASSESSMENT, status: FAILED, note: "re-run on Q1 data: disparate impact"}) { __typename } }""")
    assert failed["data"]["recordCheck"]["__typename"] == "CheckRecorded"
    support.quarantine(gql, datasetVersion=support.CORRUPTED)
    refused = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert refused["__typename"] == "DeploymentRefused", refused
    assert [(u["kind"], u["message"]) for u in refused["unmet"]] == [
        ("CHECK", "The bias_assessment check is recorded as FAILED: it must be PASSED.")]


def test_an_admin_breaks_glass_and_the_rollback_records_the_override(incident, gql, principal_headers):
    steward = principal_headers("stella", roles=["data_steward"])
    before = graph_fingerprint(incident)
    forbidden = gql(support.ROLLBACK, {"input": {**support.PRODUCTION, "breakGlass": {"reason": "please"}}},
                    headers=steward)["data"]["rollbackDeployment"]
    assert forbidden["__typename"] == "ForbiddenError", forbidden
    assert graph_fingerprint(incident) == before

    reason = "INC-7: v2 serves doubled amounts; v1 archived but known good"
    rolled = gql(support.ROLLBACK, {"input": {**support.PRODUCTION, "breakGlass": {"reason": reason}}})
    rolled = rolled["data"]["rollbackDeployment"]
    assert rolled["__typename"] == "DeploymentRolledBack", rolled
    assert rolled["deployment"]["modelVersion"] == {"modelName": "credit-scoring", "version": "1"}
    last = gql(HISTORY)["data"]["deployment"]["servingHistory"][-1]
    assert last["modelVersion"] == {"version": "1"} and last["rollback"] is True
    assert last["rollbackReason"] == support.PRODUCTION["reason"]
    assert last["breakGlass"]["reason"] == reason and last["breakGlass"]["by"] == "bootstrap-admin"
    assert [line.split(":")[0] for line in last["breakGlass"]["overrode"]] == ["STAGE"]
    event = _trail(gql)[0]
    assert (event["action"], event["outcome"]) == ("rollbackDeployment", "ok")
    assert event["after"]["breakGlass"] == {"reason": reason, "overrode": last["breakGlass"]["overrode"]}
    # The incident view shows the override on the rollback it answers.
    (answered,) = rolled["incidents"]
    view = gql("""query($id: ID!) { incident(id: $id) { rollbacks { deployment { name } rolledBack
        breakGlass { reason by overrode } } } }""", {"id": answered["id"]})["data"]["incident"]["rollbacks"]
    assert view[0]["deployment"]["name"] == "credit-scoring-api" and view[0]["rolledBack"] is True
    assert view[0]["breakGlass"] == last["breakGlass"]
    assert view[1]["breakGlass"] is None  # staging was not rolled back


def test_rollback_passes_over_a_more_recent_version_that_fails_for_an_older_one_that_passes(
        client, settings, queries, graph, gql):
    """Production served 1, then 2, then (broken glass) the candidate 3. With 3 and the corrupted
    snapshot quarantined, 2 is quarantined too: the rollback skips it and returns to 1."""
    load_demo(settings, queries)
    forced = gql("""mutation { registerDeployment(input: {environment: PRODUCTION, name: "credit-scoring-api",
        serving: {model: "credit-scoring", version: "3"}, breakGlass: {reason: "exec demo"}}) { __typename } }""")
    assert forced["data"]["registerDeployment"]["__typename"] == "DeploymentRegistration", forced
    support.quarantine(gql, datasetVersion=support.CORRUPTED)
    support.quarantine(gql, modelVersion={"model": "credit-scoring", "version": "3"})
    rolled = gql(support.ROLLBACK, {"input": support.PRODUCTION})["data"]["rollbackDeployment"]
    assert rolled["__typename"] == "DeploymentRolledBack", rolled
    assert rolled["rolledBackFrom"] == {"modelName": "credit-scoring", "version": "3"}
    assert rolled["deployment"]["modelVersion"] == {"modelName": "credit-scoring", "version": "1"}
    spans = gql(HISTORY)["data"]["deployment"]["servingHistory"]
    assert [s["modelVersion"]["version"] for s in spans] == ["1", "2", "3", "1"]
    assert [s["breakGlass"] is not None for s in spans] == [False, False, True, False]
    assert spans[-1]["rollback"] is True
