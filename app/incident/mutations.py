"""GraphQL mutations of incident response: quarantine, releaseQuarantine, rollbackDeployment; each answers with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.catalog.inputs import break_glass_reason
from app.catalog.types import Deployment, ModelVersion, from_node
from app.core.access import Permission
from app.core.context import Info
from app.core.results import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, answer
from app.governance.deployment import Refusal
from app.governance.types import DeploymentRefused, deployment_refused
from app.incident import service
from app.incident.inputs import QuarantineInput, ReleaseQuarantineInput, RollbackDeploymentInput
from app.incident.types import Incident, incident


@strawberry.type(description="What `quarantine` did.")
class Quarantine:
    incident: Incident = strawberry.field(description="The incident: opened by this call, or the OPEN one that already "
                                                      "quarantined the same start.")
    created: bool = strawberry.field(
        description="True when this call opened the incident; false when it already existed (then nothing changed).")
    flagged_count: int = strawberry.field(
        description="Dataset and model versions this call turned `quarantined` (those already quarantined not counted).")


@strawberry.type(description="What `releaseQuarantine` did.")
class QuarantineRelease:
    incident: Incident = strawberry.field(description="The incident, as it is after this call.")
    changed: bool = strawberry.field(description="False when it was already released (then nothing changed).")
    cleared_count: int = strawberry.field(
        description="Versions whose `quarantined` flag this call cleared (not those another OPEN incident covers).")


@strawberry.type(description="What `rollbackDeployment` did.")
class DeploymentRolledBack:
    deployment: Deployment = strawberry.field(description="The deployment after this call; `modelVersion` is what it serves.")
    changed: bool = strawberry.field(
        description="True when this call switched it; false when it already served a version that is not quarantined.")
    rolled_back_from: ModelVersion | None = strawberry.field(
        description="The quarantined version it served before this call; null when nothing changed.")
    incidents: list[Incident] = strawberry.field(
        description="The OPEN incidents covering the version it served, on which the rollback is recorded.")


def _union(name: str, cls, what: str):
    return Annotated[cls | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
                     strawberry.union(name, description=f"What `{what}` answers: the `{cls.__name__}`, or the error that "
                                                        "stopped it (then nothing was written).")]


QuarantineResult = _union("QuarantineResult", Quarantine, "quarantine")


ReleaseQuarantineResult = _union("ReleaseQuarantineResult", QuarantineRelease, "releaseQuarantine")


RollbackDeploymentResult = Annotated[
    DeploymentRolledBack | DeploymentRefused | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("RollbackDeploymentResult", description="What `rollbackDeployment` answers: the "
                     "`DeploymentRolledBack`, `DeploymentRefused` when no earlier version passes the environment's "
                     "requirements (each candidate with what it lacks), or the error that stopped it (then nothing "
                     "was written but, for a refusal, its audit event).")]


async def _quarantine(info: Info, input: QuarantineInput) -> service.Quarantined:
    return await service.quarantine(info.context.db, info.context.actor(), input.start(), reason=input.reason,
                                    budget=input.node_budget)


@strawberry.type(description="Incident response: contain bad data or a bad model, roll deployments back, release.")
class IncidentMutation:
    @strawberry.mutation(
        description="Quarantine a dataset version, a dataset's versions created in a window, or a model version, and "
                    "everything downstream of it, in one transaction: an OPEN incident links it all and the "
                    "deployments to roll back. Idempotent: the same start while its incident is OPEN changes nothing.",
        extensions=requires(Permission.QUARANTINE))
    async def quarantine(
        self, info: Info,
        input: Annotated[QuarantineInput, strawberry.argument(description="What to quarantine, and why.")],
    ) -> QuarantineResult:
        return await answer(_quarantine(info, input), lambda r: Quarantine(
            incident=incident(r.incident), created=r.created, flagged_count=r.flagged))

    @strawberry.mutation(
        description="Release an incident: RELEASED, and `quarantined` cleared on what it covers unless another OPEN "
                    "incident covers it too. Deployments are not switched back. Idempotent.",
        extensions=requires(Permission.QUARANTINE))
    async def release_quarantine(
        self, info: Info,
        input: Annotated[ReleaseQuarantineInput, strawberry.argument(description="The incident to release, and why.")],
    ) -> ReleaseQuarantineResult:
        return await answer(
            service.release(info.context.db, info.context.actor(), incident_id=str(input.incident), note=input.note),
            lambda r: QuarantineRelease(incident=incident(r.incident), changed=r.changed, cleared_count=r.cleared))

    @strawberry.mutation(
        description="Switch a deployment serving a quarantined version to its previous good version: the most recently "
                    "served earlier version that passes the environment's requirements now (the policy's stages and "
                    "gate; never a quarantined version). None passing is `DeploymentRefused`. Idempotent: a "
                    "deployment serving a version that is not quarantined is left as it is.",
        extensions=requires(Permission.QUARANTINE))
    async def rollback_deployment(
        self, info: Info,
        input: Annotated[RollbackDeploymentInput, strawberry.argument(description="The deployment, and why.")],
    ) -> RollbackDeploymentResult:
        def present(r):
            if isinstance(r, Refusal):
                return deployment_refused(r)
            return DeploymentRolledBack(
                deployment=from_node(Deployment, r.deployment), changed=r.changed,
                rolled_back_from=from_node(ModelVersion, r.rolled_back_from),
                incidents=[incident(s) for s in r.incidents])

        ctx = info.context
        return await answer(
            service.rollback_deployment(ctx.db, info.context.actor(), policies=ctx.policies,
                                        environment=input.environment.value, name=input.name, reason=input.reason,
                                        break_glass_reason=break_glass_reason(input.break_glass)),
            present)
