import { describe, expect, it } from "vitest";
import { type GraphModel, type LineageAnswer, NO_FILTER, edgeId, emptyGraph, filtered, impactGraph, keeps, mergeLineage, pathEdges } from "./graph";

const dv = (id: string, version: string, quarantined = false) =>
  ({ __typename: "DatasetVersion", id, namespace: "s3://raw", name: "transactions", version, quarantined });
const run = (id: string) => ({ __typename: "Run", id, runId: id });
const mv = (id: string, version: string) => ({ __typename: "ModelVersion", id, modelName: "credit-scoring", version });
const dep = (id: string, environment: string) => ({ __typename: "Deployment", id, environment, name: "api" });

function answer(complete: boolean, nodes: [number, object][], edges: [string, string, string][]): LineageAnswer {
  return {
    complete,
    cutReasons: complete ? [] : ["DEPTH_LIMIT"],
    nodes: nodes.map(([depth, node]) => ({ depth, node: node as LineageAnswer["nodes"][number]["node"] })),
    edges: edges.map(([source, type, target]) => ({ source, type, target })),
  };
}

describe("merging lineage answers step by step", () => {
  it("marks the frontier of a cut answer as having more beyond it, and says the graph is cut", () => {
    const g = mergeLineage(emptyGraph(), answer(false, [[0, dv("a", "1")], [1, run("r")]], [["r", "USED", "a"]]), "a", "DOWNSTREAM", 1);
    expect(g.nodes.get("r")!.more).toEqual(["DOWNSTREAM"]);
    expect(g.nodes.get("a")!.more).toEqual([]);
    expect(g.nodes.get("a")!.done).toEqual(["DOWNSTREAM"]);
    expect(g.cutReasons).toEqual(["DEPTH_LIMIT"]);
    expect([...g.edges.keys()]).toEqual([edgeId("r", "USED", "a")]);
  });

  it("expanding the frontier clears its mark; a complete answer marks the node fully drawn and lifts the cut", () => {
    let g = mergeLineage(emptyGraph(), answer(false, [[0, dv("a", "1")], [1, run("r")]], [["r", "USED", "a"]]), "a", "DOWNSTREAM", 1);
    g = mergeLineage(g, answer(true, [[0, run("r")], [1, mv("m", "2")]], [["m", "WAS_GENERATED_BY", "r"]]), "r", "DOWNSTREAM", 1);
    expect(g.nodes.get("r")!.more).toEqual([]);
    expect(g.nodes.get("r")!.done).toEqual(["DOWNSTREAM"]);
    expect(g.nodes.get("m")!.more).toEqual([]);
    expect(g.cutReasons).toEqual([]);
    expect(g.nodes.size).toBe(3);
    expect(g.edges.size).toBe(2);
  });

  it("a node already expanded that way is not marked again when another answer reaches it at its frontier", () => {
    // a → r → m, and a feature f → r too: expanding f later reaches r at depth 1 of a cut answer.
    let g = mergeLineage(emptyGraph(), answer(false, [[0, dv("a", "1")], [1, run("r")]], [["r", "USED", "a"]]), "a", "DOWNSTREAM", 1);
    g = mergeLineage(g, answer(false, [[0, run("r")], [1, mv("m", "2")]], [["m", "WAS_GENERATED_BY", "r"]]), "r", "DOWNSTREAM", 1);
    const feature = { __typename: "Feature", id: "f", group: "g", name: "f" };
    g = mergeLineage(g, answer(false, [[0, feature], [1, run("r")]], [["r", "USED", "f"]]), "f", "DOWNSTREAM", 1);
    expect(g.nodes.get("r")!.more).toEqual([]);
    expect(g.nodes.get("m")!.more).toEqual(["DOWNSTREAM"]);
    expect(g.cutReasons).toEqual(["DEPTH_LIMIT"]);
  });

  it("a node budget cut is never lifted by later answers", () => {
    let g = mergeLineage(emptyGraph(), { ...answer(false, [[0, dv("a", "1")]], []), cutReasons: ["NODE_BUDGET"] }, "a", "UPSTREAM", 1);
    g = mergeLineage(g, answer(true, [[0, dv("a", "1")]], []), "a", "DOWNSTREAM", 1);
    expect(g.cutReasons).toEqual(["NODE_BUDGET"]);
  });

  it("the same answer twice changes nothing (the graph is a set of nodes and edges)", () => {
    const a = answer(true, [[0, dv("a", "1")], [1, run("r")]], [["r", "USED", "a"]]);
    const once = mergeLineage(emptyGraph(), a, "a", "DOWNSTREAM", 1);
    const twice = mergeLineage(once, a, "a", "DOWNSTREAM", 1);
    expect([...twice.nodes.keys()]).toEqual([...once.nodes.keys()]);
    expect([...twice.edges.keys()]).toEqual([...once.edges.keys()]);
    expect(twice.nodes.get("a")!.done).toEqual(["DOWNSTREAM"]);
  });

  it("keeps a node's newest quarantine flag", () => {
    let g = mergeLineage(emptyGraph(), answer(true, [[0, dv("a", "1")]], []), "a", "DOWNSTREAM", 1);
    g = mergeLineage(g, answer(true, [[0, dv("a", "1", true)]], []), "a", "UPSTREAM", 1);
    expect(g.nodes.get("a")!.quarantined).toBe(true);
  });
});

describe("explanation paths", () => {
  it("point each arrow back at the node before, except a model's VERSION_OF", () => {
    const path = {
      nodes: [{ kind: "DatasetVersion", id: "a" }, { kind: "Run", id: "r" }, { kind: "ModelVersion", id: "v" }, { kind: "Model", id: "m" }],
      edges: ["USED", "WAS_GENERATED_BY", "VERSION_OF"],
    };
    expect(pathEdges(path).map((e) => [e.source, e.type, e.target])).toEqual([
      ["r", "USED", "a"], ["v", "WAS_GENERATED_BY", "r"], ["v", "VERSION_OF", "m"],
    ]);
  });

  it("the impact graph is the union of the items' paths, each edge once", () => {
    const p1 = { nodes: [{ kind: "DatasetVersion", id: "a", name: "a" }, { kind: "Run", id: "r" }], edges: ["USED"] };
    const p2 = { nodes: [...p1.nodes, { kind: "ModelVersion", id: "v" }], edges: ["USED", "WAS_GENERATED_BY"] };
    const g = impactGraph(null, [{ node: run("r") as never, path: p1 }, { node: mv("v", "2") as never, path: p2 }]);
    expect([...g.nodes.keys()].sort()).toEqual(["a", "r", "v"]);
    expect(g.edges.size).toBe(2);
  });
});

describe("filters", () => {
  const g: GraphModel = mergeLineage(emptyGraph(), answer(true, [
    [0, dv("a", "2026-03-08")], [1, dv("b", "2026-03-15")], [1, mv("m", "2")], [2, dep("p", "PRODUCTION")], [2, dep("s", "STAGING")],
  ], [["m", "WAS_DERIVED_FROM", "a"], ["p", "SERVES", "m"], ["s", "SERVES", "m"]]), "a", "DOWNSTREAM", 3);

  it("no filter keeps everything", () => {
    expect(filtered(g, NO_FILTER).nodes.size).toBe(5);
  });

  it("hides kinds, and edges to what is hidden, but never the anchor", () => {
    const f = filtered(g, { ...NO_FILTER, hiddenKinds: ["DatasetVersion", "Deployment"] }, "a");
    expect([...f.nodes.keys()].sort()).toEqual(["a", "m"]);
    expect([...f.edges.values()].map((e) => e.type)).toEqual(["WAS_DERIVED_FROM"]);
  });

  it("an environment keeps only that environment's deployments", () => {
    const f = filtered(g, { ...NO_FILTER, environment: "PRODUCTION" });
    expect([...f.nodes.keys()].sort()).toEqual(["a", "b", "m", "p"]);
  });

  it("a version filter applies to versioned nodes only", () => {
    const node = g.nodes.get("b")!;
    expect(keeps({ ...NO_FILTER, version: "03-08" }, node)).toBe(false);
    expect(keeps({ ...NO_FILTER, version: "03-08" }, g.nodes.get("p")!)).toBe(true);
    expect(keeps({ ...NO_FILTER, version: "03-15" }, node)).toBe(true);
  });
});

describe("the benchmark's synthetic graph", () => {
  it("has the nodes asked for, every edge between two of them", async () => {
    const { syntheticGraph } = await import("./pages/BenchGraph");
    const g = syntheticGraph(500);
    expect(g.nodes.size).toBe(500);
    for (const e of g.edges.values()) expect(g.nodes.has(e.source) && g.nodes.has(e.target)).toBe(true);
    expect(g.edges.size).toBeGreaterThan(700);
  });
});

describe("health on graph nodes", () => {
  it("keeps a deployment's or model version's health from the answer, the newest answer's winning", () => {
    const critical = { ...dep("d", "PRODUCTION"), health: { state: "CRITICAL" } };
    let g = mergeLineage(emptyGraph(), answer(true, [[0, mv("m", "2")], [1, critical]], [["d", "SERVES", "m"]]), "m", "DOWNSTREAM", 1);
    expect(g.nodes.get("d")!.health).toBe("CRITICAL");
    expect(g.nodes.get("m")!.health).toBeUndefined(); // not selected: nothing said, not "healthy"
    // Expanding again after the alert resolved: the node shows the state now, not the first one.
    g = mergeLineage(g, answer(true, [[0, { ...critical, health: { state: "HEALTHY" } }]], []), "d", "DOWNSTREAM", 1);
    expect(g.nodes.get("d")!.health).toBe("HEALTHY");
    expect(impactGraph(null, [{ node: { ...mv("m", "2"), health: { state: "DEGRADED" } }, path: { nodes: [{ kind: "ModelVersion", id: "m" }], edges: [] } }])
      .nodes.get("m")!.health).toBe("DEGRADED");
  });
});
