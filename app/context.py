"""The one typed request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from app.auth.permissions import Principal
from app.catalog.loaders import CatalogLoaders
from app.config import Settings
from app.db import Database
from app.governance.policy import Policies

def principal_of(request: Request) -> Principal:
    """Who is calling, as app.auth.middleware authenticated it."""
    return request.state.principal


@dataclass
class Context:
    """Per-request state: the database handle, who is asking, and the request's DataLoaders."""

    request: Request
    response: Response | None
    db: Database
    settings: Settings
    principal: Principal
    policies: Policies  # the promotion policy, loaded at start-up (app/governance/policy.py)
    # The key audit checkpoints must be signed with (LINEAGEGRAPH_AUDIT_PUBLIC_KEY), if any.
    audit_public_key: Ed25519PublicKey | None = None
    # DataLoaders are created per request so a cached answer never leaks between callers.
    loaders: CatalogLoaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = CatalogLoaders(self.db)


Info: TypeAlias = _Info[Context, None]
