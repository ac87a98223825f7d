"""GraphQL inputs of access management: a principal's roles and teams for a new token."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.access import Role


@strawberry.input(description="Give a principal exactly these roles and teams, and a new API token.")
class CreateApiTokenInput:
    principal: str = strawberry.field(description="The person or pipeline, e.g. `ana` or `airflow-prod`; created when new.")
    roles: list[Role] = strawberry.field(description="Its roles from now on (replacing earlier ones); at least one.")
    teams: list[str] = strawberry.field(default_factory=list,
                                        description="The teams it belongs to from now on (each must exist).")
    description: str | None = strawberry.field(default=None, description="What the token is for.")
    expires_at: datetime | None = strawberry.field(default=None, description="When it stops working; default never.")
