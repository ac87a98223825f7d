"""GraphQL queries of access management: me, apiTokens; thin over app/auth/service.py."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth import service
from app.auth.permissions import requires
from app.auth.types import ApiToken, Me
from app.core.access import Permission
from app.core.context import Info


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Who the registry takes the caller for, with its roles, teams and permissions.")
    def me(self, info: Info) -> Me:
        principal = info.context.principal
        return Me(name=principal.name, roles=sorted(principal.roles, key=lambda r: r.value),
                  teams=sorted(principal.teams), permissions=sorted(p.value for p in principal.permissions))

    @strawberry.field(description="API tokens (never their secrets), newest first. Admins only.",
                      extensions=requires(Permission.MANAGE_ACCESS))
    async def api_tokens(
        self, info: Info,
        principal: Annotated[str | None, strawberry.argument(description="Only this principal's tokens.")] = None,
        first: Annotated[int, strawberry.argument(description="How many, at most 500.")] = 100,
    ) -> list[ApiToken]:
        return [ApiToken.of(r) for r in await service.list_tokens(info.context.db, principal=principal, first=first)]
