// The graph the lineage and impact views draw, kept apart from the drawing library: built from
// `lineage` answers (merged as the user expands it step by step) or from impact explanation paths,
// filtered by kind, environment and version. Pure functions, unit-tested in graph.test.ts.
import { type Kind, type NodeLike, keyOf, kindOf, labelOf } from "./keys";

export type Direction = "UPSTREAM" | "DOWNSTREAM";

export interface GraphNode {
  id: string;
  kind: Kind;
  label: string;
  key: Record<string, string>;
  environment?: string;
  version?: string;
  quarantined?: boolean;
  /** A deployment's or model version's health state (issue #14), when the answer carried it. */
  health?: string;
  /** Directions in which the registry said more lies beyond this node (a cut answer). */
  more: Direction[];
  /** Directions already expanded from this node: the next step that way is drawn, and whatever lies
   * further is marked on the nodes of that step. */
  done: Direction[];
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  type: string;
}

export interface GraphModel {
  nodes: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  /** Cut reasons of every answer merged in (DEPTH_LIMIT, NODE_BUDGET): the graph is not all there is. */
  cutReasons: string[];
}

export function emptyGraph(): GraphModel {
  return { nodes: new Map(), edges: new Map(), cutReasons: [] };
}

export function edgeId(source: string, type: string, target: string): string {
  return `${source}|${type}|${target}`;
}

type HealthLike = { health?: { state: string } | null };

export function graphNode(node: NodeLike & HealthLike & { quarantined?: boolean | null; id: string }): GraphNode {
  const kind = kindOf(node);
  const key = keyOf(node);
  return {
    id: node.id,
    kind,
    key,
    label: labelOf(kind, key),
    environment: kind === "Deployment" ? (node.environment ?? undefined) : undefined,
    version: kind === "DatasetVersion" || kind === "ModelVersion" ? (node.version ?? undefined) : undefined,
    quarantined: node.quarantined ?? undefined,
    health: node.health?.state ?? undefined,
    more: [],
    done: [],
  };
}

export interface LineageAnswer {
  complete: boolean;
  cutReasons: string[];
  nodes: { depth: number; node: NodeLike & HealthLike & { id: string; quarantined?: boolean | null } }[];
  edges: { source: string; type: string; target: string }[];
}

/** Merge one `lineage(of: from, direction, depth)` answer into the graph (a new graph is returned).
 * When the answer was cut at the depth limit, the nodes at that depth are marked as having more
 * beyond them in that direction (unless they were expanded that way already); `from` is marked as
 * expanded that way. */
export function mergeLineage(
  graph: GraphModel, answer: LineageAnswer, fromId: string | null, direction: Direction, depth: number,
): GraphModel {
  const nodes = new Map(graph.nodes);
  const edges = new Map(graph.edges);
  for (const { depth: d, node } of answer.nodes) {
    const existing = nodes.get(node.id);
    const fresh = graphNode(node);
    const merged: GraphNode = existing ? { ...existing, quarantined: fresh.quarantined, health: fresh.health } : fresh;
    const more = new Set(merged.more);
    const cutHere = !answer.complete && answer.cutReasons.includes("DEPTH_LIMIT") && d >= depth;
    if (cutHere && !merged.done.includes(direction)) more.add(direction);
    merged.more = [...more];
    nodes.set(node.id, merged);
  }
  for (const e of answer.edges) {
    if (nodes.has(e.source) && nodes.has(e.target)) {
      const id = edgeId(e.source, e.type, e.target);
      edges.set(id, { id, ...e });
    }
  }
  if (fromId && nodes.has(fromId)) {
    const from = { ...nodes.get(fromId)! };
    from.more = from.more.filter((d) => d !== direction); // one step beyond it is now drawn
    from.done = [...new Set([...from.done, direction])];
    nodes.set(fromId, from);
  }
  // A node budget cut stays said; the depth limit holds while some node still has more beyond it.
  const cutReasons = [...new Set([...graph.cutReasons, ...answer.cutReasons])].filter((r) => r !== "DEPTH_LIMIT");
  if (anyMore(nodes)) cutReasons.push("DEPTH_LIMIT");
  return { nodes, edges, cutReasons };
}

function anyMore(nodes: Map<string, GraphNode>): boolean {
  for (const n of nodes.values()) if (n.more.length) return true;
  return false;
}

export interface PathLike {
  nodes: { kind: string; id: string; name?: string | null }[];
  edges: string[];
}

/** The edges of one explanation path as drawn: each step's arrow points back at the node before it
 * (PROV: the later thing USED / WAS_GENERATED_BY / SERVES the earlier), except a model's last step,
 * its version's VERSION_OF, which points forward. */
export function pathEdges(path: PathLike): GraphEdge[] {
  return path.edges.map((type, i) => {
    const before = path.nodes[i].id;
    const after = path.nodes[i + 1].id;
    const [source, target] = type === "VERSION_OF" ? [before, after] : [after, before];
    return { id: edgeId(source, type, target), source, target, type };
  });
}

/** The graph of an impact answer: the union of its items' explanation paths. */
export function impactGraph(
  start: GraphNode | null,
  items: { node: NodeLike & HealthLike & { id: string; quarantined?: boolean | null }; path: PathLike }[],
): GraphModel {
  const graph = emptyGraph();
  if (start) graph.nodes.set(start.id, start);
  for (const item of items) {
    graph.nodes.set(item.node.id, graphNode(item.node));
  }
  for (const item of items) {
    for (const e of pathEdges(item.path)) graph.edges.set(e.id, e);
    for (const n of item.path.nodes) {
      if (!graph.nodes.has(n.id)) {
        graph.nodes.set(n.id, { id: n.id, kind: n.kind as Kind, label: n.name ?? n.kind, key: {}, more: [], done: [] });
      }
    }
  }
  return graph;
}

export interface GraphFilter {
  /** Kinds hidden; empty shows every kind. */
  hiddenKinds: Kind[];
  /** Only deployments in this environment (others hidden); null shows all. */
  environment: string | null;
  /** Only versions (dataset and model versions) whose version string contains this; "" shows all. */
  version: string;
}

export const NO_FILTER: GraphFilter = { hiddenKinds: [], environment: null, version: "" };

/** Whether the filter keeps a node. The start of a view is always kept, so the graph never loses
 * its anchor. */
export function keeps(filter: GraphFilter, node: GraphNode, anchorId?: string | null): boolean {
  if (node.id === anchorId) return true;
  if (filter.hiddenKinds.includes(node.kind)) return false;
  if (filter.environment && node.kind === "Deployment" && node.environment !== filter.environment) return false;
  if (filter.version && node.version !== undefined && !node.version.includes(filter.version)) return false;
  return true;
}

/** The nodes and edges left by a filter (edges only between kept nodes). */
export function filtered(graph: GraphModel, filter: GraphFilter, anchorId?: string | null): GraphModel {
  const nodes = new Map([...graph.nodes].filter(([, n]) => keeps(filter, n, anchorId)));
  const edges = new Map([...graph.edges].filter(([, e]) => nodes.has(e.source) && nodes.has(e.target)));
  return { nodes, edges, cutReasons: graph.cutReasons };
}
