"""GraphQL of access management: who am I, API tokens, principals' roles and teams."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.auth import service
from app.auth.permissions import requires
from app.core.access import Permission, Role
from app.core.context import Info
from app.core.results import ForbiddenError, InvalidInputError, NotFoundError, answer

@strawberry.type(description="The caller, as the registry authenticated it.")
class Me:
    name: str = strawberry.field(description="The principal's name.")
    roles: list[Role] = strawberry.field(description="Its roles.")
    teams: list[str] = strawberry.field(description="The teams it belongs to: it may change what they own.")
    permissions: list[str] = strawberry.field(description="What its roles allow, e.g. `register`, `promote`.")


@strawberry.type(description="An API token, without its secret (only its sha256 is stored).")
class ApiToken:
    id: str = strawberry.field(description="The token's id (used to revoke it).")
    principal: str = strawberry.field(description="Who it authenticates.")
    description: str | None = strawberry.field(description="What it is for, e.g. `airflow prod`.")
    created_at: datetime = strawberry.field(description="When it was issued.")
    created_by: str = strawberry.field(description="Who issued it.")
    expires_at: datetime | None = strawberry.field(description="When it stops working; null when it does not expire.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked; null while valid.")
    revoked_by: str | None = strawberry.field(description="Who revoked it.")

    @classmethod
    def of(cls, record: dict) -> ApiToken:
        values = {name: record.get(name) for name in cls.__annotations__}
        for name in ("created_at", "expires_at", "revoked_at"):
            if values[name] is not None:
                values[name] = values[name].to_native()
        return cls(**values)


@strawberry.type(description="A newly issued token: the secret is shown this once and never again.")
class IssuedApiToken:
    secret: str = strawberry.field(description="Send it as `Authorization: Bearer <secret>`; store it safely.")
    token: ApiToken = strawberry.field(description="The token's record.")


@strawberry.input(description="Give a principal exactly these roles and teams, and a new API token.")
class CreateApiTokenInput:
    principal: str = strawberry.field(description="The person or pipeline, e.g. `ana` or `airflow-prod`; created when new.")
    roles: list[Role] = strawberry.field(description="Its roles from now on (replacing earlier ones); at least one.")
    teams: list[str] = strawberry.field(default_factory=list,
                                        description="The teams it belongs to from now on (each must exist).")
    description: str | None = strawberry.field(default=None, description="What the token is for.")
    expires_at: datetime | None = strawberry.field(default=None, description="When it stops working; default never.")


CreateApiTokenResult = Annotated[
    IssuedApiToken | InvalidInputError | NotFoundError | ForbiddenError,
    strawberry.union("CreateApiTokenResult", description="The issued token, or why none was issued."),
]
RevokeApiTokenResult = Annotated[
    ApiToken | NotFoundError | InvalidInputError | ForbiddenError,
    strawberry.union("RevokeApiTokenResult", description="The revoked token's record, or why it was not revoked."),
]


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
