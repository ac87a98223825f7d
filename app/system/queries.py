"""GraphQL queries of the service's own status; thin over app/system/service.py."""

from __future__ import annotations

import strawberry

from app.core.context import Info
from app.system import service
from app.system.types import KindCount, RegistryStatus


@strawberry.type(description="The service's own status.")
class SystemQuery:
    @strawberry.field(description="Versions of the service, its schema and Neo4j, and what the graph holds.")
    async def registry(self, info: Info) -> RegistryStatus:
        status = await service.registry_status(info.context.db)
        return RegistryStatus(
            service_version=status.service_version,
            schema_version=status.schema_version,
            required_schema_version=status.required_schema_version,
            neo4j_version=status.neo4j_version,
            neo4j_edition=status.neo4j_edition,
            counts=[KindCount(kind=k, count=v) for k, v in sorted(status.counts.items())],
        )
