"""The one typed request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as _Info

from app.catalog.loaders import CatalogLoaders
from app.config import Settings
from app.db import Database

# Until authentication exists, the caller names itself with this header (or is "anonymous").
PRINCIPAL_HEADER = "x-lineagegraph-principal"


def principal_of(request: Request) -> str:
    """Who is calling (the header's value, bounded), or "anonymous"."""
    return request.headers.get(PRINCIPAL_HEADER, "anonymous")[:200]


@dataclass
class Context:
    """Per-request state: the database handle, who is asking, and the request's DataLoaders."""

    request: Request
    response: Response | None
    db: Database
    settings: Settings
    principal: str
    # DataLoaders are created per request so a cached answer never leaks between callers.
    loaders: CatalogLoaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = CatalogLoaders(self.db)


Info: TypeAlias = _Info[Context, None]
