"""The catalog's DataLoaders, shared by every domain's fields that point at catalog nodes."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.catalog import repository
from app.core.context import Info
from app.core.db import Tx
from app.core.kinds import Kind


def by_id(info: Info, kind: Kind) -> DataLoader[str, dict | None]:
    """Nodes of one kind by id."""
    db = info.context.db

    async def load(ids: list[str]) -> list[dict | None]:
        async def work(tx: Tx):
            return await repository.nodes_by_ids(tx, kind, list(ids))

        found = await db.read(work)
        return [found.get(i) for i in ids]

    return info.context.loaders.batched(("catalog.by_id", kind.label), load)


def by_key(info: Info, kind: Kind) -> DataLoader[tuple, dict | None]:
    """Nodes of one kind by natural-key tuple (in `kind.key_fields` order)."""
    db = info.context.db

    async def load(keys: list[tuple]) -> list[dict | None]:
        async def work(tx: Tx):
            return await repository.nodes_by_keys(tx, kind, [dict(zip(kind.key_fields, k)) for k in keys])

        found = await db.read(work)
        return [found.get(tuple(k)) for k in keys]

    return info.context.loaders.batched(("catalog.by_key", kind.label), load)


def related(info: Info, relation: repository.Relation) -> DataLoader[str, list[tuple[str, dict]]]:
    """(label, node) pairs related to each source id, by one relation file."""
    db = info.context.db

    async def load(ids: list[str]) -> list[list[tuple[str, dict]]]:
        async def work(tx: Tx):
            return await repository.related(tx, relation, list(ids))

        found = await db.read(work)
        return [found.get(i, []) for i in ids]

    return info.context.loaders.batched(("catalog.related", relation), load)
