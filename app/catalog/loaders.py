"""Per-request DataLoaders: nested fields cost one query per kind of field, not one per item."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from app.catalog import repository
from app.catalog.kinds import Kind
from app.db import Database, Tx


class CatalogLoaders:
    """Created per request (so nothing cached leaks between callers), loaders made on first use."""

    def __init__(self, db: Database):
        self._db = db
        self._loaders: dict[tuple[str, str], DataLoader] = {}

    def by_id(self, kind: Kind) -> DataLoader[str, dict | None]:
        """Nodes of one kind by id."""

        async def load(ids: list[str]) -> list[dict | None]:
            async def work(tx: Tx):
                return await repository.nodes_by_ids(tx, kind, list(ids))

            found = await self._db.read(work)
            return [found.get(i) for i in ids]

        return self._get(("id", kind.label), load)

    def by_key(self, kind: Kind) -> DataLoader[tuple, dict | None]:
        """Nodes of one kind by natural-key tuple (in `kind.key_fields` order)."""

        async def load(keys: list[tuple]) -> list[dict | None]:
            async def work(tx: Tx):
                return await repository.nodes_by_keys(tx, kind, [dict(zip(kind.key_fields, k)) for k in keys])

            found = await self._db.read(work)
            return [found.get(tuple(k)) for k in keys]

        return self._get(("key", kind.label), load)

    def related(self, query: str) -> DataLoader[str, list[tuple[str, dict]]]:
        """(label, node) pairs related to each source id, by one relation file."""

        async def load(ids: list[str]) -> list[list[tuple[str, dict]]]:
            async def work(tx: Tx):
                return await repository.related(tx, query, list(ids))

            found = await self._db.read(work)
            return [found.get(i, []) for i in ids]

        return self._get(("related", query), load)

    def batched(self, name: str, load) -> DataLoader:
        """A request-scoped loader for another domain's batched read (`load(keys) -> values`),
        made on first use under `name` and shared by every field of the response."""
        return self._get(("batched", name), load)

    def _get(self, name: tuple[str, str], load) -> DataLoader:
        loader = self._loaders.get(name)
        if loader is None:
            loader = self._loaders[name] = DataLoader(load_fn=load, max_batch_size=1000)
        return loader
