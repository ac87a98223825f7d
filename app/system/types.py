"""GraphQL types of the service's own status."""

from __future__ import annotations

import strawberry


@strawberry.type(description="How many nodes of one kind the registry holds.")
class KindCount:
    kind: str = strawberry.field(description="The node label, e.g. `Dataset`.")
    count: int = strawberry.field(description="How many nodes of that kind the graph holds.")


@strawberry.type(description="What this service and its graph are.")
class RegistryStatus:
    service_version: str = strawberry.field(description="The lineagegraph release serving this request.")
    schema_version: int = strawberry.field(description="The highest schema migration applied to the graph.")
    required_schema_version: int = strawberry.field(description="The schema version this release needs.")
    neo4j_version: str = strawberry.field(description="The Neo4j server's version, e.g. `5.26.0`; `unknown` when it does not say.")
    neo4j_edition: str = strawberry.field(description="The Neo4j server's edition: `community` or `enterprise`; `unknown` when it does not say.")
    counts: list[KindCount] = strawberry.field(description="Nodes per kind, by label.")
