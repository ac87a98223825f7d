"""Schema migrations: the numbered files of `cypher/schema/`, applied idempotently.

Each file is one `... IF NOT EXISTS` statement named `NNNN_what.cypher`. The highest
number applied is recorded on a `(:SchemaMigration {id: 'lineagegraph'})` node, so
a second start runs nothing; schema statements cannot share a transaction with data
writes, hence one transaction per migration and one more for the record.
"""

from __future__ import annotations

import logging
import re

from neo4j.exceptions import ClientError

from app.core.db import Database, Tx
from app.core.cypher import Query, QueryCatalog, QueryFileError
from app.system import repository

log = logging.getLogger(__name__)

_ALREADY_EXISTS = frozenset({
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
    "Neo.ClientError.Schema.IndexAlreadyExists",
    "Neo.ClientError.Schema.ConstraintAlreadyExists",
})
_NUMBERED = re.compile(r"^schema\.(\d{4})_[a-z0-9_]+$")


def schema_migrations(queries: QueryCatalog) -> list[tuple[int, Query]]:
    """The migrations in order, with their numbers; gaps and duplicates are refused."""
    numbered = []
    for query in queries.in_folder("schema"):
        match = _NUMBERED.match(query.name)
        if not match:
            raise QueryFileError(f"{query.path}:1: migration files are named NNNN_what.cypher")
        numbered.append((int(match.group(1)), query))
    numbered.sort(key=lambda item: item[0])
    for expected, (number, query) in enumerate(numbered, start=1):
        if number != expected:
            raise QueryFileError(f"{query.path}:1: migration {number} found where {expected} was expected")
    return numbered


def latest_version(queries: QueryCatalog) -> int:
    """The schema version this code needs."""
    migrations = schema_migrations(queries)
    return migrations[-1][0] if migrations else 0


async def applied_version(db: Database) -> int:
    """The schema version recorded in the graph (0 when never migrated)."""
    return await db.read(repository.get_schema_version)


async def migrate(db: Database) -> list[str]:
    """Apply the migrations the graph has not seen; returns the names of those applied."""
    migrations = schema_migrations(db.queries)
    current = await applied_version(db)
    applied = []
    for number, query in migrations:
        if number <= current:
            continue

        async def apply(tx: Tx, name: str = query.name) -> None:
            await tx.consume(name)  # a numbered file of schema/, by the name its folder gave it

        try:
            await db.write(apply)
        except ClientError as exc:
            # `IF NOT EXISTS` is checked before the rule is created, not atomically with it: a
            # second process starting at the same moment (a replica, a worker) creating the same
            # rule gets this instead of a no-op. The rule exists, which is what the migration wants.
            if exc.code not in _ALREADY_EXISTS:
                raise
            log.info("schema migration applied by another process", extra={"migration": query.name})
        applied.append(query.name)
        log.info("schema migration applied", extra={"migration": query.name})
    target = migrations[-1][0] if migrations else 0
    if target > current:
        await db.write(repository.record_schema_version, version=target)
    await db.read(repository.await_indexes, timeout_seconds=120)
    return applied
