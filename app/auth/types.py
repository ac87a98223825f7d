"""GraphQL types of access management: the caller, API tokens (never their secrets) and issued tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.access import Role


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
