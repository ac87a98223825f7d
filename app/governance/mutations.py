"""GraphQL mutations of governance: record checks, approve, promote; each answers with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.catalog.inputs import enum_value
from app.catalog.types import ModelVersion, from_node
from app.core.access import Permission
from app.core.context import Info
from app.core.results import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, answer
from app.governance import service
from app.governance.inputs import ApproveModelVersionInput, PromoteModelVersionInput, RecordCheckInput
from app.governance.types import (
    GateStatus,
    RecordedApproval,
    RecordedCheck,
    UnmetRequirement,
    approval_view,
    check_view,
    gate_view,
)


@strawberry.type(description="A check outcome as recorded.")
class CheckRecorded:
    check: RecordedCheck = strawberry.field(description="The check as stored after this call.")
    changed: bool = strawberry.field(description="False when the same outcome was already recorded.")


@strawberry.type(description="An approval as recorded.")
class ApprovalRecorded:
    approval: RecordedApproval = strawberry.field(description="The approval as stored (the first one, when repeated).")
    created: bool = strawberry.field(description="False when this person had already approved the version for the stage.")


@strawberry.type(description="The version is now in the target stage.")
class Promoted:
    model_version: ModelVersion = strawberry.field(description="The version as stored after this call.")
    changed: bool = strawberry.field(description="False when it was already in the stage (the gate still applied).")
    gate: GateStatus = strawberry.field(description="The gate's verdict it passed, with the checks and approvals.")


@strawberry.type(description="The policy refuses the promotion; nothing was written. Every unmet requirement is listed.")
class PromotionRefused:
    code: str = strawberry.field(description="Always `PROMOTION_REFUSED`.")
    message: str = strawberry.field(description="A summary for a person to read.")
    unmet: list[UnmetRequirement] = strawberry.field(description="Every requirement not met, all at once.")
    gate: GateStatus = strawberry.field(description="The full verdict, with the checks and approvals it saw.")


_ERRORS = InvalidInputError | NotFoundError | ConflictError | ForbiddenError


RecordCheckResult = Annotated[CheckRecorded | _ERRORS, strawberry.union(
    "RecordCheckResult", description="What `recordCheck` answers: the check as recorded, or the error that stopped "
                                     "it (then nothing was written).")]


ApproveModelVersionResult = Annotated[ApprovalRecorded | _ERRORS, strawberry.union(
    "ApproveModelVersionResult", description="What `approveModelVersion` answers: the approval, or the error that "
                                             "stopped it (self-approval is a ForbiddenError; nothing was written).")]


PromoteModelVersionResult = Annotated[Promoted | PromotionRefused | _ERRORS, strawberry.union(
    "PromoteModelVersionResult", description="What `promoteModelVersion` answers: `Promoted`, `PromotionRefused` "
                                             "listing every unmet requirement, or an error (then nothing was written).")]


def _promotion_view(promotion: service.Promotion) -> Promoted | PromotionRefused:
    gate = gate_view(promotion.report)
    if not gate.allowed:
        return PromotionRefused(code="PROMOTION_REFUSED", unmet=gate.unmet, gate=gate,
                                message=f"Promotion to {gate.stage.value} refused: {len(gate.unmet)} requirement(s) "
                                        "unmet; nothing was changed.")
    return Promoted(model_version=from_node(ModelVersion, promotion.node), changed=promotion.changed, gate=gate)


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Record the outcome of a check of a model version. Idempotent per (version, kind): "
                                     "the same outcome again changes nothing, a new one replaces it (the audit "
                                     "trail keeps the old).", extensions=requires(Permission.RECORD_CHECK))
    async def record_check(
        self, info: Info,
        input: Annotated[RecordCheckInput, strawberry.argument(description="The check and its outcome.")],
    ) -> RecordCheckResult:
        ctx = info.context
        return await answer(
            service.record_check(ctx.db, ctx.principal, input.model_version.ref(), kind=enum_value(input.kind),
                                 status=enum_value(input.status), evidence_uri=input.evidence_uri, note=input.note,
                                 policies=ctx.policies),
            lambda r: CheckRecorded(check=check_view(r.check), changed=r.changed))

    @strawberry.mutation(description="Approve a model version for a stage. Never by its author; idempotent per "
                                     "(version, stage, approver).", extensions=requires(Permission.APPROVE))
    async def approve_model_version(
        self, info: Info,
        input: Annotated[ApproveModelVersionInput, strawberry.argument(description="The version and the stage.")],
    ) -> ApproveModelVersionResult:
        ctx = info.context
        return await answer(
            service.approve(ctx.db, ctx.policies, ctx.principal, input.model_version.ref(),
                            stage=enum_value(input.stage), note=input.note),
            lambda r: ApprovalRecorded(approval=approval_view(r.approval), created=r.created))

    @strawberry.mutation(description="Move a model version to another stage when the policy allows it; otherwise "
                                     "`PromotionRefused` lists every unmet requirement and nothing changes.",
                         extensions=requires(Permission.PROMOTE))
    async def promote_model_version(
        self, info: Info,
        input: Annotated[PromoteModelVersionInput, strawberry.argument(description="The version and the target stage.")],
    ) -> PromoteModelVersionResult:
        ctx = info.context
        return await answer(
            service.promote(ctx.db, ctx.policies, ctx.principal, input.model_version.ref(), enum_value(input.stage)),
            _promotion_view)
