"""The catalog's DataLoaders, shared by every domain's fields that point at catalog nodes."""

from __future__ import annotations

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField

from app.catalog import repository
from app.core.context import Info
from app.core.db import Tx
from app.core.kinds import Kind


def by_id(info: Info, kind: Kind) -> DataLoader[str, dict | None]:
    """Nodes of one kind by id."""
    db = info.context.db

    async def fetch(ids: list[str]) -> dict[str, dict]:
        return await db.read(repository.nodes_by_ids, kind, ids)

    async def load(ids: list[str]) -> list[dict | None]:
        found = await db.shared_reads.load(("catalog.by_id", kind.label), ids, fetch)
        return [found.get(i) for i in ids]

    return info.context.loaders.batched(("catalog.by_id", kind.label), load)


def by_key(info: Info, kind: Kind) -> DataLoader[tuple, dict | None]:
    """Nodes of one kind by natural-key tuple (in `kind.key_fields` order)."""
    db = info.context.db

    async def fetch(keys: list[tuple]) -> dict[tuple, dict]:
        return await db.read(repository.nodes_by_keys, kind, [dict(zip(kind.key_fields, k)) for k in keys])

    async def load(keys: list[tuple]) -> list[dict | None]:
        keys = [tuple(k) for k in keys]
        found = await db.shared_reads.load(("catalog.by_key", kind.label), keys, fetch)
        return [found.get(k) for k in keys]

    return info.context.loaders.batched(("catalog.by_key", kind.label), load)


def related(info: Info, relation: repository.Relation) -> DataLoader[str, list[tuple[str, dict]]]:
    """(label, node) pairs related to each source id, by one relation file."""
    db = info.context.db

    async def fetch(ids: list[str]) -> dict[str, list[tuple[str, dict]]]:
        return await db.read(repository.related, relation, ids)

    async def load(ids: list[str]) -> list[list[tuple[str, dict]]]:
        found = await db.shared_reads.load(("catalog.related", relation), ids, fetch)
        return [found.get(i, []) for i in ids]

    return info.context.loaders.batched(("catalog.related", relation), load)


# --- a lookup and the neighbours its selection asks for, in one statement ---------------------------


async def lookup(info: Info, kind: Kind, *, id: str | None, key: tuple | None) -> dict | None:
    """A node of one kind by id (else by natural-key tuple) for a root lookup field. When the field's
    selection asks for neighbours that `repository.FOLLOWS` knows (two levels deep), they come in the
    same statement and prime the request's loaders, so the nested fields' resolvers find their answers
    without a round trip; any other nested field loads as usual."""
    hops = _hops(kind.label, _fields(info.selected_fields[0].selections), depth=2)
    if not hops:  # nothing to fetch alongside: the batched loaders serve it as well
        return await (by_id(info, kind).load(id) if id is not None else by_key(info, kind).load(key))

    async def work(tx: Tx):
        return await repository.node_with_neighbours(
            tx, kind, id=id, key=dict(zip(kind.key_fields, key)) if id is None else None, hops=hops)

    found = await info.context.db.read(work)
    if found is not None:
        _prime(info, kind.label, found["node"], hops, found["neighbours"])
    return found["node"] if found is not None else None


def _fields(selections) -> dict[str, list]:
    """The sub-selections of each field a selection names (fragments merged, aliases folded)."""
    fields: dict[str, list] = {}
    for selection in selections:
        if isinstance(selection, SelectedField):
            fields.setdefault(selection.name, []).extend(selection.selections)
        else:  # an inline fragment or a fragment spread: on an object type, on this very type
            for name, sub in _fields(selection.selections).items():
                fields.setdefault(name, []).extend(sub)
    return fields


def _hops(label: str, fields: dict[str, list], depth: int) -> list[dict]:
    follows = repository.FOLLOWS.get(label, {})
    hops = []
    for name, sub in fields.items():
        follow = follows.get(name)
        if follow is None:
            continue
        below = follow.reaches is not None and depth > 1  # a union's members have other fields
        hops.append(follow.hop(name, _hops(follow.reaches, _fields(sub), depth - 1) if below else []))
    return hops


def _prime(info: Info, label: str, node: dict, hops: list[dict], neighbours: list[dict]) -> None:
    """Answer the loaders the nested fields will ask, from the statement's rows: every hop asked of
    `node` gets its answer, an empty one included (that is what makes the round trip unnecessary)."""
    for hop in hops:
        follow = repository.FOLLOWS[label][hop["field"]]
        reached = [row for row in neighbours if row["field"] == hop["field"]]
        if follow.target is not None:
            key = tuple(node.get(name) for name in follow.key)
            if all(part is not None for part in key):
                by_key(info, follow.target).prime(key, reached[0]["node"] if reached else None)
        else:
            pairs = [(row["kind"], row["node"]) for row in reached]
            related(info, follow.relation).prime(node["id"], repository.in_order(follow, pairs))
        for row in reached:
            if hop["then"]:
                _prime(info, follow.reaches, row["node"], hop["then"], row.get("then", []))
