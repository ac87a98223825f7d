"""Lineage rules: what counts as a start, the guard rails, and the summaries built from a traversal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core import limits
from app.catalog import repository as catalog_repository
from app.core import validation as v
from app.core import vocabulary
from app.core.kinds import Kind
from app.core.validation import in_range
from app.core.db import Database, Tx
from app.core.errors import InvalidInput, NotFound
from app.lineage import repository

DEPTH_LIMIT = "DEPTH_LIMIT"
NODE_BUDGET = "NODE_BUDGET"

# How much of each impact item's explaining path to compute (impact.cypher's $paths): none, the edge
# types only, or the edges and the nodes, each named.
PATHS_NONE, PATHS_EDGES, PATHS_NAMED = "NONE", "EDGES", "NAMED"


def _dataset_name(field: str, value: str) -> str:
    return v.text_key(field, value, max_length=v.MAX_NAME)


def _run_id(field: str, value: str) -> str:
    return v.text_key(field, value, max_length=128)


def _environment(field: str, value: str) -> str:
    return v.one_of(field, value, vocabulary.ENVIRONMENTS)


# Each start kind: the member of the GraphQL start input that names it, and for each key field its
# name inside that member (None: the member is the key itself, as `runId`) and its naming rule.
_START_KEYS: dict[str, tuple[str, dict[str, tuple[str | None, Callable[[str, str], str]]]]] = {
    "Dataset": ("dataset", {"namespace": ("namespace", v.namespace), "name": ("name", _dataset_name)}),
    "DatasetVersion": ("datasetVersion", {"namespace": ("namespace", v.namespace), "name": ("name", _dataset_name),
                                          "version": ("version", v.version)}),
    "Feature": ("feature", {"group": ("group", v.identifier), "name": ("name", v.identifier)}),
    "Run": ("runId", {"run_id": (None, _run_id)}),
    "Model": ("model", {"name": (None, v.identifier)}),
    "ModelVersion": ("modelVersion", {"model_name": ("model", v.identifier), "version": ("version", v.version)}),
    "Deployment": ("deployment", {"environment": ("environment", _environment), "name": ("name", v.identifier)}),
}


@dataclass(frozen=True)
class Start:
    """Where a traversal starts: a node of `kind` by natural key (for a dataset, optionally a window).
    `field` is the argument that gave it (`of`, or `input` for a quarantine): a malformed key is
    refused on construction, naming the key field (`of.datasetVersion.namespace`), and is never
    looked up — it could only be "not found", which would hide the typo."""

    kind: Kind
    key: dict
    window_from: datetime | None = None
    window_to: datetime | None = None
    field: str = "of"

    def __post_init__(self) -> None:
        member, rules = _START_KEYS[self.kind.label]
        for key_field, (name, check) in rules.items():
            check(f"{self.field}.{member}" + (f".{name}" if name else ""), self.key[key_field])


@dataclass
class ImpactAnswer:
    start_count: int
    counts: dict[str, int]
    owners: list[str]
    cut_reasons: list[str]
    total: int
    items: list[dict]  # {kind, node, depth, path_nodes, path_edges}
    offset: int

    @property
    def complete(self) -> bool:
        return not self.cut_reasons


@dataclass
class ProvenanceAnswer:
    nodes: list[tuple[str, dict]]
    edges: list[dict]
    cut_reasons: list[str]
    raw_sources: list[dict] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    privacy_classes: list[str] = field(default_factory=list)


async def id_of_start(tx: Tx, start: Start) -> str:
    """The id of the node an impact or provenance starts from; NotFound when there is none."""
    found = await catalog_repository.nodes_by_keys(tx, start.kind, [start.key])
    node = found.get(start.kind.key_of(start.key))
    if node is None:
        key = start.kind.describe_key(start.key)
        raise NotFound(f"{start.kind.label} {key} does not exist.", kind=start.kind.label, key=key)
    return node["id"]


async def impact(
    db: Database, start: Start, *, as_of: datetime | None = None, max_depth: int = limits.MAX_LINEAGE_DEPTH,
    budget: int = limits.DEFAULT_NODE_BUDGET, kinds: list[str] | None = None, environment: str | None = None,
    first: int = limits.DEFAULT_IMPACT_PAGE, offset: int = 0, owners: bool = True, paths: str = PATHS_NAMED,
) -> ImpactAnswer:
    """Everything downstream of the start, in one traversal, with paths for one page. `owners` and
    `paths` say what the caller will read: what it will not (owners: False, empty `owners`; paths:
    PATHS_EDGES, empty `path_nodes`; PATHS_NONE, empty path lists) is not computed."""
    if paths not in (PATHS_NONE, PATHS_EDGES, PATHS_NAMED):
        raise ValueError(f"paths must be one of NONE, EDGES, NAMED, not {paths!r}")
    in_range("maxDepth", max_depth, 1, limits.MAX_LINEAGE_DEPTH)
    in_range("nodeBudget", budget, 1, limits.MAX_NODE_BUDGET)
    in_range("first", first, 1, limits.MAX_PAGE_SIZE)
    in_range("offset", offset, 0, limits.MAX_NODE_BUDGET)
    if start.window_from and start.window_to and start.window_to <= start.window_from:
        raise InvalidInput("The window must end after it starts.", field="createdBefore")

    async def work(tx: Tx) -> dict:
        start_id = await id_of_start(tx, start)
        return await repository.impact(
            tx, start_id=start_id, window_from=start.window_from, window_to=start.window_to,
            as_of=as_of or datetime.now(UTC), max_depth=max_depth, budget=budget, kinds=kinds,
            environment=environment, offset=offset, limit=first, owners=owners, paths=paths,
        )

    row = await db.read(work)
    cut = [reason for reason, hit in ((DEPTH_LIMIT, row["depth_cut"]), (NODE_BUDGET, row["budget_cut"])) if hit]
    return ImpactAnswer(
        start_count=row["start_count"], counts={c["kind"]: c["count"] for c in row["counts"]},
        owners=sorted(row["owners"]), cut_reasons=cut, total=row["listed_count"], items=row["items"], offset=offset,
    )


async def provenance(db: Database, start: Start, *, as_of: datetime | None = None,
                     budget: int = limits.DEFAULT_NODE_BUDGET) -> ProvenanceAnswer:
    """Everything upstream of a model version or deployment, with the licenses and privacy classes met."""
    in_range("nodeBudget", budget, 1, limits.MAX_NODE_BUDGET)

    async def work(tx: Tx) -> ProvenanceAnswer:
        return await provenance_in(tx, start, as_of=as_of or datetime.now(UTC), budget=budget)

    return await db.read(work)


async def provenance_in(tx: Tx, start: Start, *, as_of: datetime, budget: int) -> ProvenanceAnswer:
    """The provenance traversal inside the caller's read transaction (the compliance dossier reads
    its other facts beside it): the start's lookup and one traversal. `nodes[0]` is the start."""
    start_id = await id_of_start(tx, start)
    row = await repository.provenance(tx, start_id=start_id, as_of=as_of, budget=budget)
    nodes = [(n["kind"], n["node"]) for n in row["nodes"]]
    answer = ProvenanceAnswer(nodes=nodes, edges=row["edges"], cut_reasons=[NODE_BUDGET] if row["budget_cut"] else [])
    _summarise(answer, produced={n["node"]["id"] for n in row["nodes"] if n["produced"]})
    return answer


def _summarise(answer: ProvenanceAnswer, produced: set[str]) -> None:
    """Raw sources: datasets whose upstream versions no recorded run generated, and datasets a
    feature reads as a whole that no run ever produced."""
    by_id = {node["id"]: (kind, node) for kind, node in answer.nodes}
    generated = {e["source"] for e in answer.edges if e["type"] == "WAS_GENERATED_BY"}
    version_of = {e["source"]: e["target"] for e in answer.edges if e["type"] == "VERSION_OF"}
    raw_ids: set[str] = set()
    for node_id, (kind, _) in by_id.items():
        if kind == "DatasetVersion" and node_id not in generated and node_id in version_of:
            raw_ids.add(version_of[node_id])
    for edge in answer.edges:  # a feature computed from a whole dataset
        target = edge["target"]
        if edge["type"] == "WAS_DERIVED_FROM" and by_id.get(target, ("",))[0] == "Dataset" and target not in produced:
            raw_ids.add(target)
    datasets = [node for kind, node in answer.nodes if kind == "Dataset"]
    answer.raw_sources = sorted((by_id[i][1] for i in raw_ids), key=lambda d: (d["namespace"], d["name"]))
    answer.licenses = sorted({d["license"] for d in datasets if d.get("license")})
    answer.privacy_classes = sorted({d["privacy"] for d in datasets if d.get("privacy")})


@dataclass
class Subgraph:
    nodes: list[tuple[str, dict, int]]  # (label, properties, depth)
    edges: list[dict]
    cut_reasons: list[str]


async def subgraph(db: Database, start: Start, *, direction: str, depth: int, as_of: datetime | None = None,
                   budget: int = limits.DEFAULT_NODE_BUDGET) -> Subgraph:
    """Nodes and typed edges within `depth` hops of the start, upstream or downstream."""
    if direction not in ("UPSTREAM", "DOWNSTREAM"):
        raise InvalidInput("direction must be UPSTREAM or DOWNSTREAM.", field="direction")
    in_range("depth", depth, 1, limits.MAX_LINEAGE_DEPTH)
    in_range("nodeBudget", budget, 1, limits.MAX_NODE_BUDGET)

    async def work(tx: Tx) -> dict:
        start_id = await id_of_start(tx, start)
        return await repository.subgraph(tx, direction, start_id=start_id, depth=depth,
                                         as_of=as_of or datetime.now(UTC), budget=budget)

    row = await db.read(work)
    cut = [reason for reason, hit in ((DEPTH_LIMIT, row["depth_cut"]), (NODE_BUDGET, row["budget_cut"])) if hit]
    return Subgraph(nodes=[(n["kind"], n["node"], n["depth"]) for n in row["nodes"]], edges=row["edges"],
                    cut_reasons=cut)
