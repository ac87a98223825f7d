"""An independent model of the registry's lineage, and what impact and provenance must answer on it.

This is the specification the property test (test_lineage_properties.py) holds the Cypher to.
It knows nothing of Neo4j: a registry is a set of nodes (by a key of the test's own) and timed,
directed edges read the W3C PROV way (upstream is the direction of the arrow), and the answers
are plain breadth-first searches over the edges that held at the question's time.

Times are whole numbers (the test maps them to hours after a fixed instant); `NOW` stands for a
question without `asOf`, later than anything recorded.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

NOW = math.inf

# The edges impact follows (against the arrow) and provenance follows (along it). VERSION_OF is
# not a lineage step: a model is affected through its versions, a dataset version's dataset is
# added to provenance beside the traversal.
LINEAGE_EDGES = ("USED", "WAS_GENERATED_BY", "WAS_DERIVED_FROM", "SERVES")


@dataclass(frozen=True)
class Edge:
    source: str  # the node the arrow leaves (downstream end)
    type: str
    target: str  # the node the arrow points to (upstream end)
    since: int   # created_at, or a SERVES edge's since
    until: int | None = None  # a closed SERVES edge

    def holds_at(self, t: float) -> bool:
        """The traversal's predicate: recorded by t, and not yet closed at t."""
        return self.since <= t and (self.until is None or self.until > t)


@dataclass
class Registry:
    kinds: dict[str, str] = field(default_factory=dict)             # key -> node label
    edges: list[Edge] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)           # dataset versions' created_at
    version_of: dict[str, str] = field(default_factory=dict)        # dataset/model version -> dataset/model
    licenses: dict[str, str | None] = field(default_factory=dict)   # dataset -> license
    privacy: dict[str, str | None] = field(default_factory=dict)    # dataset -> privacy class

    def add(self, key: str, kind: str) -> str:
        self.kinds[key] = kind
        return key

    def of_kind(self, kind: str) -> list[str]:
        return [k for k, label in self.kinds.items() if label == kind]

    def link(self, source: str, type: str, target: str, at: int) -> None:
        """A lineage link; recording it again keeps the first time (the edge keeps its created_at)."""
        if not any(e.source == source and e.type == type and e.target == target for e in self.edges):
            self.edges.append(Edge(source, type, target, at))

    def serve(self, deployment: str, version: str, at: int) -> None:
        """A deployment switches to a version at `at`: the open edge closes, a new one opens.
        Switching to what it already serves changes nothing."""
        open_edges = [e for e in self.edges if e.source == deployment and e.type == "SERVES" and e.until is None]
        if open_edges and open_edges[0].target == version:
            return
        for edge in open_edges:
            self.edges[self.edges.index(edge)] = Edge(edge.source, edge.type, edge.target, edge.since, at)
        self.edges.append(Edge(deployment, "SERVES", version, at))

    def edges_at(self, t: float) -> list[Edge]:
        return [e for e in self.edges if e.type in LINEAGE_EDGES and e.holds_at(t)]


# --- impact ---------------------------------------------------------------------------------------


def window_starts(reg: Registry, dataset: str, created_after: int | None, created_before: int | None,
                  as_of: float) -> set[str]:
    """A dataset start: its versions created in [created_after, created_before) that existed at as_of."""
    return {v for v, d in reg.version_of.items() if d == dataset and reg.kinds[v] == "DatasetVersion"
            and (created_after is None or reg.created[v] >= created_after)
            and (created_before is None or reg.created[v] < created_before)
            and reg.created[v] <= as_of}


def impact(reg: Registry, starts: set[str], as_of: float) -> dict[str, int]:
    """Item -> depth. Depth is the least number of lineage hops, against the arrows, over edges that
    held at as_of, from any start. Starts are not items (even when reached from another start).
    A model is an item when one of its versions is, one hop further than its nearest such version."""
    down: dict[str, list[str]] = {}
    for e in reg.edges_at(as_of):
        down.setdefault(e.target, []).append(e.source)
    depth = {s: 0 for s in starts}
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        for nxt in down.get(node, []):
            if nxt not in depth:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    items = {n: d for n, d in depth.items() if n not in starts}
    for version, d in list(items.items()):
        if reg.kinds[version] == "ModelVersion":
            model = reg.version_of[version]
            items[model] = min(items.get(model, math.inf), d + 1)
    return items


def path_problems(reg: Registry, starts: set[str], item: str, depth: int, nodes: list[str], edges: list[str],
                  as_of: float) -> list[str]:
    """Why an explanation path is not a real path of length `depth` from a start to `item` at as_of
    (empty when it is). Each hop goes downstream: the next node's arrow points at the previous one;
    a model's last hop is its version's VERSION_OF arrow."""
    problems = []
    if len(edges) != depth or len(nodes) != depth + 1:
        problems.append(f"{len(edges)} edges and {len(nodes)} nodes for depth {depth}")
    if not nodes or nodes[0] not in starts:
        problems.append(f"begins at {nodes[:1]}, not at a start")
    if not nodes or nodes[-1] != item:
        problems.append(f"ends at {nodes[-1:]}, not at the item")
    held = {(e.source, e.type, e.target) for e in reg.edges_at(as_of)}
    for i, (type_, (upstream, downstream)) in enumerate(zip(edges, zip(nodes, nodes[1:]))):
        if type_ == "VERSION_OF" and i == len(edges) - 1 and reg.kinds.get(downstream) == "Model":
            if reg.version_of.get(upstream) != downstream:
                problems.append(f"hop {i}: {upstream} is not a version of {downstream}")
        elif (downstream, type_, upstream) not in held:
            problems.append(f"hop {i}: no {downstream} -[{type_}]-> {upstream} holding at {as_of}")
    return problems


# --- provenance -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    nodes: frozenset[str]
    raw_sources: frozenset[str]
    licenses: frozenset[str]
    privacy_classes: frozenset[str]


def provenance(reg: Registry, start: str, as_of: float) -> Provenance:
    """Everything upstream (along the arrows, edges holding at as_of) plus the dataset of every
    dataset version met. Raw sources: datasets of upstream versions no run generated, and datasets
    a feature derives from as a whole none of whose versions a run generated (as of then).
    Licenses and privacy classes: those of every dataset in the answer."""
    edges = reg.edges_at(as_of)
    up: dict[str, list[str]] = {}
    for e in edges:
        up.setdefault(e.source, []).append(e.target)
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in up.get(queue.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    generated = {e.source for e in edges if e.type == "WAS_GENERATED_BY"}
    versions = [n for n in seen if reg.kinds[n] == "DatasetVersion"]
    datasets = {reg.version_of[v] for v in versions} | {n for n in seen if reg.kinds[n] == "Dataset"}
    raw = {reg.version_of[v] for v in versions if v not in generated}
    produced = {reg.version_of[v] for v in generated if reg.kinds[v] == "DatasetVersion"}
    raw |= {n for n in seen if reg.kinds[n] == "Dataset" and n not in produced}
    return Provenance(
        nodes=frozenset(seen | datasets), raw_sources=frozenset(raw),
        licenses=frozenset(reg.licenses[d] for d in datasets if reg.licenses.get(d)),
        privacy_classes=frozenset(reg.privacy[d] for d in datasets if reg.privacy.get(d)),
    )
