"""Health and drift in the registry UI (issue #15's follow-up to #14), in Debian's chromium against the
real service with the demo registry: a critical Alertmanager alert fired at the demo's production
deployment (the README's payload, through POST /api/v1/alertmanager) shows on the deployment's page
as CRITICAL, in words, with the signal and a link to the incident the monitoring policy opened; a
model version never verified says so plainly; a drifted artifact shows its expected and actual
digests on its page and as ARTIFACT_DRIFT, with its evidence, in the gate view; a model version's
warning shows in the impact list and on the lineage graph's nodes. axe-core checks each page.

Its own module: the alert quarantines credit-scoring@2 and rolls production back (the policy's
response), which the stories of test_browser_ui.py must not see; the demo is loaded per module."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from starlette.testclient import TestClient

from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS
from tests.ui.conftest import axe_violations, needs_chromium

pytestmark = needs_chromium

PRODUCTION = "production/credit-scoring-api"

# The README's example ("Monitoring"): what Alertmanager sends for a critical alert on production.
CRITICAL_ALERT = {
    "version": "4", "groupKey": '{}:{alertname="CreditScoringErrorRate"}', "truncatedAlerts": 0,
    "status": "firing", "receiver": "lineagegraph", "externalURL": "http://alertmanager.internal:9093",
    "groupLabels": {"alertname": "CreditScoringErrorRate"}, "commonLabels": {}, "commonAnnotations": {},
    "alerts": [{"status": "firing", "fingerprint": "c6eadffa33fcdf37",
                "labels": {"alertname": "CreditScoringErrorRate", "severity": "critical",
                           "lineagegraph_environment": "production", "lineagegraph_deployment": "credit-scoring-api"},
                "annotations": {"summary": "5xx ratio above 5% for 10 minutes", "value": "0.083"},
                "startsAt": "2026-11-30T08:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.internal:9090/graph?g0.expr=job%3Acredit_5xx%3Aratio"}]}


def _assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}: {violations}"


def _gql(client, query: str, variables: dict | None = None) -> dict:
    body = client.post("/graphql", json={"query": query, "variables": variables or {}}).json()
    assert "errors" not in body, body
    return body["data"]


def test_a_critical_alert_shows_on_the_deployment_page_with_its_signal_and_incident(demo, open_ui, token_for, client):
    page = open_ui(token_for("vic.viewer", "viewer"))
    # Before any signal: the state is said in words, and so is the absence of signals.
    page.goto(f"/entity/Deployment/{demo['production']}")
    state = page.get_by_test_id("health-state")
    state.wait_for()
    assert "health: Unknown" in state.inner_text() and "no health signal was ever recorded" in state.inner_text()
    assert page.get_by_test_id("signals").count() == 0

    answer = client.post("/api/v1/alertmanager", json=CRITICAL_ALERT)
    assert answer.status_code == 200, answer.text
    [alert] = answer.json()["alerts"]
    assert alert["outcome"] == "RECORDED" and alert["health"] == "CRITICAL" and alert["incident"]

    page.reload()
    state.wait_for()
    assert "health: Critical" in state.inner_text()  # the word, not only the red badge
    assert "1 firing of 1 signal(s)" in state.inner_text()
    assert "health: Critical" in page.get_by_test_id("entity-title").inner_text()
    [row] = page.get_by_test_id("signals").locator("tbody tr").all()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[0].startswith("CreditScoringErrorRate") and "5xx ratio above 5% for 10 minutes" in cells[0]
    assert "while serving credit-scoring@2" in cells[0]
    assert cells[1:3] == ["critical", "firing"]
    assert cells[3].startswith("alertmanager")
    assert cells[4] == "0.083"  # the annotation's value; no threshold was sent
    assert cells[5].startswith("2026-11-30 08:00:00 UTC – firing now")
    incident = row.get_by_test_id("signal-incident")
    assert incident.inner_text().startswith(f"Open incident {alert['incident'][:8]}")
    _assert_accessible(page, "deployment page with a critical signal")

    # The link leads to that incident on the incidents page.
    incident.click()
    page.wait_for_url(f"**/incidents#incident-{alert['incident']}")
    section = page.locator(f"[id='incident-{alert['incident']}']")
    section.wait_for()
    assert "credit-scoring@2" in section.inner_text()
    assert page.errors == []


def test_a_model_version_never_verified_says_so_and_a_drifted_one_shows_both_digests(demo, open_ui, token_for,
                                                                                      client, settings, tmp_path):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto(f"/entity/ModelVersion/{demo['v1']}")
    last = page.get_by_test_id("last-verification")
    last.wait_for()
    assert "never verified" in last.inner_text()
    assert "Nobody has verified this model version against its recorded digest yet" in last.inner_text()
    assert page.get_by_test_id("verifications").count() == 0
    assert "health: Unknown" in page.get_by_test_id("health-state").inner_text()
    _assert_accessible(page, "model version page, never verified")

    # A version whose stored artifact is not what was registered: the service reads it (from a folder
    # it may read) and records DRIFT, twice, so there is a history.
    store = tmp_path / "store"
    store.mkdir()
    artifact = store / "model.pkl"
    artifact.write_bytes(b"the model as it is stored now")
    recorded = "sha256:" + hashlib.sha256(b"the model as it was registered").hexdigest()
    actual = "sha256:" + hashlib.sha256(artifact.read_bytes()).hexdigest()
    registered = _gql(client, """mutation($input: RegisterModelVersionInput!) { registerModelVersion(input: $input) {
        __typename ... on ModelVersionRegistration { node { id } } ... on UserError { message } } }""",
                      {"input": {"model": "credit-scoring", "version": "4", "artifactUri": artifact.as_uri(),
                                 "artifactDigest": recorded}})["registerModelVersion"]
    assert registered["__typename"] == "ModelVersionRegistration", registered
    reading = settings.model_copy(update={"artifact_roots": f"{store.as_uri()}/"})
    with TestClient(create_app(reading), raise_server_exceptions=False, headers=ADMIN_HEADERS) as verifying:
        for _ in range(2):
            verified = _gql(verifying, """mutation { verifyArtifacts(input: {modelVersions: [{model: "credit-scoring", version: "4"}]}) {
                __typename ... on ArtifactsVerified { blocking } ... on UserError { message } } }""")["verifyArtifacts"]
            assert verified == {"__typename": "ArtifactsVerified", "blocking": True}, verified

    page.goto(f"/entity/ModelVersion/{registered['node']['id']}")
    last.wait_for()
    assert last.inner_text().startswith("DRIFT") and "blocks promotion and deployment" in last.inner_text()
    section = page.get_by_test_id("verification").inner_text()
    assert recorded in section and actual in section  # expected against actual, whole
    assert "artifact DRIFT" in page.get_by_test_id("entity-title").inner_text()
    history = page.get_by_test_id("verifications").locator("tbody tr")
    assert history.count() == 2 and all("DRIFT" in text for text in history.all_inner_texts())
    _assert_accessible(page, "model version page with a drifted artifact")

    # The gate names the drift as a requirement, with its reason and evidence.
    page.goto("/gate?model=credit-scoring&version=4")
    page.get_by_test_id("unmet").wait_for()
    drift = page.get_by_test_id("unmet").locator("li", has_text="ARTIFACT_DRIFT")
    assert drift.count() == 1
    assert "credit-scoring@4" in drift.inner_text() and "last verified DRIFT" in drift.inner_text()
    assert recorded[:19] in drift.get_by_test_id("artifact-drift").inner_text()
    _assert_accessible(page, "gate view with ARTIFACT_DRIFT")
    assert page.errors == []


def test_a_model_versions_health_shows_in_the_impact_list_and_on_lineage_nodes(demo, open_ui, token_for, client):
    recorded = _gql(client, """mutation { recordHealthSignal(input: {
        modelVersion: {model: "credit-scoring", version: "2"}, metric: "psi_income", severity: WARNING,
        source: "evidently", value: 0.31, threshold: 0.2, startsAt: "2026-11-30T06:00:00Z",
        key: "evidently:ui-test:psi_income"}) { __typename ... on HealthSignalRecorded { health } } }""")
    assert recorded["recordHealthSignal"] == {"__typename": "HealthSignalRecorded", "health": "DEGRADED"}

    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto("/impact?" + urlencode({"kind": "DatasetVersion", "namespace": "s3://raw", "name": "transactions",
                                      "version": "2026-03-08"}))
    rows = page.get_by_test_id("impact-items").locator("tbody tr")
    rows.first.wait_for()
    v2 = page.get_by_test_id("impact-items").locator(f"tr[data-node-id='{demo['v2']}']")
    assert "health: Degraded (1 firing)" in v2.inner_text()
    _assert_accessible(page, "impact view with health")

    page.goto("/lineage?" + urlencode({"kind": "ModelVersion", "model": "credit-scoring", "version": "2"}))
    node = page.locator(f".node-list button[data-node-id='{demo['v2']}']")
    node.wait_for()
    assert "health degraded" in node.inner_text()
    assert page.errors == []
