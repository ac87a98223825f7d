"""Monitoring's DataLoaders: the health of every deployment and model version a response shows —
a page of deployments, impact items, a provenance subgraph — read in one statement per request."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.core.context import Info
from app.incident import service as incident_service
from app.monitoring import service


def health(info: Info) -> DataLoader[service.HealthRequest, service.Health]:
    """Health by (target id, how many recent signals)."""
    db = info.context.db

    async def load(requests: list[service.HealthRequest]) -> list[service.Health]:
        return await service.health_of(db, list(requests))

    return info.context.loaders.batched("monitoring.health", load)


def incidents(info: Info) -> DataLoader[str, dict | None]:
    """Incident summaries by id (the incidents signals raised)."""
    db = info.context.db

    async def load(ids: list[str]) -> list[dict | None]:
        found = await incident_service.incidents_by_id(db, list(ids))
        return [found.get(i) for i in ids]

    return info.context.loaders.batched("monitoring.incidents", load)
