"""GraphQL of incident response. (Skeleton: being built.)"""

from __future__ import annotations

import strawberry


@strawberry.type
class IncidentQuery:
    pass


@strawberry.type
class IncidentMutation:
    pass
