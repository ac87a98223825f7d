"""The team scope of writes: one rule for every door (GraphQL mutations, the CLI through them,
OpenLineage ingestion), README "Authorization".

A write may change what one of the caller's teams owns, or what nobody owns yet; admins may change
anything. Giving a record to a team (an owner field, an OpenLineage ownership facet) needs
membership of that team too. A version, a run or an evaluation belongs to the owner of what it is
a version or a run of. Owners are read inside the write transaction being authorized, so an
ownership change cannot slip between the check and the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.auth import repository
from app.core.access import Principal
from app.core.db import Tx
from app.core.errors import Forbidden
from app.core.kinds import Kind

# Natural key fields of the kinds `repository.owners` answers for, and the parameter each goes in.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "Dataset": ("namespace", "name"),
    "DatasetVersion": ("namespace", "name", "version"),
    "Job": ("namespace", "name"),
    "Run": ("run_id",),
    "Model": ("name",),
    "ModelVersion": ("model_name", "version"),
}
_PARAMS = {"Dataset": "datasets", "DatasetVersion": "dataset_versions", "Job": "jobs", "Run": "runs",
           "Model": "models", "ModelVersion": "model_versions"}


def refusal(access: Principal, owner: str | None, *, what: str = "what team {owner} owns",
            field: str | None = None) -> Forbidden | None:
    """The rule itself: None when `access` may change a record `owner` owns, else the refusal."""
    if access.may_write_for(owner):
        return None
    return Forbidden(f"{access.name} may not change {what.format(owner=owner)}: it is not a member of team {owner}.",
                     field=field)


def ownership_refusal(access: Principal, new_owner: str | None, *, field: str | None = None) -> Forbidden | None:
    """Giving a record to `new_owner` needs membership of that team (admins excepted)."""
    if access.may_write_for(new_owner):
        return None
    return Forbidden(f"{access.name} may not give records to team {new_owner}: it is not a member.", field=field)


async def authorize(tx: Tx, access: Principal, kind: Kind, key: dict, *, new_owner: str | None = None,
                    what: str = "what team {owner} owns", field: str | None = None) -> None:
    """Refuse (raise Forbidden) a write to the record of `kind` with natural key `key` when another
    team owns it, or one that gives a record to a team the caller is not in."""
    if access.is_admin:
        return
    problem = ownership_refusal(access, new_owner, field=field)
    if problem is None:
        problem = refusal(access, await repository.owner_of(tx, kind, key), what=what, field=field)
    if problem is not None:
        raise problem


@dataclass(frozen=True)
class Owners:
    """What `repository.owners` found: for each (kind, key tuple) that exists, the owning team (or None)."""

    found: dict[tuple[str, tuple], str | None]

    def exists(self, kind: str, key: tuple) -> bool:
        return (kind, key) in self.found

    def owner(self, kind: str, key: tuple) -> str | None:
        return self.found.get((kind, key))


async def read_owners(tx: Tx, keys: Iterable[tuple[str, tuple]]) -> Owners:
    """The owners of every key, in one statement whatever their number."""
    params: dict[str, list[dict]] = {name: [] for name in _PARAMS.values()}
    for kind, key in sorted(set(keys)):
        params[_PARAMS[kind]].append(dict(zip(KEY_FIELDS[kind], key)))
    found: dict[tuple[str, tuple], str | None] = {}
    if any(params.values()):
        record = await repository.owners(tx, **params)
        for kind, name in _PARAMS.items():
            for entry in record[name] if record else []:
                if entry is not None:
                    found[(kind, tuple(entry[f] for f in KEY_FIELDS[kind]))] = entry["owner"]
    return Owners(found)


async def authorize_outputs(tx: Tx, access: Principal, *, dataset_versions: list[dict],
                            model_versions: list[dict]) -> None:
    """A run may claim as its outputs only dataset and model versions its caller's teams own (or
    nobody does): a produced-by link changes what the output is. Raises the first refusal."""
    if access.is_admin or not (dataset_versions or model_versions):
        return
    outputs = [("DatasetVersion", "outputs.datasetVersions", ref) for ref in dataset_versions] + \
              [("ModelVersion", "outputs.modelVersions", ref) for ref in model_versions]
    owners = await read_owners(tx, ((kind, tuple(ref[f] for f in KEY_FIELDS[kind])) for kind, _, ref in outputs))
    positions: dict[str, int] = {}
    for kind, field_name, ref in outputs:
        index = positions[field_name] = positions.get(field_name, -1) + 1
        key = tuple(ref[f] for f in KEY_FIELDS[kind])
        label = "dataset version" if kind == "DatasetVersion" else "model version"
        problem = refusal(access, owners.owner(kind, key), field=f"{field_name}[{index}]",
                          what=f"{label} {'/'.join(key)} (claim it as a run's output), which team {{owner}} owns")
        if problem is not None:
            raise problem
