"""The one typed request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from app.core.access import Principal
from app.core.actor import Actor
from app.core.config import Settings
from app.core.db import Database
from app.core.loaders import RequestLoaders

if TYPE_CHECKING:  # for type checkers only: the shared base never imports a domain when it runs
    from app.governance.policy import Policies


def principal_of(request: Request) -> Principal:
    """Who is calling, as the HTTP edge authenticated it (app/http/authentication.py)."""
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
    loaders: RequestLoaders = field(default_factory=RequestLoaders, init=False)

    def actor(self) -> Actor:
        """The caller as the author of a change, stamped now, within the configured clock skew."""
        return Actor.of(self.principal, clock_skew=self.settings.max_clock_skew)


Info: TypeAlias = _Info[Context, None]
