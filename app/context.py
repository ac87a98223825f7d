"""The one typed request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from app.auth.permissions import Principal, Role
from app.catalog.loaders import CatalogLoaders
from app.config import Settings
from app.db import Database
from app.governance.policy import Policies

# Until token authentication lands, the caller names itself with these headers (or is an
# anonymous admin). TEMPORARY: replaced by app/auth (bearer tokens) in the same change set.
PRINCIPAL_HEADER = "x-lineagegraph-principal"


def principal_of(request: Request) -> Principal:
    """Who is calling."""
    state_principal = getattr(request.state, "principal", None)
    if state_principal is not None:
        return state_principal
    roles = request.headers.get("x-lineagegraph-roles")
    teams = request.headers.get("x-lineagegraph-teams")
    return Principal(
        name=request.headers.get(PRINCIPAL_HEADER, "anonymous")[:200],
        roles=frozenset(Role(r) for r in roles.split(",") if r) if roles is not None else frozenset({Role.ADMIN}),
        teams=frozenset(t for t in (teams or "").split(",") if t),
    )


@dataclass
class Context:
    """Per-request state: the database handle, who is asking, and the request's DataLoaders."""

    request: Request
    response: Response | None
    db: Database
    settings: Settings
    principal: Principal
    policies: Policies  # the promotion policy, loaded at start-up (app/governance/policy.py)
    # DataLoaders are created per request so a cached answer never leaks between callers.
    loaders: CatalogLoaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = CatalogLoaders(self.db)


Info: TypeAlias = _Info[Context, None]
