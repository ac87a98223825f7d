"""The outbox is written in the changing transaction: a committed change queues its event, a rolled-back
one queues none; the rules that map audit entries to event types, the backoff, the signature; a
service that stops gives back what it claimed; delivered deliveries are pruned after their retention."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.core.db import Database
from app.events import outbox, repository
from app.events.deliverer import DeliveryOptions, retry_delay, signed_headers
from app.graphql.schema import schema
from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS
from tests.events.support import FAST_DELIVERY, SECRET, Receiver, subscribe, verify_signature, wait_for

P = "dev.lineagegraph."


def _run(settings, queries, work):
    async def go():
        db = Database.connect(settings, queries)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(go())


def _entry(**fields) -> AuditEntry:
    return AuditEntry(**{"actor": "tester", "action": "registerTeam", "target_kind": "Team", "target_key": "risk",
                         "before": {"created": True, "changed": False}, "after": {"name": "risk"}, **fields})


class Boom(Exception):
    pass


def test_a_committed_change_queues_its_event_and_a_rolled_back_one_none(graph, gql, settings, queries, run_cypher):
    receiver = Receiver()  # never started: only what is queued is looked at
    subscribe(gql, receiver)
    before = len(run_cypher("admin.audit_events"))

    async def rolled_back(db):
        async def work(tx):
            record_audit(tx, _entry(target_key="ghost"))
            await tx.consume("catalog.upsert_team", name="ghost", id="ghost-id", props={}, now=datetime.now(UTC),
                             principal="tester")
            raise Boom  # after the work: its audit entry and event were handed over, and go with it

        with pytest.raises(Boom):
            await db.write(work)

    _run(settings, queries, rolled_back)
    assert run_cypher("events.test_change_events") == [] and run_cypher("events.test_deliveries") == []
    assert len(run_cypher("admin.audit_events")) == before

    async def committed(db):
        async def work(tx):
            record_audit(tx, _entry())
            record_audit(tx, _entry(target_key="risk2", before={"created": False, "changed": False}))  # a no-op
            record_audit(tx, _entry(action="registerDataset", outcome="denied"))  # a denied attempt

        await db.write(work)

    _run(settings, queries, committed)
    events = run_cypher("events.test_change_events")
    assert [(e["event"]["type"], e["event"]["subject"]) for e in events] == [(P + "asset.registered", "Team/risk")]
    assert events[0]["event"]["seq"] == before + 1  # the audit entry's seq
    assert len(run_cypher("events.test_deliveries")) == 1


def test_nothing_is_stored_when_nobody_subscribes(graph, settings, queries, run_cypher):
    async def committed(db):
        async def work(tx):
            record_audit(tx, _entry())

        await db.write(work)

    _run(settings, queries, committed)
    assert run_cypher("events.test_change_events") == []


@pytest.mark.parametrize(("action", "kind", "before", "type_"), [
    ("registerDataset", "Dataset", {"created": True, "changed": False}, "asset.registered"),
    ("registerDataset", "Dataset", {"created": False, "changed": True}, "asset.registered"),
    ("registerDataset", "Dataset", {"created": False, "changed": False}, None),
    ("registerTrainingEvent", "ModelVersion", {"created": False, "changed": True}, "training.registered"),
    ("registerDeployment", "Deployment", {"created": False, "changed": True, "fields": {"serving": "m/1"}},
     "deployment.switched"),
    ("registerDeployment", "Deployment", {"created": False, "changed": True, "fields": {"endpoint": "x://y"}},
     "deployment.registered"),
    ("promote", "ModelVersion", {"stage": "STAGING"}, "model_version.promoted"),
    ("recordStageHistory", "ModelVersion", {"stage": "STAGING"}, "model_version.promoted"),
    ("quarantine", "Incident", None, "incident.opened"),
    ("quarantine", "DatasetVersion", {"quarantined": False}, "asset.quarantined"),
    ("releaseQuarantine", "Incident", {"status": "OPEN"}, "incident.released"),
    ("releaseQuarantine", "ModelVersion", {"quarantined": True}, "asset.released"),
    ("rollbackDeployment", "Deployment", {"serving": "m/2"}, "deployment.rolled_back"),
    ("lineageEvent", "Run", None, "lineage.recorded"),
    ("recordCheck", "ModelVersion", None, "check.recorded"),
    ("approveModelVersion", "ModelVersion", None, "approval.recorded"),
    ("createApiToken", "ApiToken", None, None),
    ("registerWebhookSubscription", "WebhookSubscription", {"created": True, "changed": True}, None),
    ("recordHealthSignal", "Deployment", None, "deployment.health_changed"),
    ("recordHealthSignal", "ModelVersion", {"status": "firing", "health": "DEGRADED"}, "model_version.health_changed"),
    ("alertmanagerAlert", "Deployment", None, "deployment.health_changed"),
    ("respondToHealthSignal", "Incident", None, "incident.signal_linked"),
    ("someFutureChange", "Dataset", None, "change.recorded"),  # a change still to get its own type
])
def test_each_audited_action_maps_to_its_event_type(action, kind, before, type_):
    entry = {"action": action, "target_kind": kind, "before": before, "outcome": "ok"}
    assert outbox.event_type(entry) == (None if type_ is None else P + type_)
    assert outbox.event_type({**entry, "outcome": "denied"}) is None


# Mutations whose audit action is not their own name.
_ACTION_OF = {"promoteModelVersion": "promote"}


def test_every_mutation_is_classified_for_change_events():
    """A new mutation (a health signal, an artifact verification) must say which events it emits, or that
    it emits none; until it does, its entries go out as change.recorded, which this test refuses."""
    mutations = set(schema._schema.mutation_type.fields)
    unclassified = sorted(name for name in mutations
                          if _ACTION_OF.get(name, name) not in outbox.ACTION_TYPES
                          and _ACTION_OF.get(name, name) not in outbox.NOT_EMITTED)
    assert unclassified == [], f"add these to ACTION_TYPES or NOT_EMITTED in app/events/outbox.py: {unclassified}"
    assert set(outbox.EVENT_TYPES) >= {t for v in outbox.ACTION_TYPES.values()
                                       for t in (v.values() if isinstance(v, dict) else [v])}


def test_the_backoff_doubles_up_to_its_cap_with_jitter():
    options = DeliveryOptions(retry_base=1.0, retry_max=60.0)
    rng = random.Random(7)
    for attempts, full in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (50, 60), (10_000, 60)]:
        delays = [retry_delay(attempts, options, rng=rng) for _ in range(200)]
        assert all(full / 2 <= d <= full for d in delays), (attempts, min(delays), max(delays))
        assert max(delays) - min(delays) > full / 10  # jittered, not lock-step


def test_the_signature_is_standard_webhooks():
    body = '{"specversion": "1.0", "data": {"name": "é"}}'
    at = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    headers = signed_headers(SECRET, "msg_1", body, at)
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(int(at.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert verify_signature(SECRET, headers, body.encode(), tolerance=10**9)
    assert not verify_signature(SECRET, {**headers, "webhook-id": "msg_2"}, body.encode(), tolerance=10**9)
    fresh = signed_headers(SECRET, "msg_1", body, datetime.now(UTC))
    assert Webhook(SECRET).verify(body, fresh) == {"specversion": "1.0", "data": {"name": "é"}}


def test_a_stopping_service_gives_back_the_deliveries_it_claimed(graph, gql, settings, run_cypher):
    release = threading.Event()
    hanging = Receiver(lambda event: 200 if release.wait(timeout=20) else 500).start()
    try:
        subscribe(gql, hanging, types=[P + "asset.registered"])
        with TestClient(create_app(settings.model_copy(update={**FAST_DELIVERY, "webhook_timeout": 15.0})),
                        raise_server_exceptions=False, headers=ADMIN_HEADERS):
            gql('mutation { registerTeam(input: {name: "risk"}) { __typename } }')
            wait_for(lambda: hanging.attempted, what="the send under way")
            leased = run_cypher("events.test_deliveries")
            assert len(leased) == 1 and leased[0]["lease_owner"] is not None
        # Stopped mid-send: the lease is given back, so the next process need not wait for it to run out.
        rows = run_cypher("events.test_deliveries")
        assert rows[0]["status"] == "PENDING" and rows[0]["lease_owner"] is None and rows[0]["lease_until"] is None
    finally:
        release.set()
        hanging.stop()


def test_delivered_deliveries_are_pruned_after_their_retention(graph, gql, settings, queries, run_cypher):
    receiver = Receiver().start()
    try:
        subscribe(gql, receiver, types=[P + "asset.registered"])
        with TestClient(create_app(settings.model_copy(update=FAST_DELIVERY)), raise_server_exceptions=False,
                        headers=ADMIN_HEADERS):
            gql('mutation { registerTeam(input: {name: "risk"}) { __typename } }')
            wait_for(lambda: [r for r in run_cypher("events.test_deliveries") if r["status"] == "DELIVERED"],
                     what="the delivery acknowledged")
        receiver.stop()
        gql('mutation { registerTeam(input: {name: "risk", description: "later"}) { __typename } }')  # stays pending
        assert len(run_cypher("events.test_change_events")) == 2

        async def prune(db):
            return await db.write(repository.prune_deliveries, before=datetime.now(UTC) + timedelta(seconds=1),
                                  limit=100)

        assert _run(settings, queries, prune) == 1
        rows = run_cypher("events.test_deliveries")
        assert [r["status"] for r in rows] == ["PENDING"]
        assert len(run_cypher("events.test_change_events")) == 1  # the delivered one's event went with it
    finally:
        receiver.stop()


def test_deleting_a_subscription_drops_its_queue_and_the_events_only_it_wanted(graph, gql, run_cypher):
    receiver = Receiver()  # never started: everything stays pending
    subscribe(gql, receiver, name="teams", types=[P + "asset.registered"])
    subscribe(gql, receiver, name="models", types=[P + "training.registered"])
    gql('mutation { registerTeam(input: {name: "risk"}) { __typename } }')
    gql('mutation { registerModel(input: {name: "scorer"}) { __typename } }')
    gql('mutation { registerTrainingEvent(input: {jobNamespace: "airflow", jobName: "train", runId: "r1", '
        'modelVersion: {model: "scorer", version: "1"}}) { __typename } }')
    assert len(run_cypher("events.test_change_events")) == 3
    deleted = gql('mutation { deleteWebhookSubscription(name: "teams") { __typename '
                  '... on WebhookSubscriptionDeleted { droppedPending } } }')["data"]["deleteWebhookSubscription"]
    assert deleted == {"__typename": "WebhookSubscriptionDeleted", "droppedPending": 2}
    assert [e["event"]["type"] for e in run_cypher("events.test_change_events")] == [P + "training.registered"]
    assert len(run_cypher("events.test_deliveries")) == 1


@pytest.mark.parametrize(("outcome", "type_"), [
    ("MATCH", "artifact.verified"), ("UNREADABLE", "artifact.verified"), ("UNRECORDED", "artifact.verified"),
    ("DRIFT", "artifact.drifted"), ("MISSING", "artifact.drifted")])
def test_a_verification_is_sent_as_verified_or_drifted_by_its_outcome(outcome, type_):
    entry = {"action": "verifyArtifacts", "target_kind": "ModelVersion", "before": {"outcome": "MATCH"},
             "after": {"outcome": outcome}, "outcome": "ok"}
    assert outbox.event_type(entry) == P + type_
    assert P + type_ in outbox.EVENT_TYPES
