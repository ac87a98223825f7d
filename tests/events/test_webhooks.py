"""Change events out, end to end: a real HTTP receiver on a loopback port gets one signed CloudEvent per
committed change, every event after being down, in order per subject; what is refused, forbidden or
changes nothing sends nothing; deliveries and failures show through GraphQL."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import groupby

import pytest
from starlette.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS, REPO
from tests.events.support import (FAST_DELIVERY, OTHER_SECRET, REGISTER, SECRET, Receiver, subscribe, subscription,
                                  verify_signature, wait_for)
from tests.openlineage.story import T0, _event, _run_id

P = "dev.lineagegraph."
ANSWER = "__typename ... on UserError { code message }"
# Refusals that are members of their own (not UserErrors), asked for so that `_ok` sees them.
REFUSALS = {"registerDeployment": " ... on DeploymentRefused { code }", "rollbackDeployment": " ... on DeploymentRefused { code }",
            "promoteModelVersion": " ... on PromotionRefused { code }"}


@pytest.fixture(scope="module")
def deliverer(settings):
    """A service process that sends webhooks (the suite's shared app does not), with fast retries."""
    with TestClient(create_app(settings.model_copy(update=FAST_DELIVERY)), raise_server_exceptions=False,
                    headers=ADMIN_HEADERS) as app:
        yield app


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def _do(gql, field: str, input_type: str, variables: dict, *, headers=None, answer: str = ANSWER) -> dict:
    answer += REFUSALS.get(field, "")
    body = gql(f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {answer} }} }}",
               {"input": variables}, headers=headers)
    assert "errors" not in body, body
    return body["data"][field]


def _ok(gql, field: str, input_type: str, variables: dict, **kwargs) -> dict:
    result = _do(gql, field, input_type, variables, **kwargs)
    assert "code" not in result, (field, result)
    return result


def _version(n: int) -> dict:
    return {"namespace": "s3://raw", "name": "tx", "version": f"v{n}"}


def _story(gql, client) -> list[tuple[str, str]]:
    """A registry's life: registrations, training, a promotion, a check, deployment switches, a quarantine
    with its rollback and release, a health signal fired and resolved, an artifact verified, an
    OpenLineage event. The (type, subject) each change should emit."""
    expected: list[tuple[str, str]] = []

    def change(field, input_type, variables, type_, *subjects, answer=ANSWER):
        result = _ok(gql, field, input_type, variables, answer=answer)
        expected.extend((P + type_, subject) for subject in subjects)
        return result

    change("registerTeam", "RegisterTeamInput", {"name": "risk"}, "asset.registered", "Team/risk")
    change("registerDataset", "RegisterDatasetInput", {"namespace": "s3://raw", "name": "tx", "owner": "risk"},
           "asset.registered", "Dataset/s3://raw/tx")
    for n in (1, 2):
        change("registerDatasetVersion", "RegisterDatasetVersionInput", _version(n), "asset.registered",
               f"DatasetVersion/s3://raw/tx/v{n}")
    change("registerModel", "RegisterModelInput", {"name": "scorer", "owner": "risk", "riskTier": "LOW"},
           "asset.registered", "Model/scorer")
    for n in (1, 2):
        change("registerTrainingEvent", "RegisterTrainingEventInput",
               {"jobNamespace": "airflow", "jobName": "train", "runId": f"run-{n}",
                "modelVersion": {"model": "scorer", "version": str(n)}, "inputs": {"datasetVersions": [_version(n)]}},
               "training.registered", f"ModelVersion/scorer/{n}")
    scorer2 = {"model": "scorer", "version": "2"}
    change("promoteModelVersion", "PromoteModelVersionInput", {"modelVersion": scorer2, "stage": "STAGING"},
           "model_version.promoted", "ModelVersion/scorer/2")
    change("recordCheck", "RecordCheckInput", {"modelVersion": scorer2, "kind": "EVALUATION", "status": "PASSED"},
           "check.recorded", "ModelVersion/scorer/2")
    for n in (1, 2):
        change("registerDeployment", "RegisterDeploymentInput",
               {"environment": "TEST", "name": "scoring", "serving": {"model": "scorer", "version": str(n)}},
               "deployment.switched", "Deployment/test/scoring")
    change("registerDeployment", "RegisterDeploymentInput",
           {"environment": "TEST", "name": "scoring", "endpoint": "https://scoring.test/v1"},
           "deployment.registered", "Deployment/test/scoring")
    quarantined = change("quarantine", "QuarantineInput", {"datasetVersion": _version(2), "reason": "doubled amounts"},
                         "incident.opened", answer=ANSWER + " ... on Quarantine { incident { id } }")
    incident = quarantined["incident"]["id"]
    expected.append((P + "incident.opened", f"Incident/{incident}"))
    flagged = {"DatasetVersion/s3://raw/tx/v2", "ModelVersion/scorer/2"}
    expected += [(P + "asset.quarantined", subject) for subject in sorted(flagged)]
    change("rollbackDeployment", "RollbackDeploymentInput",
           {"environment": "TEST", "name": "scoring", "reason": "doubled amounts"},
           "deployment.rolled_back", "Deployment/test/scoring")
    change("releaseQuarantine", "ReleaseQuarantineInput", {"incident": incident, "note": "re-delivered"},
           "incident.released", f"Incident/{incident}")
    expected += [(P + "asset.released", subject) for subject in sorted(flagged)]
    # Operations: a health signal and its resolution on the deployment (test is no environment the
    # monitoring policy acts in: no incident), and a verification of a version's artifact.
    signal = {"deployment": {"environment": "TEST", "name": "scoring"}, "metric": "latency_p99",
              "severity": "WARNING", "source": "slo-monitor", "key": "slo-monitor:latency:1",
              "startsAt": "2026-11-30T08:00:00Z"}
    change("recordHealthSignal", "RecordHealthSignalInput", signal, "deployment.health_changed",
           "Deployment/test/scoring")
    change("recordHealthSignal", "RecordHealthSignalInput",
           {**signal, "status": "RESOLVED", "endsAt": "2026-11-30T09:00:00Z"}, "deployment.health_changed",
           "Deployment/test/scoring")
    _ok(gql, "recordHealthSignal", "RecordHealthSignalInput", signal)  # a replay: no change, no event
    change("verifyArtifacts", "VerifyArtifactsInput", {"modelVersions": [scorer2]}, "artifact.verified",
           "ModelVersion/scorer/2")
    response = client.post("/api/v1/lineage", json=_event("COMPLETE", T0, _run_id("webhooks", 1), "etl"))
    assert response.status_code == 201, response.text
    expected.append((P + "lineage.recorded", f"Run/{_run_id('webhooks', 1)}"))
    return expected


def _by_seq(events: list[dict]) -> list[dict]:
    return sorted(events, key=lambda event: event["auditseq"])


FLAGS = (P + "asset.quarantined", P + "asset.released")


def _comparable(events: list[dict]) -> list[tuple[str, str]]:
    """(type, subject) in audit order."""
    return _flags_sorted([(e["type"], e["subject"]) for e in _by_seq(events)])


def _flags_sorted(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The flags one quarantine or release sets (one transaction, in no promised order) sorted by subject."""
    out: list[tuple[str, str]] = []
    for type_, group in groupby(pairs, key=lambda pair: pair[0]):
        out += sorted(group) if type_ in FLAGS else list(group)
    return out


def test_each_committed_change_sends_exactly_one_signed_cloudevent(graph, gql, client, deliverer, receiver, run_cypher):
    subscribe(gql, receiver)
    expected = _story(gql, client)

    wait_for(lambda: len(receiver.all()) >= len(expected), what=f"{len(expected)} events received")
    wait_for(lambda: subscription(gql)["pendingCount"] == 0, what="nothing pending")
    received = receiver.all()
    assert len(received) == len(expected)  # exactly one each: nothing twice, nothing extra
    assert _comparable([r.event for r in received]) == _flags_sorted(expected)

    audit = {row["event"]["seq"]: row["event"] for row in run_cypher("admin.audit_events")}
    for item in received:
        headers, event = item.headers, item.event
        # Signed per Standard Webhooks, checked as a receiver would (stdlib), and by the reference library.
        assert verify_signature(SECRET, headers, item.body)
        assert not verify_signature(OTHER_SECRET, headers, item.body)
        assert Webhook(SECRET).verify(item.body, headers) == event
        assert headers["content-type"] == "application/cloudevents+json"
        # CloudEvents 1.0, structured JSON; the webhook id is the event's id.
        assert event["specversion"] == "1.0" and event["source"] == "/lineagegraph"
        assert event["id"] == headers["webhook-id"] and event["datacontenttype"] == "application/json"
        # The event is its audit entry.
        entry = audit[event["auditseq"]]
        assert event["data"]["action"] == entry["action"] and event["data"]["actor"] == entry["actor"]
        assert event["data"]["target"] == {"kind": entry["target_kind"], "key": entry["target_key"],
                                           "id": entry["target_id"]}
        assert event["subject"] == f"{entry['target_kind']}/{entry['target_key']}"
        assert event["data"]["after"] == (json.loads(entry["after"]) if entry["after"] else None)
    assert len({r.event["id"] for r in received}) == len(received)

    switches = [r.event for r in received if r.event["type"] == P + "deployment.switched"]
    assert [s["data"]["before"]["fields"]["serving"] for s in _by_seq(switches)] == [None, "scorer/1"]

    shown = subscription(gql)
    assert shown["lastError"] is None and shown["lastDeliveredAt"] is not None
    assert {d["status"] for d in shown["deliveries"]} == {"DELIVERED"}
    assert all(d["attempts"] == 1 and d["lastStatusCode"] == 200 for d in shown["deliveries"])


def test_a_receiver_that_was_down_gets_every_event_in_order_per_subject(graph, gql, deliverer, receiver):
    subscribe(gql, receiver, types=[P + "asset.registered"])
    receiver.stop()  # the port now refuses connections
    _ok(gql, "registerTeam", "RegisterTeamInput", {"name": "risk"})
    for round_ in range(4):
        for name in ("a", "b", "c"):
            _ok(gql, "registerDataset", "RegisterDatasetInput",
                {"namespace": "s3://raw", "name": name, "description": f"round {round_}"})

    failing = wait_for(lambda: (s := subscription(gql))["lastError"] and s, what="a failed attempt recorded")
    assert failing["pendingCount"] == 13
    assert "ConnectError" in failing["lastError"]["message"] and failing["lastError"]["statusCode"] is None
    pending = subscription(gql, status="PENDING")["deliveries"]
    assert len(pending) == 13 and all(d["deliveredAt"] is None for d in pending)
    tried = [d for d in pending if d["attempts"] > 0]
    # Only the oldest event of each subject is tried; the later ones wait behind it, untried.
    assert {d["subject"] for d in tried} <= {"Team/risk", "Dataset/s3://raw/a", "Dataset/s3://raw/b",
                                             "Dataset/s3://raw/c"}
    assert all(d["nextAttemptAt"] and d["lastError"] for d in tried)
    heads = {d["subject"]: d["seq"] for d in sorted(pending, key=lambda d: d["seq"], reverse=True)}
    assert {d["seq"] for d in tried} <= set(heads.values())

    receiver.start()  # back on the same port
    wait_for(lambda: len(receiver.all()) >= 13, what="every event after the receiver came back")
    wait_for(lambda: subscription(gql)["pendingCount"] == 0, what="nothing pending")
    received = [r.event for r in receiver.all()]
    per_subject = defaultdict(list)
    for event in received:
        if event["auditseq"] not in per_subject[event["subject"]]:
            per_subject[event["subject"]].append(event["auditseq"])
    assert set(per_subject) == {"Team/risk", "Dataset/s3://raw/a", "Dataset/s3://raw/b", "Dataset/s3://raw/c"}
    for subject, seqs in per_subject.items():
        assert seqs == sorted(seqs), f"{subject} arrived out of order: {seqs}"
    descriptions = [e["data"]["after"]["description"] for e in received if e["subject"] == "Dataset/s3://raw/b"]
    assert descriptions == [f"round {n}" for n in range(4)]
    delivered = subscription(gql, status="DELIVERED")["deliveries"]
    assert len(delivered) == 13 and all(d["deliveredAt"] and d["lastStatusCode"] == 200 for d in delivered)


def test_an_undelivered_event_holds_back_its_subject_only(graph, gql, deliverer):
    healed = {"done": False}

    def answer(event):  # refuses the events about dataset `bad` until healed
        return 200 if healed["done"] or event["subject"] != "Dataset/s3://raw/bad" else 503

    receiver = Receiver(answer).start()
    try:
        subscribe(gql, receiver, types=[P + "asset.registered"])
        for round_ in range(3):
            for name in ("bad", "good"):
                _ok(gql, "registerDataset", "RegisterDatasetInput",
                    {"namespace": "s3://raw", "name": name, "description": f"round {round_}"})
        wait_for(lambda: len(receiver.all()) >= 3, what="the good subject's events")
        wait_for(lambda: sum(e["subject"].endswith("/bad") for e in receiver.attempted) >= 3,
                 what="the bad subject retried")
        good = [r.event["data"]["after"]["description"] for r in receiver.all()]
        assert good == ["round 0", "round 1", "round 2"]
        # Only the first `bad` event was ever sent: the later ones wait behind it.
        tried = {e["data"]["after"]["description"] for e in receiver.attempted if e["subject"].endswith("/bad")}
        assert tried == {"round 0"}
        shown = wait_for(lambda: (s := subscription(gql))["pendingCount"] == 3 and s,
                         what="the good subject's deliveries acknowledged")
        assert shown["lastError"]["message"] == "HTTP 503" and shown["lastError"]["statusCode"] == 503

        healed["done"] = True
        wait_for(lambda: len(receiver.all()) >= 6, what="the bad subject's events once accepted")
        bad = [r.event["data"]["after"]["description"] for r in receiver.all() if r.event["subject"].endswith("/bad")]
        assert bad == ["round 0", "round 1", "round 2"]
    finally:
        receiver.stop()


def test_refused_forbidden_and_unchanged_calls_send_nothing(graph, gql, deliverer, receiver, principal_headers,
                                                           run_cypher):
    viewer = principal_headers("vic", roles=["viewer"])
    _ok(gql, "registerTeam", "RegisterTeamInput", {"name": "risk"})
    _ok(gql, "registerModel", "RegisterModelInput", {"name": "scorer", "owner": "risk"})
    _ok(gql, "registerModelVersion", "RegisterModelVersionInput", {"model": "scorer", "version": "1"})
    subscribe(gql, receiver)

    # The deployment gate refuses: a DEVELOPMENT version may not serve staging (its denial is audited).
    refused = _do(gql, "registerDeployment", "RegisterDeploymentInput",
                  {"environment": "STAGING", "name": "scoring", "serving": {"model": "scorer", "version": "1"}})
    assert refused["__typename"] == "DeploymentRefused"
    # A forbidden write (audited as denied), a refused one (bad input), a not-found one.
    assert _do(gql, "registerDataset", "RegisterDatasetInput", {"namespace": "s3://raw", "name": "t"},
               headers=viewer)["code"] == "FORBIDDEN"
    assert _do(gql, "registerTeam", "RegisterTeamInput", {"name": " bad"})["code"] == "BAD_USER_INPUT"
    assert _do(gql, "promoteModelVersion", "PromoteModelVersionInput",
               {"modelVersion": {"model": "scorer", "version": "9"}, "stage": "STAGING"})["code"] == "NOT_FOUND"
    # The same registration again changes nothing, and says so: no event.
    _ok(gql, "registerTeam", "RegisterTeamInput", {"name": "risk"})
    _ok(gql, "registerModelVersion", "RegisterModelVersionInput", {"model": "scorer", "version": "1"})
    # Access management is audited, not sent out.
    principal_headers("val", roles=["viewer"])
    # A change after all that: the one event sent.
    _ok(gql, "registerTeam", "RegisterTeamInput", {"name": "risk", "description": "the risk team"})

    wait_for(lambda: receiver.all(), what="the marker event")
    wait_for(lambda: subscription(gql)["pendingCount"] == 0, what="nothing pending")
    events = [r.event for r in receiver.all()]
    assert [(e["type"], e["subject"]) for e in events] == [(P + "asset.registered", "Team/risk")]
    assert events[0]["data"]["before"] == {"created": False, "changed": True}
    assert len(run_cypher("events.test_change_events")) == 1  # the outbox holds that one event only


def test_subscriptions_are_checked_admin_only_and_never_show_their_secret(graph, gql, principal_headers, receiver):
    def register(**input):
        base = {"name": "hooks", "url": receiver.url, "eventTypes": [P + "deployment.switched"], "secret": SECRET}
        return gql(REGISTER, {"input": {**base, **input}})["data"]["registerWebhookSubscription"]

    unknown = register(eventTypes=[P + "deployment.switched", "com.example.nope"])
    assert unknown["__typename"] == "InvalidInputError" and unknown["field"] == "eventTypes[1]"
    assert "com.example.nope" in unknown["message"] and P + "deployment.switched" in unknown["message"]
    assert register(eventTypes=[])["field"] == "eventTypes"
    for url in ("ftp://hooks.example.com/x", "hooks.example.com/x", "https://user:pw@hooks.example.com/x",
                "https:///nohost", "https://hooks.example.com/x#frag", "https://hooks.example.com/" + "x" * 2001):
        assert register(url=url)["field"] == "url", url
    for secret in ("not-a-secret", "whsec_!!!", "whsec_" + "QUJD", None):
        refused = register(secret=secret)
        assert refused["__typename"] == "InvalidInputError" and refused["field"] == "secret", secret
        assert secret is None or secret not in refused["message"]
    assert register(name="bad name")["field"] == "name"

    first = register()
    assert first["__typename"] == "WebhookSubscriptionRegistration" and first["created"] and first["changed"]
    again = register()
    assert (again["created"], again["changed"]) == (False, False) and again["subscription"]["id"] == first["subscription"]["id"]
    # An update may leave the secret out: the stored one is kept.
    changed = register(eventTypes=[P + "deployment.switched", P + "incident.opened"], secret=None)
    assert changed["changed"] and changed["subscription"]["eventTypes"] == [P + "deployment.switched",
                                                                            P + "incident.opened"]
    assert register(secret=OTHER_SECRET, eventTypes=changed["subscription"]["eventTypes"])["changed"]

    # The secret is write-only: no field shows it, and no answer or audit entry carries it.
    fields = gql('{ __type(name: "WebhookSubscription") { fields { name } } }')["data"]["__type"]["fields"]
    assert not any("secret" in f["name"].lower() for f in fields)
    listed = gql("{ webhookSubscriptions { name url eventTypes pendingCount lastError { message } } }")
    assert SECRET not in json.dumps(listed) and OTHER_SECRET not in json.dumps(listed)
    trail = gql('{ auditTrail(of: {kind: "WebhookSubscription", key: "hooks"}) { edges { node { action before after } } } }')
    entries = [edge["node"] for edge in trail["data"]["auditTrail"]["edges"]]
    assert len(entries) == 3 and all(e["action"] == "registerWebhookSubscription" for e in entries)
    assert SECRET[6:] not in json.dumps(entries) and OTHER_SECRET[6:] not in json.dumps(entries)
    assert [e["after"]["secretChanged"] for e in entries] == [True, False, True]

    # Admins only (manage_access): others are refused, and nothing is registered.
    steward = principal_headers("stu", roles=["data_steward"])
    denied = gql(REGISTER, {"input": {"name": "mine", "url": receiver.url, "eventTypes": [P + "incident.opened"],
                                      "secret": SECRET}}, headers=steward)["data"]["registerWebhookSubscription"]
    assert denied["__typename"] == "ForbiddenError"
    assert gql("{ webhookSubscriptions { name } }", headers=steward)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [s["name"] for s in gql("{ webhookSubscriptions { name } }")["data"]["webhookSubscriptions"]] == ["hooks"]

    deleted = gql('mutation { deleteWebhookSubscription(name: "hooks") { __typename '
                  '... on WebhookSubscriptionDeleted { name droppedPending } } }')["data"]["deleteWebhookSubscription"]
    assert deleted == {"__typename": "WebhookSubscriptionDeleted", "name": "hooks", "droppedPending": 0}
    missing = gql('mutation { deleteWebhookSubscription(name: "hooks") { __typename ... on NotFoundError { key } } }')
    assert missing["data"]["deleteWebhookSubscription"] == {"__typename": "NotFoundError", "key": "hooks"}
    assert gql('{ webhookSubscription(name: "hooks") { name } }')["data"]["webhookSubscription"] is None


def test_events_are_sent_only_to_subscriptions_that_want_their_type(graph, gql, deliverer):
    deployments, everything = Receiver().start(), Receiver().start()
    try:
        subscribe(gql, deployments, name="deploys", types=[P + "deployment.switched"], secret=OTHER_SECRET)
        subscribe(gql, everything, name="all")
        _ok(gql, "registerModel", "RegisterModelInput", {"name": "scorer"})
        _ok(gql, "registerModelVersion", "RegisterModelVersionInput", {"model": "scorer", "version": "1"})
        _ok(gql, "registerDeployment", "RegisterDeploymentInput",
            {"environment": "DEVELOPMENT", "name": "scoring", "serving": {"model": "scorer", "version": "1"}})
        wait_for(lambda: len(everything.all()) >= 3 and deployments.all(), what="both receivers served")
        assert [r.event["type"] for r in deployments.all()] == [P + "deployment.switched"]
        assert all(verify_signature(OTHER_SECRET, r.headers, r.body) for r in deployments.all())
        assert all(verify_signature(SECRET, r.headers, r.body) for r in everything.all())
        # One event, two deliveries: the same id to both.
        switched = [r.event for r in everything.all() if r.event["type"] == P + "deployment.switched"]
        assert switched[0]["id"] == deployments.all()[0].event["id"]
    finally:
        deployments.stop()
        everything.stop()


def test_two_service_processes_share_the_outbox_without_sending_twice(graph, gql, settings, deliverer, receiver):
    subscribe(gql, receiver, types=[P + "asset.registered"])
    with TestClient(create_app(settings.model_copy(update=FAST_DELIVERY)), raise_server_exceptions=False,
                    headers=ADMIN_HEADERS):
        names = [f"set-{i}" for i in range(6)]
        for round_ in range(5):
            for name in names:
                _ok(gql, "registerDataset", "RegisterDatasetInput",
                    {"namespace": "s3://raw", "name": name, "description": f"round {round_}"})
        wait_for(lambda: len(receiver.all()) >= 30, what="30 events")
        wait_for(lambda: subscription(gql)["pendingCount"] == 0, what="nothing pending")
    events = [r.event for r in receiver.all()]
    assert len(events) == 30 and len({e["id"] for e in events}) == 30  # none sent twice
    for name in names:
        rounds = [e["data"]["after"]["description"] for e in events if e["subject"] == f"Dataset/s3://raw/{name}"]
        assert rounds == [f"round {n}" for n in range(5)], name


def _readme_section() -> str:
    readme = (REPO / "README.md").read_text()
    return readme.split("\n## Change events (webhooks)\n", 1)[1].split("\n## ", 1)[0]


def _blocks(section: str, language: str) -> list[str]:
    return [part.split("\n", 1)[1] for part in section.split("```")[1::2] if part.startswith(language + "\n")]


def test_the_readme_example_registers_reads_verifies_and_deletes(graph, gql, deliverer):
    section = _readme_section()
    operations, current = [], []
    for line in _blocks(section, "graphql")[0].splitlines():
        if line.startswith(("mutation", "{", "#")) and current:
            operations.append("\n".join(current))
            current = []
        if not line.startswith("#"):
            current.append(line.split("     #")[0])
    operations.append("\n".join(current))
    register, read, types, delete = operations
    namespace: dict = {}
    exec(_blocks(section, "python")[0], namespace)  # the receiver's check, as printed
    secret = register.split('secret: "', 1)[1].split('"', 1)[0]

    receiver = Receiver().start()
    try:
        registered = gql(register.replace("https://hooks.example.com/lineagegraph", receiver.url))
        assert registered["data"]["registerWebhookSubscription"]["created"] is True, registered
        _ok(gql, "registerModel", "RegisterModelInput", {"name": "credit-scoring"})
        _ok(gql, "registerModelVersion", "RegisterModelVersionInput", {"model": "credit-scoring", "version": "1"})
        _ok(gql, "registerDeployment", "RegisterDeploymentInput",
            {"environment": "DEVELOPMENT", "name": "credit-scoring-api",
             "serving": {"model": "credit-scoring", "version": "1"}})
        item = wait_for(lambda: receiver.all(), what="the switch sent")[0]
        event = namespace["verified_event"](secret, item.headers, item.body)
        assert event["type"] == P + "deployment.switched" and event["subject"] == "Deployment/development/credit-scoring-api"
        with pytest.raises(ValueError):
            namespace["verified_event"](OTHER_SECRET, item.headers, item.body)
        shown = wait_for(lambda: (s := gql(read)["data"]["webhookSubscription"])["lastDeliveredAt"] and s,
                         what="the delivery shown")
        assert shown["pendingCount"] == 0 and shown["deliveries"][0]["status"] == "DELIVERED"
        assert len(gql(types)["data"]["changeEventTypes"]) >= 14
        assert gql(delete)["data"]["deleteWebhookSubscription"] == {"__typename": "WebhookSubscriptionDeleted",
                                                                    "droppedPending": 0}
    finally:
        receiver.stop()
