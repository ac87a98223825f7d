"""Change events, derived from the audit trail and written to the outbox in the changing transaction.

Every change the registry accepts already appends an audit entry inside its own transaction
(app/audit/chain.py), from every door: GraphQL, OpenLineage, the demo loader. So events are derived
from those entries, in the same before-commit hook that chains them (`chain.append` calls `record`):
one place, so an audited change cannot lack its event and nothing unaudited grows one; the event
commits with the change, or neither does; and it carries the entry's seq, which is commit order
(the chain's head lock serialises the appending transactions). What is not a change emits nothing:
a refused call writes no entry; a denied attempt's entry (`outcome: denied`) and a registration that
changed nothing (`before: {created: false, changed: false}`) are skipped.

Each event is a CloudEvents 1.0 JSON document (the `cloudevents` package): `type` names what
happened (EVENT_TYPES), `subject` the entity (`<kind>/<natural key>`, e.g.
`Deployment/production/credit-scoring-api`), `time` when, the extension `auditseq` the audit entry,
and `data` the entry itself (action, actor, target, before and after summaries).

A new kind of change (a health signal, an artifact's digest drift) gets its events by recording an
audit entry, as every change must, and naming its action's type in EVENT_TYPES; until then its
entries are emitted as `dev.lineagegraph.change.recorded`, so none is ever lost.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cloudevents.core.bindings.http import to_structured_event
from cloudevents.core.v1.event import CloudEvent

from app.events import repository

# The CloudEvents `source` of every event: this registry (its events' ids are UUIDs, so source + id
# is unique whichever registry sends them).
SOURCE = "/lineagegraph"
PREFIX = "dev.lineagegraph."

ASSET_REGISTERED = PREFIX + "asset.registered"
TRAINING_REGISTERED = PREFIX + "training.registered"
LINEAGE_RECORDED = PREFIX + "lineage.recorded"
CHECK_RECORDED = PREFIX + "check.recorded"
APPROVAL_RECORDED = PREFIX + "approval.recorded"
MODEL_VERSION_PROMOTED = PREFIX + "model_version.promoted"
DEPLOYMENT_REGISTERED = PREFIX + "deployment.registered"
DEPLOYMENT_SWITCHED = PREFIX + "deployment.switched"
DEPLOYMENT_ROLLED_BACK = PREFIX + "deployment.rolled_back"
INCIDENT_OPENED = PREFIX + "incident.opened"
INCIDENT_RELEASED = PREFIX + "incident.released"
ASSET_QUARANTINED = PREFIX + "asset.quarantined"
ASSET_RELEASED = PREFIX + "asset.released"
ARTIFACT_VERIFIED = PREFIX + "artifact.verified"
ARTIFACT_DRIFTED = PREFIX + "artifact.drifted"
CHANGE_RECORDED = PREFIX + "change.recorded"
DEPLOYMENT_HEALTH_CHANGED = PREFIX + "deployment.health_changed"
MODEL_VERSION_HEALTH_CHANGED = PREFIX + "model_version.health_changed"
INCIDENT_SIGNAL_LINKED = PREFIX + "incident.signal_linked"

# Every type a subscription may ask for, with what it means (the `changeEventTypes` query shows it).
EVENT_TYPES: dict[str, str] = {
    ASSET_REGISTERED: "A catalog registration created or changed a record, or recorded lineage links "
                      "(registerTeam, registerDataset, registerDatasetVersion, registerFeature, registerJob, "
                      "registerRun, registerModel, registerModelVersion, recordRunLineage, "
                      "recordModelVersionParents).",
    TRAINING_REGISTERED: "registerTrainingEvent recorded a job's run and the model version it produced.",
    LINEAGE_RECORDED: "An OpenLineage event was accepted (POST /api/v1/lineage); subject: its run, job or dataset.",
    CHECK_RECORDED: "recordCheck recorded a new outcome of a check of a model version.",
    APPROVAL_RECORDED: "approveModelVersion recorded an approval of a model version for a stage.",
    MODEL_VERSION_PROMOTED: "A model version changed stage (promoteModelVersion, or stage history loaded by an import).",
    DEPLOYMENT_REGISTERED: "registerDeployment created a deployment or changed its endpoint or status, "
                           "without switching what it serves.",
    DEPLOYMENT_SWITCHED: "A deployment switched to serve another model version (registerDeployment with serving); "
                         "`data.before.fields.serving` is what it served before.",
    DEPLOYMENT_ROLLED_BACK: "rollbackDeployment took a deployment back from a quarantined version.",
    INCIDENT_OPENED: "quarantine opened an incident; subject: the incident.",
    INCIDENT_RELEASED: "releaseQuarantine released an incident.",
    ASSET_QUARANTINED: "A dataset version or model version was flagged quarantined by an incident.",
    ASSET_RELEASED: "A dataset version or model version's quarantine flag was cleared by a release.",
    ARTIFACT_VERIFIED: "verifyArtifacts read a version's artifact and found it MATCH, UNREADABLE or UNRECORDED "
                       "(`data.after.outcome`; `data.before.outcome` is the last verification's).",
    ARTIFACT_DRIFTED: "verifyArtifacts found a version's artifact DRIFT or MISSING: the gates refuse the version "
                      "until a later verification matches.",
    CHANGE_RECORDED: "Any other audited change, until its kind has a type of its own.",
    DEPLOYMENT_HEALTH_CHANGED: "A health signal on a deployment was recorded or resolved (recordHealthSignal, an "
                               "Alertmanager alert); `data.after.health` is the deployment's state now.",
    MODEL_VERSION_HEALTH_CHANGED: "A health signal on a model version was recorded or resolved (recordHealthSignal); "
                                  "`data.after.health` is the version's state now.",
    INCIDENT_SIGNAL_LINKED: "The monitoring policy acted on a firing critical signal: the incident (subject) names the "
                            "signal, the deployment, its served version and that version's upstream as suspects, and "
                            "`data.after.rollback` what became of the rollback.",
}

# Audit actions and the type of their events. By target kind where one action touches several kinds.
# The changes still to come hook in here: e.g. "recordHealthSignal": PREFIX + "deployment.health_changed",
# "verifyArtifacts": PREFIX + "artifact.verified" (a type added to EVENT_TYPES too).
_CATALOG_ACTIONS = ("registerTeam", "registerDataset", "registerDatasetVersion", "registerFeature", "registerJob",
                    "registerRun", "registerModel", "registerModelVersion", "recordRunLineage",
                    "recordModelVersionParents")
ACTION_TYPES: dict[str, str | dict[str, str]] = {
    **dict.fromkeys(_CATALOG_ACTIONS, ASSET_REGISTERED),
    "registerTrainingEvent": TRAINING_REGISTERED,
    "registerDeployment": DEPLOYMENT_REGISTERED,  # DEPLOYMENT_SWITCHED when it replaced what was served
    "lineageEvent": LINEAGE_RECORDED,
    "recordCheck": CHECK_RECORDED,
    "approveModelVersion": APPROVAL_RECORDED,
    "promote": MODEL_VERSION_PROMOTED,
    "recordStageHistory": MODEL_VERSION_PROMOTED,
    "rollbackDeployment": DEPLOYMENT_ROLLED_BACK,
    "quarantine": {"Incident": INCIDENT_OPENED, "*": ASSET_QUARANTINED},
    "releaseQuarantine": {"Incident": INCIDENT_RELEASED, "*": ASSET_RELEASED},
    "verifyArtifacts": ARTIFACT_VERIFIED,  # ARTIFACT_DRIFTED when it found drift or a missing artifact
    "recordHealthSignal": {"Deployment": DEPLOYMENT_HEALTH_CHANGED, "*": MODEL_VERSION_HEALTH_CHANGED},
    "alertmanagerAlert": DEPLOYMENT_HEALTH_CHANGED,
    "respondToHealthSignal": {"Incident": INCIDENT_SIGNAL_LINKED, "*": CHANGE_RECORDED},
}
# The outcomes of verifyArtifacts that are sent as ARTIFACT_DRIFTED.
DRIFTED_OUTCOMES = frozenset({"DRIFT", "MISSING"})
# Audited, and deliberately not sent out: who holds which access, and where the events themselves go.
NOT_EMITTED = frozenset({"createApiToken", "revokeApiToken", "registerWebhookSubscription",
                         "deleteWebhookSubscription"})


def event_type(entry: Mapping[str, Any]) -> str | None:
    """The type of the event an audit entry (as chained: before/after parsed) emits; None when it emits none."""
    action = entry["action"]
    if entry.get("outcome") != "ok" or action in NOT_EMITTED or _changed_nothing(entry.get("before")):
        return None
    mapped = ACTION_TYPES.get(action, CHANGE_RECORDED)
    if isinstance(mapped, dict):
        return mapped.get(entry["target_kind"], mapped["*"])
    if mapped == DEPLOYMENT_REGISTERED and "serving" in ((entry.get("before") or {}).get("fields") or {}):
        return DEPLOYMENT_SWITCHED
    if mapped == ARTIFACT_VERIFIED and (entry.get("after") or {}).get("outcome") in DRIFTED_OUTCOMES:
        return ARTIFACT_DRIFTED
    return mapped


def _changed_nothing(before: Any) -> bool:
    """A registration's `before` says when the call created and changed nothing (an idempotent repeat)."""
    return isinstance(before, Mapping) and before.get("created") is False and before.get("changed") is False


def subject(target_kind: str, target_key: str) -> str:
    """The entity an event is about, as CloudEvents `subject`: `<kind>/<natural key>` (the audit target)."""
    return f"{target_kind}/{target_key}"


def cloud_event(entry: Mapping[str, Any], type_: str) -> dict[str, Any]:
    """One chained audit entry as an outbox row: {id, seq, type, subject, body (the CloudEvents JSON)}."""
    event_id = str(uuid.uuid4())
    at = entry["at"]
    time = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    event = CloudEvent(
        attributes={"id": event_id, "source": SOURCE, "type": type_,
                    "subject": subject(entry["target_kind"], entry["target_key"]),
                    "time": time.astimezone(UTC), "datacontenttype": "application/json", "auditseq": entry["seq"]},
        data={"action": entry["action"], "actor": entry["actor"],
              "target": {"kind": entry["target_kind"], "key": entry["target_key"], "id": entry.get("target_id")},
              "before": entry.get("before"), "after": entry.get("after")})
    return {"id": event_id, "seq": entry["seq"], "type": type_, "subject": event.get_subject(),
            "body": to_structured_event(event).body.decode("utf-8")}


async def record(tx, chained: Sequence[Mapping[str, Any]], *, subscribed: frozenset[str]) -> int:
    """Derive the events of a transaction's chained audit events (their before/after as the stored JSON
    text) and queue them for the subscriptions that want them, in the same transaction: one statement,
    and none when no subscription wants any of them. `subscribed` is the event types some subscription
    wants, read under the chain's head lock (audit/lock_head.cypher): events of other types would be
    stored nowhere, so they are not built (most lineage events, where nobody subscribes to them).
    Called by app/audit/chain.py `append`, after it appends."""
    if not subscribed:
        return 0
    rows = []
    for stored in chained:
        entry = {**stored, "before": _parsed(stored.get("before")), "after": _parsed(stored.get("after"))}
        type_ = event_type(entry)
        if type_ in subscribed:
            rows.append(cloud_event(entry, type_))
    if not rows:
        return 0
    return await repository.record_events(tx, events=rows, now=datetime.now(UTC))


def _parsed(text: str | None) -> Any:
    return None if text is None else json.loads(text)
