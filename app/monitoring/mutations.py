"""GraphQL mutations of monitoring: recordHealthSignal, for the tools that are not Alertmanager
(drift monitors, evaluation jobs); it answers with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.catalog.types import ModelVersion, from_node
from app.core.access import Permission
from app.core.context import Info
from app.core.results import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, answer
from app.incident.types import Incident, incident
from app.monitoring import service
from app.monitoring.inputs import RecordHealthSignalInput
from app.monitoring.types import HealthSignal, HealthState, health_signal


@strawberry.type(description="What the policy's `monitoring` section did about a new firing critical signal on a "
                             "deployment: in the signal's own transaction, as `system:monitoring`.")
class MonitoringResponse:
    incident: Incident | None = strawberry.field(
        description="The incident quarantining the version the deployment served (opened now, or the OPEN one that "
                    "already had that start); null when the quarantine was refused (`refused` says why).")
    incident_created: bool = strawberry.field(description="True when this signal opened the incident.")
    suspect_count: int = strawberry.field(
        description="Nodes upstream of the served version this signal named as the incident's suspects (not flagged).")
    rolled_back_to: ModelVersion | None = strawberry.field(
        description="The version the deployment was rolled back to, when the policy rolls back and it did.")
    rollback_refused: str | None = strawberry.field(
        description="Why no rollback happened although the policy asks for one (no earlier version passes the "
                    "deployment gate, or there is none); null otherwise.")
    refused: str | None = strawberry.field(description="Why no incident was opened; null when one was.")


@strawberry.type(description="What `recordHealthSignal` did.")
class HealthSignalRecorded:
    signal: HealthSignal = strawberry.field(description="The signal, as it is after this call.")
    created: bool = strawberry.field(description="True when this call recorded it (its key was new).")
    changed: bool = strawberry.field(
        description="True when this call recorded or resolved it; false for a repeat (then nothing was written).")
    health: HealthState = strawberry.field(description="The state of the deployment or model version after this call.")
    response: MonitoringResponse | None = strawberry.field(
        description="What the monitoring policy did about it; null when it did nothing (not a new firing critical "
                    "signal on a deployment in the policy's environments).")


RecordHealthSignalResult = Annotated[
    HealthSignalRecorded | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("RecordHealthSignalResult", description="What `recordHealthSignal` answers: the "
                     "`HealthSignalRecorded`, or the error that stopped it (then nothing was written).")]


def monitoring_response(response: service.Response | None) -> MonitoringResponse | None:
    if response is None:
        return None
    rolled = response.rolled_back
    return MonitoringResponse(
        incident=incident(response.incident) if response.incident is not None else None,
        incident_created=response.incident_created, suspect_count=response.suspects,
        rolled_back_to=from_node(ModelVersion, rolled.rolled_back_to) if rolled is not None and rolled.changed else None,
        rollback_refused=response.rollback_refused, refused=response.refused)


def recorded(result: service.Recorded) -> HealthSignalRecorded:
    return HealthSignalRecorded(signal=health_signal(result.signal), created=result.created, changed=result.changed,
                                health=HealthState[result.health], response=monitoring_response(result.response))


async def _record(info: Info, input: RecordHealthSignalInput) -> service.Recorded:
    ctx = info.context
    return await service.record_health_signal(ctx.db, ctx.actor(), ctx.policies, input.report(), **input.target())


@strawberry.type(description="Monitoring: health and drift signals on deployments and model versions.")
class MonitoringMutation:
    @strawberry.mutation(
        description="Record a health or drift signal against a deployment or a model version, or resolve one recorded "
                    "under the same key. Idempotent on the key: a repeat changes nothing. A new FIRING CRITICAL signal "
                    "on a deployment in the policy's monitoring environments opens an incident (and, per policy, "
                    "rolls it back) in the same transaction. Scoped to the deployment's or model's team.",
        extensions=requires(Permission.RECORD_HEALTH))
    async def record_health_signal(
        self, info: Info,
        input: Annotated[RecordHealthSignalInput, strawberry.argument(description="The signal and what it is about.")],
    ) -> RecordHealthSignalResult:
        return await answer(_record(info, input), recorded)
