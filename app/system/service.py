"""Status rules: what the registry reports about itself."""

from __future__ import annotations

from dataclasses import dataclass

from app import __version__
from app.core.db import Database, Tx
from app.system.migrations import latest_version
from app.system import repository


@dataclass(frozen=True)
class RegistryStatus:
    service_version: str
    schema_version: int
    required_schema_version: int
    neo4j_version: str
    neo4j_edition: str
    counts: dict[str, int]


async def registry_status(db: Database) -> RegistryStatus:
    """Versions and node counts, read in one read transaction."""

    async def work(tx: Tx) -> RegistryStatus:
        server = await repository.server_components(tx)
        return RegistryStatus(
            service_version=__version__,
            schema_version=await repository.readiness(tx),
            required_schema_version=latest_version(db.queries),
            neo4j_version=server["version"],
            neo4j_edition=server["edition"],
            counts=await repository.count_nodes_by_label(tx),
        )

    return await db.read(work)
