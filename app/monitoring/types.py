"""GraphQL types of monitoring: health signals and the health they add up to.

`Deployment.health` and `ModelVersion.health` (app/catalog/types.py) resolve through `health_of_record`,
batched per request (app/monitoring/loaders.py), so impact items and provenance nodes that are
deployments or model versions show their health without a statement per item."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.core.context import Info
from app.core.times import stored_time
from app.core.vocabulary import graphql_enum
from app.monitoring import loaders, service

if TYPE_CHECKING:
    from app.incident.types import Incident

HealthSeverity = graphql_enum("HealthSeverity")
HealthSignalStatus = graphql_enum("HealthSignalStatus")
HealthState = graphql_enum("HealthState")


@strawberry.type(description="A label kept with a signal (for an alert: its Prometheus labels).")
class SignalLabel:
    name: str = strawberry.field(description="The label's name, e.g. `alertname`.")
    value: str = strawberry.field(description="Its value.")


@strawberry.type(description="A health or drift signal on a deployment or a model version: an Alertmanager alert, or "
                             "what a tool recorded with `recordHealthSignal`.")
class HealthSignal:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID).")
    key: str = strawberry.field(
        description="Its idempotency key: `alertmanager:<fingerprint>:<startsAt>`, `key:<the tool's key>` or "
                    "`derived:<sha256 of target, source, metric, startsAt>`.")
    metric: str = strawberry.field(description="What was measured: the alert's `lineagegraph_metric` or `alertname`.")
    value: float | None = strawberry.field(description="The measured value, when reported.")
    threshold: float | None = strawberry.field(description="The threshold it is compared with, when reported.")
    severity: HealthSeverity = strawberry.field(description="How bad it is.")
    status: HealthSignalStatus = strawberry.field(description="FIRING while the condition holds, then RESOLVED.")
    source: str = strawberry.field(description="Who reported it: `alertmanager`, or the tool's name.")
    starts_at: datetime = strawberry.field(description="When the condition started.")
    ends_at: datetime | None = strawberry.field(description="When it ended; null while firing.")
    recorded_at: datetime = strawberry.field(description="When the registry recorded it.")
    resolved_at: datetime | None = strawberry.field(description="When the registry recorded its resolution.")
    recorded_by: str = strawberry.field(description="The principal whose token reported it.")
    summary: str | None = strawberry.field(description="A sentence for people (an alert's `summary` or `description`).")
    labels: list[SignalLabel] = strawberry.field(description="Its labels, by name.")
    fingerprint: str | None = strawberry.field(description="Alertmanager's fingerprint of the alert; null otherwise.")
    generator_url: str | None = strawberry.field(description="Where the alert came from (Prometheus' expression link).")
    serving: str | None = strawberry.field(
        description="For a deployment: the model version it served when the signal was recorded, `model@version`.")
    incident_id: strawberry.Private[str | None]

    @strawberry.field(description="The incident the monitoring policy opened (or found open) for it; null when none.")
    async def incident(self, info: Info) -> Annotated["Incident", strawberry.lazy("app.incident.types")] | None:
        if self.incident_id is None:
            return None
        from app.incident.types import incident  # here: incident's types name the catalog's, which name these

        found = await loaders.incidents(info).load(self.incident_id)
        return incident(found) if found is not None else None


def health_signal(node: dict) -> HealthSignal:
    labels = json.loads(node.get("labels") or "{}")
    return HealthSignal(
        id=node["id"], key=node["key"], metric=node["metric"], value=node.get("value"),
        threshold=node.get("threshold"), severity=HealthSeverity(node["severity"]),
        status=HealthSignalStatus(node["status"]), source=node["source"], starts_at=stored_time(node["starts_at"]),
        ends_at=stored_time(node.get("ends_at")), recorded_at=stored_time(node["recorded_at"]),
        resolved_at=stored_time(node.get("resolved_at")), recorded_by=node["created_by"], summary=node.get("summary"),
        labels=[SignalLabel(name=k, value=labels[k]) for k in sorted(labels)], fingerprint=node.get("fingerprint"),
        generator_url=node.get("generator_url"), serving=node.get("serving"), incident_id=node.get("incident_id"))


@strawberry.type(description="A deployment's or model version's health, derived from its firing signals.")
class Health:
    state: HealthState = strawberry.field(
        description="CRITICAL when a critical signal fires, DEGRADED when a warning does, HEALTHY when neither "
                    "(signals were recorded), UNKNOWN when no signal was ever recorded.")
    firing_count: int = strawberry.field(description="Signals firing now, of any severity.")
    signal_count: int = strawberry.field(description="Signals ever recorded on it.")
    recent_signals: list[HealthSignal] = strawberry.field(
        description="The newest signals (by start), newest first, as many as `recent` asked for.")


def health(value: service.Health) -> Health:
    return Health(state=HealthState[value.state], firing_count=value.firing, signal_count=value.total,
                  recent_signals=[health_signal(node) for node in value.recent])


async def health_of_record(root, info: Info, recent: Annotated[int, strawberry.argument(
        description="How many of its newest signals to list: 0–100, default 10.")] = service.DEFAULT_RECENT,
) -> Health:
    """The resolver of `Deployment.health` and `ModelVersion.health`: batched per request."""
    request = service.HealthRequest(target_id=root.id, recent=recent).checked()
    return health(await loaders.health(info).load(request))
