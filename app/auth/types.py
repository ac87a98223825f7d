"""GraphQL of access management: tokens, principals. (Skeleton: being built.)"""

from __future__ import annotations

import strawberry


@strawberry.type
class AccessQuery:
    pass


@strawberry.type
class AccessMutation:
    pass
