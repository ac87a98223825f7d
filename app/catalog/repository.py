"""Cypher access for the catalog. Every function takes the use case's transaction.

Most statements here come in families of one shape (`Statements`): each kind's reads and
upsert, the links a registration records, the relations GraphQL fields follow. A family member
is named after its file; callers pass the kind or the member, never a statement's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import auto
from typing import Any

from app.core.cypher import Statements
from app.core.db import Tx
from app.core.kinds import Kind, Kinds
from app.core.times import stored_time


class PerKind(Statements):
    """Each kind's own statements, picked by kind and use: its nodes by id (`nodes_by_ids`), by
    natural key (`nodes_by_keys`), a page at a time (`list_nodes`), and its upsert (`upsert`)."""

    def __init__(self, kind: Kind, use: str):
        self.kind, self.use = kind, use

    get_teams_by_id = Kinds.TEAM.value, "by id"
    get_teams_by_key = Kinds.TEAM.value, "by key"
    list_teams = Kinds.TEAM.value, "page"
    upsert_team = Kinds.TEAM.value, "upsert"
    get_datasets_by_id = Kinds.DATASET.value, "by id"
    get_datasets_by_key = Kinds.DATASET.value, "by key"
    list_datasets = Kinds.DATASET.value, "page"
    upsert_dataset = Kinds.DATASET.value, "upsert"
    get_dataset_versions_by_id = Kinds.DATASET_VERSION.value, "by id"
    get_dataset_versions_by_key = Kinds.DATASET_VERSION.value, "by key"
    list_dataset_versions = Kinds.DATASET_VERSION.value, "page"
    upsert_dataset_version = Kinds.DATASET_VERSION.value, "upsert"
    get_features_by_id = Kinds.FEATURE.value, "by id"
    get_features_by_key = Kinds.FEATURE.value, "by key"
    list_features = Kinds.FEATURE.value, "page"
    upsert_feature = Kinds.FEATURE.value, "upsert"
    get_jobs_by_id = Kinds.JOB.value, "by id"
    get_jobs_by_key = Kinds.JOB.value, "by key"
    list_jobs = Kinds.JOB.value, "page"
    upsert_job = Kinds.JOB.value, "upsert"
    get_runs_by_id = Kinds.RUN.value, "by id"
    get_runs_by_key = Kinds.RUN.value, "by key"
    list_runs = Kinds.RUN.value, "page"
    upsert_run = Kinds.RUN.value, "upsert"
    get_models_by_id = Kinds.MODEL.value, "by id"
    get_models_by_key = Kinds.MODEL.value, "by key"
    list_models = Kinds.MODEL.value, "page"
    upsert_model = Kinds.MODEL.value, "upsert"
    get_model_versions_by_id = Kinds.MODEL_VERSION.value, "by id"
    get_model_versions_by_key = Kinds.MODEL_VERSION.value, "by key"
    list_model_versions = Kinds.MODEL_VERSION.value, "page"
    upsert_model_version = Kinds.MODEL_VERSION.value, "upsert"
    get_deployments_by_id = Kinds.DEPLOYMENT.value, "by id"
    get_deployments_by_key = Kinds.DEPLOYMENT.value, "by key"
    list_deployments = Kinds.DEPLOYMENT.value, "page"
    upsert_deployment = Kinds.DEPLOYMENT.value, "upsert"


class Link(Statements):
    """The links registrations record (`link`), each from an anchor of one kind to references of
    another: `target` is the kind the references name."""

    def __init__(self, anchor: Kind, target: Kind):
        self.anchor, self.target = anchor, target

    link_feature_derived_from_datasets = Kinds.FEATURE.value, Kinds.DATASET.value
    link_feature_derived_from_dataset_versions = Kinds.FEATURE.value, Kinds.DATASET_VERSION.value
    link_model_version_derived_from = Kinds.MODEL_VERSION.value, Kinds.MODEL_VERSION.value
    link_run_used_dataset_versions = Kinds.RUN.value, Kinds.DATASET_VERSION.value
    link_run_used_features = Kinds.RUN.value, Kinds.FEATURE.value
    link_run_used_model_versions = Kinds.RUN.value, Kinds.MODEL_VERSION.value
    link_run_generated_dataset_versions = Kinds.RUN.value, Kinds.DATASET_VERSION.value
    link_run_generated_model_versions = Kinds.RUN.value, Kinds.MODEL_VERSION.value


class Relation(Statements):
    """The relations GraphQL fields follow from a node (`related`), batched over source ids."""

    rel_dataset_versions = auto()
    rel_dataset_version_producers = auto()
    rel_feature_sources = auto()
    rel_job_runs = auto()
    rel_run_inputs = auto()
    rel_run_outputs = auto()
    rel_model_versions = auto()
    rel_model_version_producers = auto()
    rel_model_version_parents = auto()
    rel_model_version_evaluations = auto()
    rel_model_version_deployments = auto()
    rel_model_version_stages = auto()
    rel_deployment_serving = auto()
    rel_deployment_history = auto()


@dataclass(frozen=True)
class Follow:
    """How a GraphQL field of a node reaches its neighbours, as data for `node_with_neighbours`: an
    edge hop reproduces one relation file (`relation`: the relationships of `type` in direction
    `out`, only open spans when `open`, to nodes labelled `label` or any, ordered as the file's
    ORDER BY: (`kind` or a property, descending) pairs); a key hop reproduces a get_*_by_key lookup
    of the `target` kind from the source's properties named in `key`."""

    relation: Relation | None = None
    type: str | None = None
    out: bool | None = None
    label: str | None = None
    open: bool = False
    order: tuple[tuple[str, bool], ...] = ()
    target: Kind | None = None
    key: tuple[str, ...] = ()

    def hop(self, field: str, then: list[dict]) -> dict:
        """The hop as the statement's parameter."""
        return {"field": field, "type": self.type, "out": self.out, "open": self.open, "label": self.label,
                "target": self.target.label if self.target else None, "key": list(self.key), "then": then}

    @property
    def reaches(self) -> str | None:
        """The one label of the nodes it reaches; None when they may be of several."""
        return self.target.label if self.target else self.label


def _edge(relation: Relation, type: str, out: bool, label: str | None, *order: tuple[str, bool],
          open: bool = False) -> Follow:
    return Follow(relation=relation, type=type, out=out, label=label, open=open, order=order)


def _key(target: Kinds, *key: str) -> Follow:
    return Follow(target=target.value, key=key)


_ASC, _DESC = False, True
_OWNER = _key(Kinds.TEAM, "owner")
# Each label's fields that `node_with_neighbours` can answer, by GraphQL field name; the hypothesis
# test in tests/catalog/test_lookup_neighbours.py holds each to its relation file's answers. The
# statement has a branch per relationship type and direction (and key target) used here: a new
# one needs its branch there too.
FOLLOWS: dict[str, dict[str, Follow]] = {
    "Dataset": {"owner": _OWNER,
                "versions": _edge(Relation.rel_dataset_versions, "VERSION_OF", False, "DatasetVersion",
                                  ("created_at", _DESC), ("id", _ASC))},
    "DatasetVersion": {"dataset": _key(Kinds.DATASET, "namespace", "name"),
                       "producedBy": _edge(Relation.rel_dataset_version_producers, "WAS_GENERATED_BY", True, "Run",
                                           ("created_at", _ASC))},
    "Feature": {"owner": _OWNER,
                "derivedFrom": _edge(Relation.rel_feature_sources, "WAS_DERIVED_FROM", True, None,
                                     ("kind", _ASC), ("id", _ASC))},
    "Job": {"owner": _OWNER,
            "runs": _edge(Relation.rel_job_runs, "INSTANCE_OF", False, "Run", ("created_at", _DESC), ("id", _ASC))},
    "Run": {"job": _key(Kinds.JOB, "job_namespace", "job_name"),
            "inputs": _edge(Relation.rel_run_inputs, "USED", True, None, ("kind", _ASC), ("id", _ASC)),
            "outputs": _edge(Relation.rel_run_outputs, "WAS_GENERATED_BY", False, None, ("kind", _ASC), ("id", _ASC))},
    "Model": {"owner": _OWNER,
              "versions": _edge(Relation.rel_model_versions, "VERSION_OF", False, "ModelVersion",
                                ("created_at", _DESC), ("id", _ASC))},
    "ModelVersion": {"model": _key(Kinds.MODEL, "model_name"),
                     "producedBy": _edge(Relation.rel_model_version_producers, "WAS_GENERATED_BY", True, "Run",
                                         ("created_at", _ASC)),
                     "derivedFrom": _edge(Relation.rel_model_version_parents, "WAS_DERIVED_FROM", True, "ModelVersion",
                                          ("id", _ASC)),
                     "deployments": _edge(Relation.rel_model_version_deployments, "SERVES", False, "Deployment",
                                          ("environment", _ASC), ("name", _ASC), open=True)},
    "Deployment": {"modelVersion": _edge(Relation.rel_deployment_serving, "SERVES", True, "ModelVersion", open=True)},
}


def in_order(follow: Follow, pairs: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """(label, node) pairs in the order of the follow's relation file (Neo4j's: nulls last when
    ascending, first when descending; times by instant, whether stored or as ISO text)."""
    for name, descending in reversed(follow.order):  # stable sorts, least significant key first
        def value(pair, name=name):
            v = pair[0] if name == "kind" else pair[1].get(name)
            v = stored_time(v) if name.endswith("_at") else v
            return (True, 0) if v is None else (False, v)
        pairs = sorted(pairs, key=value, reverse=descending)
    return pairs


async def _row(tx: Tx, statement: str, /, **params: Any) -> dict | None:
    record = await tx.single(statement, **params)
    return dict(record) if record is not None else None


async def upsert(tx: Tx, kind: Kind, /, **params: Any) -> dict | None:
    """Run the kind's upsert; its one row as a dict, or None when a prerequisite was missing."""
    return await _row(tx, PerKind.where(kind=kind, use="upsert").statement, **params)


async def record_evaluation(tx: Tx, **params: Any) -> dict | None:
    """Record a metric of a model version on a dataset version; None when either is missing."""
    return await _row(tx, "catalog.record_evaluation", **params)


async def link(tx: Tx, link: Link, /, **params: Any) -> tuple[int, int]:
    """Run a link file; how many of the references matched a node, and how many links it added
    (or dated earlier)."""
    record = await tx.single(link.statement, **params)
    return (record["linked"], record["added"]) if record is not None else (0, 0)


async def lock_deployment_switch(tx: Tx, *, environment: str, name: str, model_name: str | None = None,
                                 version: str | None = None) -> None:
    """Write-lock the deployment and the version a switch would serve, before the switch reads them."""
    await tx.consume("catalog.lock_deployment_switch", environment=environment, name=name,
                     model_name=model_name, version=version)


async def deployment_state(tx: Tx, *, environment: str, name: str) -> dict:
    """A deployment before a registration changes it: {node, serving, serving_since, team}, with
    nulls for one that does not exist yet."""
    return dict(await tx.single("catalog.deployment_state", environment=environment, name=name))


async def set_deployment_serving(tx: Tx, *, environment: str, name: str, model_name: str, version: str,
                                 now: datetime, principal: str, marks: dict) -> dict | None:
    """Switch a deployment to serve a version as of `now`, history kept: {node, changed, stale};
    None when the version does not exist."""
    return await _row(tx, "catalog.set_deployment_serving", environment=environment, name=name,
                      model_name=model_name, version=version, now=now, principal=principal, marks=marks)


async def nodes_by_ids(tx: Tx, kind: Kind, ids: list[str]) -> dict[str, dict]:
    """The nodes of one kind with these ids."""
    records = await tx.records(PerKind.where(kind=kind, use="by id").statement, ids=ids)
    return {r["id"]: r["node"] for r in records}


async def nodes_by_keys(tx: Tx, kind: Kind, keys: list[dict]) -> dict[tuple, dict]:
    """The nodes of one kind with these natural keys, by key tuple."""
    records = await tx.records(PerKind.where(kind=kind, use="by key").statement, keys=keys)
    return {kind.key_of(r["key"]): r["node"] for r in records}


async def list_nodes(tx: Tx, kind: Kind, *, filter: dict, after: dict | None, limit: int) -> list[dict]:
    """One page of a kind's nodes in (created_at, id) order."""
    records = await tx.records(PerKind.where(kind=kind, use="page").statement, filter=filter, after=after,
                               limit=limit)
    return [r["node"] for r in records]


async def related(tx: Tx, relation: Relation, ids: list[str]) -> dict[str, list[tuple[str, dict]]]:
    """For each source id, the (label, node) pairs a relation file returns."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for record in await tx.records(relation.statement, ids=ids):
        out.setdefault(record["id"], []).append((record["kind"], record["node"]))
    return out


async def search_registry(tx: Tx, *, text: str, kinds: list[str] | None, offset: int,
                          limit: int) -> list[tuple[str, dict, float]]:
    """Full-text hits, best first."""
    records = await tx.records("catalog.search_registry", text=text, kinds=kinds, offset=offset, limit=limit)
    return [(r["kind"], r["node"], r["score"]) for r in records]


async def node_with_neighbours(tx: Tx, kind: Kind, *, id: str | None, key: dict | None,
                               hops: list[dict]) -> dict | None:
    """One node by id (else by natural key) with the neighbours `hops` reach, two levels deep:
    {node, neighbours: [{field, kind, node, then: [{field, kind, node}]}]}; None when there is none."""
    record = await tx.single("catalog.node_with_neighbours", label=kind.label, id=id, key=key, hops=hops)
    return dict(record) if record is not None else None
