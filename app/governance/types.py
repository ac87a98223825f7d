"""GraphQL of governance: policies, gateStatus, checks, approvals, promote. (Skeleton: being built.)"""

from __future__ import annotations

import strawberry


@strawberry.type
class GovernanceQuery:
    pass


@strawberry.type
class GovernanceMutation:
    pass
