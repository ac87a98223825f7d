"""GraphQL mutations of access management: issue and revoke API tokens; each answers with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.auth import service
from app.auth.inputs import CreateApiTokenInput
from app.auth.permissions import requires
from app.auth.types import ApiToken, IssuedApiToken
from app.core.access import Permission
from app.core.context import Info
from app.core.results import ForbiddenError, InvalidInputError, NotFoundError, answer

CreateApiTokenResult = Annotated[
    IssuedApiToken | InvalidInputError | NotFoundError | ForbiddenError,
    strawberry.union("CreateApiTokenResult", description="The issued token, or why none was issued."),
]


RevokeApiTokenResult = Annotated[
    ApiToken | NotFoundError | InvalidInputError | ForbiddenError,
    strawberry.union("RevokeApiTokenResult", description="The revoked token's record, or why it was not revoked."),
]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Give a principal roles and teams and issue it an API token. Admins only.",
                         extensions=requires(Permission.MANAGE_ACCESS))
    async def create_api_token(
        self, info: Info,
        input: Annotated[CreateApiTokenInput, strawberry.argument(description="The principal and its access.")],
    ) -> CreateApiTokenResult:
        work = service.grant(info.context.db, info.context.principal, principal=input.principal,
                             roles=[r.value for r in input.roles], teams=input.teams,
                             description=input.description, expires_at=input.expires_at)
        return await answer(work, lambda issued: IssuedApiToken(secret=issued.secret, token=ApiToken.of(issued.record)))

    @strawberry.mutation(description="Revoke an API token; it authenticates nobody from now on. Admins only.",
                         extensions=requires(Permission.MANAGE_ACCESS))
    async def revoke_api_token(
        self, info: Info,
        id: Annotated[str, strawberry.argument(description="The token's id.")],
    ) -> RevokeApiTokenResult:
        return await answer(service.revoke(info.context.db, info.context.principal, token_id=id), ApiToken.of)
