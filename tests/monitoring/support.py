"""What the monitoring tests share: Alertmanager's webhook payload as its documentation describes it
(prometheus.io "webhook_config": version "4", receiver, status, alerts[] with status, labels,
annotations, startsAt, endsAt, generatorURL, fingerprint; groupLabels, commonLabels,
commonAnnotations, externalURL, groupKey, truncatedAlerts), and the GraphQL documents."""

from __future__ import annotations

import hashlib

ALERTMANAGER = "/api/v1/alertmanager"
PRODUCTION = {"lineagegraph_environment": "production", "lineagegraph_deployment": "credit-scoring-api"}
# Go's zero time: what Alertmanager sends as a firing alert's endsAt.
ZERO_TIME = "0001-01-01T00:00:00Z"
STARTS = "2026-11-30T08:00:00.123456789Z"


def fingerprint(labels: dict) -> str:
    """A stand-in for Alertmanager's fingerprint: 16 hex digits that depend on the labels only."""
    return hashlib.sha256(repr(sorted(labels.items())).encode()).hexdigest()[:16]


def alert(status: str = "firing", *, labels: dict | None = None, severity: str = "critical",
          alertname: str = "CreditScoringErrorRate", starts_at: str = STARTS, ends_at: str | None = None,
          annotations: dict | None = None) -> dict:
    labels = {"alertname": alertname, "severity": severity, **(PRODUCTION if labels is None else labels)}
    return {"status": status, "labels": labels,
            "annotations": annotations if annotations is not None else {
                "summary": "5xx ratio above 5% for 10 minutes", "value": "0.083", "threshold": "0.05"},
            "startsAt": starts_at,
            "endsAt": ends_at or (ZERO_TIME if status == "firing" else "2026-11-30T09:30:00Z"),
            "generatorURL": "http://prometheus.internal:9090/graph?g0.expr=job%3Acredit_5xx%3Aratio+%3E+0.05",
            "fingerprint": fingerprint(labels)}


def notification(*alerts: dict, receiver: str = "lineagegraph") -> dict:
    common = dict(alerts[0]["labels"]) if alerts else {}
    return {"version": "4", "groupKey": '{}:{alertname="CreditScoringErrorRate"}', "truncatedAlerts": 0,
            "status": "firing" if any(a["status"] == "firing" for a in alerts) else "resolved",
            "receiver": receiver, "groupLabels": {"alertname": common.get("alertname", "")},
            "commonLabels": common, "commonAnnotations": {}, "externalURL": "http://alertmanager.internal:9093",
            "alerts": list(alerts)}


HEALTH = """query($env: Environment!, $name: String!) { deployment(environment: $env, name: $name) {
  modelVersion { modelName version quarantined }
  health(recent: 5) { state firingCount signalCount
    recentSignals { id key metric value threshold severity status source startsAt endsAt resolvedAt recordedBy summary
                    fingerprint serving labels { name value }
                    incident { id status reason startKey rollbacks { rolledBack deployment { name } } } } } } }"""

RECORD = """mutation($input: RecordHealthSignalInput!) { recordHealthSignal(input: $input) { __typename
  ... on HealthSignalRecorded { created changed health signal { id key status severity metric endsAt }
        response { incidentCreated suspectCount rolledBackTo { modelName version } rollbackRefused refused
                   incident { id status startKey } } }
  ... on UserError { code message } ... on InvalidInputError { field } } }"""

INCIDENTS = "{ incidents(first: 50) { edges { node { id status startKey reason } } } }"


def health(gql, environment: str = "PRODUCTION", name: str = "credit-scoring-api") -> dict:
    return gql(HEALTH, {"env": environment, "name": name})["data"]["deployment"]


def incidents(gql) -> list[dict]:
    return [e["node"] for e in gql(INCIDENTS)["data"]["incidents"]["edges"]]
