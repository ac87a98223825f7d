"""POST /api/v1/alertmanager with Alertmanager's documented webhook payload, on the demo: an alert on
production/credit-scoring-api fires and resolves, the deployment's health shows it, the shipped
policy opens an incident (quarantining credit-scoring@2, naming its upstream) and rolls production
back to credit-scoring@1 — and a replayed notification changes nothing at all."""

from __future__ import annotations

from tests.catalog.fingerprint import audit_fingerprint, graph_fingerprint
from tests.conftest import load_demo
from tests.monitoring import support
from tests.monitoring.support import ALERTMANAGER, alert, notification

TRAIL = """query($key: String!) { auditTrail(of: {kind: "Deployment", key: $key}, first: 20) {
  edges { node { seq action actor outcome before after } } } }"""
SUSPECTS = """query($id: ID!) { incidentSuspects(incident: $id, first: 500) { totalCount items { kind depth
  node { __typename ... on DatasetVersion { quarantined } ... on ModelVersion { quarantined }
         ... on Run { runId } } } } }"""


def _post(client, body, headers=None, expect=200) -> dict:
    response = client.post(ALERTMANAGER, json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()


def _trail(gql, key="production/credit-scoring-api") -> list[dict]:
    return [e["node"] for e in gql(TRAIL, {"key": key})["data"]["auditTrail"]["edges"]]


def test_fire_and_resolve_for_the_demo_production_deployment(client, settings, queries, graph, gql, run_cypher):
    load_demo(settings, queries)
    assert support.health(gql)["health"] == {"state": "UNKNOWN", "firingCount": 0, "signalCount": 0,
                                             "recentSignals": []}
    firing = notification(alert("firing"))
    answer = _post(client, firing)
    assert answer["status"] == "committed" and answer["receiver"] == "lineagegraph"
    assert answer["counts"] == {"RECORDED": 1, "RESOLVED": 0, "UNCHANGED": 0, "UNMATCHED": 0}
    (outcome,) = answer["alerts"]
    assert outcome["outcome"] == "RECORDED" and outcome["deployment"] == "production/credit-scoring-api"
    assert outcome["health"] == "CRITICAL" and outcome["incidentCreated"] is True
    assert outcome["rolledBackTo"] == "credit-scoring@1"

    # The deployment's health shows it; the shipped policy quarantined v2 and rolled production back.
    shown = support.health(gql)
    assert shown["modelVersion"] == {"modelName": "credit-scoring", "version": "1", "quarantined": False}
    health = shown["health"]
    assert (health["state"], health["firingCount"], health["signalCount"]) == ("CRITICAL", 1, 1)
    (signal,) = health["recentSignals"]
    assert signal["status"] == "FIRING" and signal["severity"] == "CRITICAL" and signal["source"] == "alertmanager"
    assert signal["metric"] == "CreditScoringErrorRate" and signal["value"] == 0.083 and signal["threshold"] == 0.05
    assert signal["endsAt"] is None and signal["serving"] == "credit-scoring@2"
    assert signal["startsAt"].startswith("2026-11-30T08:00:00.123456")
    assert signal["key"] == f"alertmanager:{firing['alerts'][0]['fingerprint']}:2026-11-30T08:00:00.123456+00:00"
    incident = signal["incident"]
    assert incident["id"] == outcome["incident"] and incident["status"] == "OPEN"
    assert incident["startKey"] == "credit-scoring@2" and "CreditScoringErrorRate" in incident["reason"]
    # Every deployment serving v2 is to roll back; the policy rolled back the one that alerted.
    assert sorted((r["deployment"]["name"], r["rolledBack"]) for r in incident["rollbacks"]) == [
        ("credit-scoring-api", True), ("credit-scoring-staging", False)]
    # The incident names the version's upstream as suspects, flagging none of it.
    suspects = gql(SUSPECTS, {"id": incident["id"]})["data"]["incidentSuspects"]
    kinds = {item["kind"] for item in suspects["items"]}
    assert {"Run", "DatasetVersion", "Feature"} <= kinds and suspects["totalCount"] == len(suspects["items"])
    assert [item["depth"] for item in suspects["items"]] == sorted(item["depth"] for item in suspects["items"])
    assert suspects["items"][0]["kind"] == "Run" and suspects["items"][0]["depth"] == 1
    assert not any(item["node"].get("quarantined") for item in suspects["items"])
    assert gql(SUSPECTS, {"id": "no-such-incident"})["data"]["incidentSuspects"] is None
    # All audited, the policy's acts as system:monitoring.
    trail = _trail(gql)
    assert trail[0]["action"] == "rollbackDeployment" and trail[0]["actor"] == "system:monitoring"
    recorded = next(e for e in trail if e["action"] == "alertmanagerAlert")
    assert recorded["actor"] != "system:monitoring"  # the signal is the caller's; the response the policy's
    assert recorded["before"] is None and recorded["after"]["health"] == "CRITICAL"
    assert recorded["after"]["status"] == "firing" and recorded["after"]["serving"] == "credit-scoring@2"

    # A replayed notification changes nothing: no node, no audit entry, no second incident.
    graph_before, audit_before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    again = _post(client, firing)
    assert again["counts"]["UNCHANGED"] == 1 and again["alerts"][0]["outcome"] == "UNCHANGED"
    assert "incident" not in again["alerts"][0]
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == (graph_before, audit_before)
    assert len(support.incidents(gql)) == 1

    # Resolution updates the same signal.
    resolved = notification(alert("resolved", ends_at="2026-11-30T09:30:00Z"))
    answer = _post(client, resolved)
    assert answer["alerts"][0]["outcome"] == "RESOLVED" and answer["alerts"][0]["health"] == "HEALTHY"
    health = support.health(gql)["health"]
    assert (health["state"], health["firingCount"], health["signalCount"]) == ("HEALTHY", 0, 1)
    (signal,) = health["recentSignals"]
    assert signal["status"] == "RESOLVED" and signal["endsAt"].startswith("2026-11-30T09:30:00")
    assert signal["id"] == incident_signal_id(gql) and signal["resolvedAt"] is not None
    entry = _trail(gql)[0]
    assert entry["action"] == "alertmanagerAlert" and entry["before"] == {"status": "firing", "health": "CRITICAL"}
    assert entry["after"]["status"] == "resolved" and entry["after"]["health"] == "HEALTHY"

    # Replaying the resolution, or the old firing notification after it, changes nothing either.
    graph_before, audit_before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    for body in (resolved, firing):
        assert _post(client, body)["alerts"][0]["outcome"] == "UNCHANGED"
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == (graph_before, audit_before)
    # The incident stays OPEN: a resolved alert is not a release (a person decides that).
    assert [i["status"] for i in support.incidents(gql)] == ["OPEN"]


def incident_signal_id(gql) -> str:
    return support.health(gql)["health"]["recentSignals"][0]["id"]


def test_the_same_alert_firing_again_later_is_a_new_signal_and_meets_the_open_incident(client, settings, queries,
                                                                                        graph, gql):
    load_demo(settings, queries)
    _post(client, notification(alert("firing")))
    _post(client, notification(alert("resolved")))
    later = _post(client, notification(alert("firing", starts_at="2026-11-30T11:00:00Z")))["alerts"][0]
    # Production was rolled back to v1 by the first one; the new signal acts on what it serves now.
    assert later["outcome"] == "RECORDED" and later["health"] == "CRITICAL"
    assert later["incidentCreated"] is True
    health = support.health(gql)["health"]
    assert (health["state"], health["firingCount"], health["signalCount"]) == ("CRITICAL", 1, 2)
    assert [s["serving"] for s in health["recentSignals"]] == ["credit-scoring@1", "credit-scoring@2"]
    # v1 had nothing earlier to go back to that passes: the rollback is refused, and says so.
    assert "rollbackRefused" in later and "rolledBackTo" not in later
    assert sorted(i["startKey"] for i in support.incidents(gql)) == ["credit-scoring@1", "credit-scoring@2"]


def test_resolved_before_firing_records_a_resolved_signal_and_the_late_firing_changes_nothing(
        client, settings, queries, graph, gql, run_cypher):
    load_demo(settings, queries)
    first = _post(client, notification(alert("resolved")))["alerts"][0]
    assert first["outcome"] == "RECORDED" and first["health"] == "HEALTHY" and "incident" not in first
    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    late = _post(client, notification(alert("firing")))["alerts"][0]
    assert late["outcome"] == "UNCHANGED" and "incident" not in late
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before
    health = support.health(gql)
    assert health["health"]["state"] == "HEALTHY" and health["health"]["recentSignals"][0]["status"] == "RESOLVED"
    assert health["modelVersion"]["version"] == "2" and support.incidents(gql) == []


def test_unmatched_alerts_are_answered_200_with_the_reason_and_the_matched_ones_recorded(
        client, settings, queries, graph, gql):
    load_demo(settings, queries)
    body = notification(
        alert("firing", labels={"lineagegraph_environment": "production", "lineagegraph_deployment": "nope"}),
        alert("firing", labels={"team": "payments"}),
        alert("firing", labels={"lineagegraph_environment": "prod", "lineagegraph_deployment": "credit-scoring-api"}),
        alert("firing", labels={"lineagegraph_endpoint": "https://nowhere.example.com"}),
        alert("firing", severity="warning",
              labels={"lineagegraph_endpoint": "https://api.example.com/credit-scoring"}))
    answer = _post(client, body)
    assert answer["counts"] == {"RECORDED": 1, "RESOLVED": 0, "UNCHANGED": 0, "UNMATCHED": 4}
    reasons = [a.get("reason") for a in answer["alerts"]]
    assert "no deployment production/nope is registered" in reasons[0]
    assert "names no deployment" in reasons[1]
    assert "is not an environment" in reasons[2]
    assert "no deployment has the endpoint 'https://nowhere.example.com'" in reasons[3]
    # The last one matched by its endpoint alone: a warning degrades, and the policy does not act.
    last = answer["alerts"][4]
    assert last["outcome"] == "RECORDED" and last["deployment"] == "production/credit-scoring-api"
    assert last["health"] == "DEGRADED" and "incident" not in last
    assert support.incidents(gql) == []


def test_a_notification_with_no_alerts_is_answered_and_writes_nothing(client, settings, queries, graph, run_cypher):
    load_demo(settings, queries)
    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    assert _post(client, notification())["alerts"] == []
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before


def test_malformed_notifications_are_400_naming_the_field_and_write_nothing(client, settings, queries, graph,
                                                                            run_cypher):
    load_demo(settings, queries)
    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    good = notification(alert("firing"))
    cases = [
        ({**good, "version": "3"}, "version"),
        ({k: v for k, v in good.items() if k != "version"}, "version"),
        ({**good, "alerts": {"0": good["alerts"][0]}}, "alerts"),
        ({**good, "status": "burning"}, "status"),
        ({**good, "alerts": [{**good["alerts"][0], "status": "pending"}]}, "alerts[0].status"),
        ({**good, "alerts": [{**good["alerts"][0], "startsAt": "yesterday"}]}, "alerts[0].startsAt"),
        ({**good, "alerts": [{k: v for k, v in good["alerts"][0].items() if k != "startsAt"}]}, "alerts[0].startsAt"),
        ({**good, "alerts": [{k: v for k, v in good["alerts"][0].items() if k != "fingerprint"}]},
         "alerts[0].fingerprint"),
        ({**good, "alerts": [good["alerts"][0], {**good["alerts"][0], "labels": {"severity": 5}}]},
         "alerts[1].labels"),
        ({**good, "alerts": [{**good["alerts"][0], "annotations": ["summary"]}]}, "alerts[0].annotations"),
    ]
    for body, field in cases:
        answer = _post(client, body, expect=400)
        (error,) = answer["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST", "field": field}, (field, answer)
    for raw in (b"{not json", b"[]", b'"4"'):
        response = client.post(ALERTMANAGER, content=raw, headers={"content-type": "application/json"})
        assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    response = client.post(ALERTMANAGER, content=b"version=4", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before


def test_times_from_the_future_or_an_end_before_the_start_are_422_and_write_nothing(client, settings, queries, graph,
                                                                                     run_cypher):
    load_demo(settings, queries)
    before = graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)
    future = _post(client, notification(alert("firing", starts_at="2099-01-01T00:00:00Z")), expect=422)
    assert future["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "alerts[0].startsAt"}
    backwards = _post(client, notification(alert("firing"), alert("resolved", alertname="Other",
                                                                   ends_at="2026-11-30T07:00:00Z")), expect=422)
    assert backwards["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "alerts[1].endsAt"}
    assert (graph_fingerprint(run_cypher), audit_fingerprint(run_cypher)) == before


def test_another_teams_token_is_refused_whole_and_the_attempt_audited(client, settings, queries, graph, gql,
                                                                       run_cypher, principal_headers):
    load_demo(settings, queries)
    other = principal_headers("platform-alertmanager", roles=["monitor"], teams=["ml-platform"])
    viewer = principal_headers("vic", roles=["viewer"], teams=["credit-risk"])
    own = principal_headers("risk-alertmanager", roles=["monitor"], teams=["credit-risk"])
    before = graph_fingerprint(run_cypher)
    # The support assistant is ml-platform's: that alert alone would pass; the credit one refuses it all.
    body = notification(
        alert("firing", labels={"lineagegraph_environment": "production", "lineagegraph_deployment": "support-assistant"},
              alertname="SupportAssistantLatency", severity="warning"),
        alert("firing"))
    refused = _post(client, body, headers=other, expect=403)
    (error,) = refused["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "field": "alerts[1]"}
    assert "production/credit-scoring-api" in error["message"] and "credit-risk" in error["message"]
    assert _post(client, body, headers=viewer, expect=403)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert client.post(ALERTMANAGER, json=body, headers={"Authorization": "Bearer lg_nonsense"}).status_code == 401
    assert graph_fingerprint(run_cypher) == before
    denied = gql("""{ auditTrail(of: {kind: "Operation", key: "alertmanagerAlert"}) {
        edges { node { actor outcome } } } }""")["data"]["auditTrail"]["edges"]
    assert sorted(e["node"]["actor"] for e in denied) == ["platform-alertmanager", "vic"]
    assert {e["node"]["outcome"] for e in denied} == {"denied"}
    # The owning team's monitor may; its alert on ml-platform's deployment alone would not.
    assert _post(client, notification(alert("firing")), headers=own)["counts"]["RECORDED"] == 1
    assert support.health(gql)["health"]["recentSignals"][0]["recordedBy"] == "risk-alertmanager"


def test_each_audited_action_has_its_event_type():
    from app.events import outbox

    def entry(action, kind, before=None):
        return {"action": action, "outcome": "ok", "target_kind": kind, "before": before}

    assert outbox.event_type(entry("alertmanagerAlert", "Deployment")) == "dev.lineagegraph.deployment.health_changed"
    assert outbox.event_type(entry("recordHealthSignal", "Deployment", {"status": "firing"})) == \
        "dev.lineagegraph.deployment.health_changed"
    assert outbox.event_type(entry("recordHealthSignal", "ModelVersion")) == \
        "dev.lineagegraph.model_version.health_changed"
    assert outbox.event_type(entry("respondToHealthSignal", "Incident")) == "dev.lineagegraph.incident.signal_linked"
