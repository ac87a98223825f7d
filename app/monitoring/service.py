"""Monitoring rules: health signals on deployments and model versions, the health they add up to,
and what the policy does about a critical one (README "Monitoring").

A signal is idempotent on its key (Alertmanager: fingerprint + startsAt; a tool: its own key, or
one derived from target, source, metric and start): a key seen before changes nothing, except that
a FIRING signal reported RESOLVED is resolved. A resolution is final: a later FIRING report of the
same key changes nothing (the same alert firing again has a new startsAt, so a new key).

Every public write is one use case in one write transaction: the signals of a notification, their
audit entries, and what the policy's `monitoring` section does about a new FIRING CRITICAL signal on
a deployment in one of its environments — an incident quarantining the version it serves, that
version's upstream named as suspects, and optionally a rollback — commit together or not at all.
Nothing acts on a signal that was already recorded, so a replayed notification opens no second
incident; a second critical signal meets the same OPEN incident (incident response answers it).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.audit.chain import record_audit
from app.audit.entry import AuditEntry
from app.auth import scope
from app.core import limits
from app.core import validation as v
from app.core import vocabulary
from app.core.access import SYSTEM
from app.core.actor import Actor
from app.core.db import Database, Tx
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.kinds import Kinds
from app.core.times import stored_time
from app.governance.deployment import Refusal
from app.governance.policy import Policies
from app.incident import repository as incident_repository
from app.incident import service as incident_service
from app.lineage.service import Start
from app.monitoring import repository

SEVERITIES = vocabulary.values("HealthSeverity")        # info, warning, critical
STATUSES = vocabulary.values("HealthSignalStatus")      # firing, resolved
FIRING, RESOLVED = "firing", "resolved"
CRITICAL, WARNING = "critical", "warning"

# Who the policy acts as: not the caller (a monitor may not quarantine), the registry itself on the
# policy file's behalf, named so the audit trail tells its acts from a person's.
MONITORING_ACTOR = "system:monitoring"
# The audit actions (app/events/outbox.py gives each its event type).
RECORD_ACTION = "recordHealthSignal"      # a signal recorded or resolved through GraphQL
ALERT_ACTION = "alertmanagerAlert"        # one recorded or resolved through POST /api/v1/alertmanager
RESPOND_ACTION = "respondToHealthSignal"  # the policy acting on a critical signal

DEFAULT_RECENT = 10
MAX_RECENT = 100
# One notification is one transaction: Alertmanager's `max_alerts` (0 = all) should stay below this.
MAX_ALERTS = 1000
MAX_KEY = 256


@dataclass(frozen=True)
class SignalReport:
    """What a tool or an alert says: checked by `checked` before anything is looked up."""

    metric: str
    severity: str
    status: str
    source: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    value: float | None = None
    threshold: float | None = None
    summary: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    key: str | None = None           # the client's idempotency key (Alertmanager's is made from the alert)
    fingerprint: str | None = None
    generator_url: str | None = None
    where: str = ""                  # the field prefix errors name (`alerts[2].` for an alert)

    def checked(self, actor: Actor) -> SignalReport:
        """The report with its rules applied (README "Monitoring"); InvalidInput naming the field otherwise."""
        at = self.where
        starts_at = actor.happened(f"{at}startsAt", self.starts_at)
        ends_at = None
        if self.status == RESOLVED:
            ends_at = actor.happened(f"{at}endsAt", self.ends_at)
            if ends_at < starts_at:
                raise InvalidInput(f"{at}endsAt {ends_at.isoformat()} is before {at}startsAt {starts_at.isoformat()}: "
                                   "a signal ends after it starts.", field=f"{at}endsAt")
        elif self.ends_at is not None and self.where == "":
            raise InvalidInput("endsAt is when a RESOLVED signal ended; a FIRING one has none.", field="endsAt")
        key = None
        if self.key is not None:
            key = v.text_key(f"{at}key", self.key, max_length=MAX_KEY)
        return replace(
            self, metric=v.text_key(f"{at}metric", self.metric, max_length=128),
            severity=v.one_of(f"{at}severity", self.severity, SEVERITIES),
            status=v.one_of(f"{at}status", self.status, STATUSES),
            source=v.text_key(f"{at}source", self.source, max_length=128),
            starts_at=starts_at, ends_at=ends_at,
            value=None if self.value is None else v.finite(f"{at}value", self.value),
            threshold=None if self.threshold is None else v.finite(f"{at}threshold", self.threshold),
            summary=v.description(f"{at}summary", self.summary),
            labels=v.parameters(f"{at}labels", self.labels), key=key)


@dataclass(frozen=True)
class Target:
    """What a signal is attached to: a deployment or a model version, with the team whose write it is."""

    kind: str                   # Deployment | ModelVersion
    id: str
    key: str                    # the audit trail's target key: production/credit-scoring-api, credit-scoring/2
    label: str                  # as people write it: production/credit-scoring-api, credit-scoring@2
    team: str | None
    environment: str | None = None
    name: str | None = None
    serving: dict | None = None  # a deployment's version now: {id, model_name, version}


@dataclass(frozen=True)
class Response:
    """What the policy did about a new FIRING CRITICAL signal."""

    incident: dict | None        # the incident's summary (app/incident/repository.summaries)
    incident_created: bool
    suspects: int                # upstream nodes this response named as suspects
    rolled_back: incident_service.RolledBack | None
    rollback_refused: str | None  # why no rollback happened when the policy asked for one
    refused: str | None = None    # why no incident was opened (the quarantine was refused whole)


@dataclass(frozen=True)
class Recorded:
    signal: dict
    target: Target
    created: bool
    resolved: bool
    health: str                  # the target's state after this call
    response: Response | None = None

    @property
    def changed(self) -> bool:
        return self.created or self.resolved


@dataclass(frozen=True)
class AlertResult:
    """One alert of a notification: what became of it."""

    index: int
    fingerprint: str
    status: str
    outcome: str                 # AlertOutcome: RECORDED, RESOLVED, UNCHANGED, UNMATCHED
    reason: str | None = None    # why it was not matched
    recorded: Recorded | None = None


# --- writes -----------------------------------------------------------------------------------------


async def record_health_signal(db: Database, actor: Actor, policies: Policies, report: SignalReport, *,
                               deployment: tuple[str, str] | None = None,
                               model_version: tuple[str, str] | None = None) -> Recorded:
    """Record a signal a tool reports against a deployment (environment, name) or a model version
    (model, version), or resolve the one it recorded under the same key; then the policy's response."""
    if (deployment is None) == (model_version is None):
        raise InvalidInput("Give exactly one of deployment and modelVersion.", field="input")
    report = report.checked(actor)
    if deployment is not None:
        environment = v.one_of("deployment.environment", deployment[0], vocabulary.ENVIRONMENTS)
        name = v.identifier("deployment.name", deployment[1])
    else:
        model_name = v.identifier("modelVersion.model", model_version[0])
        version = v.version("modelVersion.version", model_version[1])

    async def work(tx: Tx) -> Recorded:
        if deployment is not None:
            found = (await repository.match_deployments(tx, [{"index": 0, "environment": environment, "name": name,
                                                              "endpoint": None}])).get(0)
            if not found:
                raise NotFound(f"Deployment {environment}/{name} does not exist.", kind="Deployment",
                               key=f"{environment}/{name}")
            target = _deployment_target(found[0])
        else:
            row = await repository.model_version_target(tx, model_name=model_name, version=version)
            if row is None:
                raise NotFound(f"Model version {model_name}@{version} does not exist.", kind="ModelVersion",
                               key=f"{model_name}/{version}")
            node = row["node"]
            target = Target(kind="ModelVersion", id=node["id"], key=f"{model_name}/{version}",
                            label=f"{model_name}@{version}", team=row["team"])
        _authorize(actor, target, field=None)
        key = "key:" + report.key if report.key is not None else _derived_key(target, report)
        (recorded,) = await _record_in(tx, actor, policies, [(target, report, key)], action=RECORD_ACTION)
        return recorded

    return await db.write(work)


@dataclass(frozen=True)
class Alert:
    """One alert of an Alertmanager notification, as read (app/monitoring/inputs.py read_notification)."""

    index: int
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None
    fingerprint: str
    generator_url: str | None


# The labels that name a deployment (README "Monitoring").
ENVIRONMENT_LABEL = "lineagegraph_environment"
DEPLOYMENT_LABEL = "lineagegraph_deployment"
ENDPOINT_LABEL = "lineagegraph_endpoint"
METRIC_LABEL = "lineagegraph_metric"


async def receive_alerts(db: Database, actor: Actor, policies: Policies, alerts: list[Alert]) -> list[AlertResult]:
    """Record the alerts of one Alertmanager notification, in one transaction: each matched to a
    deployment by its labels becomes (or resolves) a signal; the others are answered UNMATCHED with
    the reason. An alert on a deployment outside the caller's teams refuses the whole notification
    (Forbidden naming `alerts[i]`): nothing of it is written."""
    if len(alerts) > MAX_ALERTS:
        raise InvalidInput(f"A notification carries at most {MAX_ALERTS} alerts; set the receiver's `max_alerts`.",
                           field="alerts")
    reports = [(alert, _report_of(alert).checked(actor)) for alert in alerts]
    lookups, unmatched = [], {}
    for alert, _ in reports:
        lookup, reason = _lookup_of(alert)
        if lookup is None:
            unmatched[alert.index] = reason
        else:
            lookups.append(lookup)

    async def work(tx: Tx) -> list[AlertResult]:
        found = await repository.match_deployments(tx, lookups) if lookups else {}
        unmatched_now = dict(unmatched)  # this attempt's: a retried transaction looks again
        items = []
        for alert, report in reports:
            if alert.index in unmatched_now:
                continue
            deployments = found.get(alert.index, [])
            if len(deployments) != 1:
                unmatched_now[alert.index] = _no_match(alert, deployments)
                continue
            target = _deployment_target(deployments[0])
            _authorize(actor, target, field=f"alerts[{alert.index}]")
            items.append((target, report, _alert_key(alert)))
        recorded = iter(await _record_in(tx, actor, policies, items, action=ALERT_ACTION))
        results = []
        for alert, _ in reports:
            if alert.index in unmatched_now:
                results.append(AlertResult(alert.index, alert.fingerprint, alert.status, "UNMATCHED",
                                           reason=unmatched_now[alert.index]))
                continue
            done = next(recorded)
            outcome = "RECORDED" if done.created else "RESOLVED" if done.resolved else "UNCHANGED"
            results.append(AlertResult(alert.index, alert.fingerprint, alert.status, outcome, recorded=done))
        return results

    return await db.write(work)


async def _record_in(tx: Tx, actor: Actor, policies: Policies, items: list[tuple[Target, SignalReport, str]], *,
                     action: str) -> list[Recorded]:
    """Record the signals in the caller's transaction, audit what changed, and let the policy respond."""
    if not items:
        return []
    targets = {target.id: target for target, _, _ in items}
    before = await _states(tx, list(targets))
    rows = [_row(index, target, report, key) for index, (target, report, key) in enumerate(items)]
    written = await repository.record_signals(tx, rows, now=actor.now, principal=actor.principal)
    results = []
    for index, (target, report, key) in enumerate(items):
        row = written.get(index)
        if row is None:  # the target was read in this transaction: it can only have been deleted since
            raise NotFound(f"{target.kind} {target.label} does not exist.", kind=target.kind, key=target.key)
        if row["target_id"] != target.id:
            raise Conflict(f"The signal key {key!r} is recorded against another deployment or model version; a key "
                           f"names one signal of one target, and this one is {target.label}.", field="key")
        results.append((target, report, row))
    changed = {target.id for target, _, row in results if row["created"] or row["resolved"]}
    after = await _states(tx, [t for t in targets if t in changed])
    recorded = []
    for target, report, row in results:
        done = Recorded(signal=row["signal"], target=target, created=row["created"], resolved=row["resolved"],
                        health=after.get(target.id, before[target.id]))
        if done.changed:
            record_audit(tx, AuditEntry(
                actor=actor.principal, action=action, target_kind=target.kind, target_key=target.key,
                target_id=target.id, at=actor.now,
                before=None if done.created else {"status": row["before"], "health": before[target.id]},
                after=_audit_summary(done)))
        if done.created and _calls_for_response(policies, target, done.signal):
            done = replace(done, response=await _respond(tx, policies, done, actor.now))
        recorded.append(done)
    return recorded


def _calls_for_response(policies: Policies, target: Target, signal: dict) -> bool:
    """A new FIRING CRITICAL signal on a deployment that serves something, in an environment the
    policy's `monitoring` section lists (with its quarantine on)."""
    rule = policies.monitoring
    return (target.kind == "Deployment" and target.serving is not None and rule.acts_in(target.environment)
            and rule.on_critical.quarantine and signal["status"] == FIRING and signal["severity"] == CRITICAL)


async def _respond(tx: Tx, policies: Policies, recorded: Recorded, now: datetime) -> Response:
    """The policy's response, in the signal's transaction, as MONITORING_ACTOR: incident response's own
    quarantine of the served version (an OPEN incident of that start is met, not doubled), the
    version's upstream linked as suspects, then — when the policy says so — rollbackDeployment's rule
    through the deployment gate. A refusal of either is recorded, not raised: the signal stands."""
    system = Actor(principal=MONITORING_ACTOR, now=now, access=SYSTEM)
    target, signal, serving = recorded.target, recorded.signal, recorded.target.serving
    version = f"{serving['model_name']}@{serving['version']}"
    reason = (f"{signal['severity']} health signal {signal['metric']} firing on {target.label} (serving {version}; "
              f"source {signal['source']})" + (f": {signal['summary']}" if signal.get("summary") else ""))
    start = Start(Kinds.MODEL_VERSION.value, {"model_name": serving["model_name"], "version": serving["version"]},
                  field="serving")
    try:
        quarantined = await incident_service.quarantine_in(tx, system, start, reason=reason)
    except InvalidInput as exc:  # more downstream than a whole containment allows: it wrote nothing
        record_audit(tx, AuditEntry(
            actor=MONITORING_ACTOR, action=RESPOND_ACTION, target_kind=target.kind, target_key=target.key,
            target_id=target.id, at=now, after={"signal": signal["id"], "incident": None, "refused": exc.message}))
        return Response(incident=None, incident_created=False, suspects=0, rolled_back=None, rollback_refused=None,
                        refused=exc.message)
    incident = quarantined.incident
    linked = await repository.link_incident(
        tx, signal_id=signal["id"], incident_id=incident["id"], model_version_id=serving["id"],
        max_depth=limits.MAX_LINEAGE_DEPTH, budget=limits.DEFAULT_NODE_BUDGET, now=now)
    rolled_back, refused = None, None
    if policies.monitoring.on_critical.rollback:
        try:
            outcome = await incident_service.rollback_in(tx, system, policies=policies,
                                                         environment=target.environment, name=target.name,
                                                         reason=reason)
        except Conflict as exc:  # nothing earlier to go back to; raised before anything was written
            refused = exc.message
        else:
            if isinstance(outcome, Refusal):  # its denied attempt is audited by the rule itself
                refused = outcome.message
            else:
                rolled_back = outcome
    after = {"signal": signal["id"], "deployment": target.label, "serving": version, "incident": incident["id"],
             "incidentCreated": quarantined.created, "suspects": linked["linked"],
             "suspectsCut": linked["budget_cut"]}
    if policies.monitoring.on_critical.rollback:
        after["rollback"] = (f"to {_version_label(rolled_back.rolled_back_to)}"
                             if rolled_back is not None and rolled_back.changed
                             else "not needed" if rolled_back is not None else f"refused: {refused}")
    record_audit(tx, AuditEntry(actor=MONITORING_ACTOR, action=RESPOND_ACTION, target_kind="Incident",
                                target_key=incident["id"], target_id=incident["id"], at=now, after=after))
    # The summary as it is now: the rollback is recorded on the incident's ROLLBACK_NEEDED edge.
    incident = (await incident_repository.summaries(tx, [incident["id"]]))[incident["id"]]
    return Response(incident=incident, incident_created=quarantined.created, suspects=linked["linked"],
                    rolled_back=rolled_back, rollback_refused=refused)


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthRequest:
    """Whose health a field asks for, with how many recent signals (a DataLoader key)."""

    target_id: str
    recent: int

    def checked(self) -> HealthRequest:
        v.in_range("recent", self.recent, 0, MAX_RECENT)
        return self


@dataclass(frozen=True)
class Health:
    state: str            # HealthState
    total: int            # signals ever recorded
    firing: int
    critical: int
    warning: int
    recent: list[dict]    # the newest signals, newest first


async def health_of(db: Database, requests: list[HealthRequest]) -> list[Health]:
    """The health of deployments or model versions: one read for them all."""
    rows = await db.read(repository.health_of, [{"key": index, "id": r.target_id, "recent": r.recent}
                                                for index, r in enumerate(requests)])
    return [_health(rows[index]) for index in range(len(requests))]


async def incident_suspects(db: Database, *, incident_id: str, first: int, offset: int) -> dict | None:
    """A page of what an incident suspects (nearest first) and the total; None for no such incident."""
    v.in_range("first", first, 1, limits.MAX_PAGE_SIZE)
    v.in_range("offset", offset, 0, limits.MAX_NODE_BUDGET)
    return await db.read(repository.incident_suspects, incident_id=incident_id, offset=offset, limit=first)


def state_of(row: dict) -> str:
    """The rule (README "Monitoring"): nothing ever recorded is UNKNOWN; a firing critical signal
    CRITICAL; else a firing warning DEGRADED; else HEALTHY (info signals do not degrade)."""
    if row["total"] == 0:
        return "UNKNOWN"
    if row["critical"]:
        return "CRITICAL"
    if row["warning"]:
        return "DEGRADED"
    return "HEALTHY"


# --- helpers ----------------------------------------------------------------------------------------


def _health(row: dict) -> Health:
    return Health(state=state_of(row), total=row["total"], firing=row["firing"], critical=row["critical"],
                  warning=row["warning"], recent=list(row["recent"]))


async def _states(tx: Tx, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await repository.health_of(tx, [{"key": i, "id": i, "recent": 0} for i in ids])
    return {i: state_of(rows[i]) for i in ids}


def _deployment_target(node: dict) -> Target:
    label = f"{node['environment']}/{node['name']}"
    return Target(kind="Deployment", id=node["id"], key=label, label=label, team=node["team"],
                  environment=node["environment"], name=node["name"], serving=node["serving"])


def _authorize(actor: Actor, target: Target, *, field: str | None) -> None:
    """The team scope of every write (app/auth/scope.py): a deployment is its served model's team's."""
    what = ("deployment " if target.kind == "Deployment" else "model version ") + target.label
    problem = scope.refusal(actor.access, target.team, what=what + ", which team {owner} owns", field=field)
    if problem is not None:
        raise problem


def _row(index: int, target: Target, report: SignalReport, key: str) -> dict:
    serving = target.serving
    return {"index": index, "key": key, "id": str(uuid.uuid4()), "target_id": target.id, "metric": report.metric,
            "value": report.value, "threshold": report.threshold, "severity": report.severity,
            "status": report.status, "source": report.source, "starts_at": report.starts_at,
            "ends_at": report.ends_at, "summary": report.summary,
            "labels": json.dumps(report.labels, sort_keys=True, ensure_ascii=False),
            "fingerprint": report.fingerprint, "generator_url": report.generator_url,
            "serving": f"{serving['model_name']}@{serving['version']}" if serving else None}


def _derived_key(target: Target, report: SignalReport) -> str:
    """A tool that gives no key: the same target, source, metric and start are the same signal."""
    text = "\x1f".join([target.id, report.source, report.metric, report.starts_at.isoformat()])
    return "derived:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _alert_key(alert: Alert) -> str:
    """Alertmanager's identity of one occurrence of an alert: its fingerprint (a hash of its labels)
    and when it started, as an instant (the same instant however the offset is written)."""
    return f"alertmanager:{alert.fingerprint}:{alert.starts_at.isoformat()}"


_SEVERITY_ALIASES = {"info": "info", "informational": "info", "none": "info", "warning": "warning", "warn": "warning",
                     "critical": "critical", "page": "critical", "error": "critical"}


def _report_of(alert: Alert) -> SignalReport:
    labels, notes = alert.labels, alert.annotations
    return SignalReport(
        metric=labels.get(METRIC_LABEL) or labels.get("alertname") or "alert",
        severity=_SEVERITY_ALIASES.get(labels.get("severity", "").strip().lower(), WARNING),
        status=alert.status, source="alertmanager", starts_at=alert.starts_at,
        ends_at=alert.ends_at if alert.status == RESOLVED else None,
        value=_number(notes.get("value")), threshold=_number(notes.get("threshold")),
        summary=notes.get("summary") or notes.get("description"), labels=labels,
        fingerprint=alert.fingerprint, generator_url=alert.generator_url, where=f"alerts[{alert.index}].")


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value == value and abs(value) != float("inf") else None


def _lookup_of(alert: Alert) -> tuple[dict | None, str | None]:
    labels = alert.labels
    environment = (labels.get(ENVIRONMENT_LABEL) or "").strip().lower() or None
    name = (labels.get(DEPLOYMENT_LABEL) or "").strip() or None
    endpoint = (labels.get(ENDPOINT_LABEL) or "").strip() or None
    if environment is not None and environment not in vocabulary.ENVIRONMENTS:
        return None, (f"label {ENVIRONMENT_LABEL}={environment!r} is not an environment "
                      f"({', '.join(vocabulary.ENVIRONMENTS)})")
    if (environment is None or name is None) and endpoint is None:
        return None, (f"it names no deployment: give the labels {ENVIRONMENT_LABEL} and {DEPLOYMENT_LABEL}, "
                      f"or {ENDPOINT_LABEL}")
    both = environment is not None and name is not None
    return {"index": alert.index, "environment": environment if both else None, "name": name if both else None,
            "endpoint": endpoint}, None


def _no_match(alert: Alert, deployments: list[dict]) -> str:
    labels = alert.labels
    if deployments:
        return (f"{len(deployments)} deployments have the endpoint {labels.get(ENDPOINT_LABEL)!r} "
                f"({', '.join(sorted(d['environment'] + '/' + d['name'] for d in deployments))}); add the labels "
                f"{ENVIRONMENT_LABEL} and {DEPLOYMENT_LABEL}")
    if labels.get(ENVIRONMENT_LABEL) and labels.get(DEPLOYMENT_LABEL):
        return (f"no deployment {labels[ENVIRONMENT_LABEL].strip().lower()}/{labels[DEPLOYMENT_LABEL].strip()} "
                "is registered")
    return f"no deployment has the endpoint {labels.get(ENDPOINT_LABEL)!r}"


def _version_label(node: dict | None) -> str | None:
    return None if node is None else f"{node['model_name']}@{node['version']}"


def _audit_summary(done: Recorded) -> dict:
    signal = done.signal
    return {"signal": signal["id"], "key": signal["key"], "metric": signal["metric"], "severity": signal["severity"],
            "status": signal["status"], "source": signal["source"], "value": signal.get("value"),
            "threshold": signal.get("threshold"), "startsAt": _iso(signal.get("starts_at")),
            "endsAt": _iso(signal.get("ends_at")), "serving": signal.get("serving"), "health": done.health}


def _iso(value) -> str | None:
    if value is None:
        return None
    return stored_time(value).isoformat()
