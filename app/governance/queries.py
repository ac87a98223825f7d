"""GraphQL queries of governance: policies, gateStatus; thin over app/governance/service.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.catalog.inputs import ModelVersionRefInput, enum_value
from app.catalog.types import Stage
from app.core.access import Permission
from app.core.context import Info
from app.governance import service
from app.governance.types import GateStatus, PolicySet, gate_view, policy_view


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="The promotion policy in force, per target stage and risk tier.",
                      extensions=requires(Permission.READ))
    def policies(self, info: Info) -> PolicySet:
        return policy_view(info.context.policies)

    @strawberry.field(description="What promoting the version to `stage` would answer now, without promoting.",
                      extensions=requires(Permission.READ))
    async def gate_status(
        self, info: Info,
        model_version: Annotated[ModelVersionRefInput, strawberry.argument(description="The existing model version.")],
        stage: Annotated[Stage, strawberry.argument(description="The target stage.")],
    ) -> GateStatus:
        report = await service.gate_status(info.context.db, info.context.policies, model_version.ref(),
                                           enum_value(stage))
        return gate_view(report)
