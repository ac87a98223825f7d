// For the UI benchmark (bench/ui.py) only: lays out and draws a synthetic layered lineage graph of
// `?n=` nodes with the same component and layout as the lineage view, no server involved, and
// records how long that took in `window.__graphDrawnMs` (layout + first frame painted).
import { useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { Graph } from "../components/Graph";
import { type GraphModel, edgeId } from "../graph";
import type { Kind } from "../keys";

const LAYERS: Kind[] = ["DatasetVersion", "Run", "DatasetVersion", "Feature", "Run", "ModelVersion", "Deployment"];

/** `n` nodes in seven layers shaped like the registry's (snapshots → runs → … → deployments), each
 * node linked to two of the layer before it. Deterministic. */
export function syntheticGraph(n: number): GraphModel {
  const graph: GraphModel = { nodes: new Map(), edges: new Map(), cutReasons: [] };
  const perLayer = Math.max(1, Math.ceil(n / LAYERS.length));
  const layers: string[][] = [];
  let made = 0;
  LAYERS.forEach((kind, layer) => {
    const ids: string[] = [];
    for (let i = 0; i < perLayer && made < n; i++, made++) {
      const id = `n${layer}-${i}`;
      ids.push(id);
      graph.nodes.set(id, { id, kind, label: `${kind} ${i}`, key: {}, more: [], done: [],
        environment: kind === "Deployment" ? (i % 2 ? "PRODUCTION" : "STAGING") : undefined });
      const previous = layers[layer - 1];
      if (previous?.length) {
        for (const j of [i % previous.length, (i * 7 + 3) % previous.length]) {
          const e = edgeId(id, "USED", previous[j]);
          graph.edges.set(e, { id: e, source: id, target: previous[j], type: "USED" });
        }
      }
    }
    layers.push(ids);
  });
  return graph;
}

declare global {
  interface Window { __graphDrawnMs?: number }
}

export function BenchGraphPage() {
  const [params] = useSearchParams();
  const n = Number(params.get("n") ?? "500");
  const graph = useMemo(() => syntheticGraph(n), [n]);
  const started = useMemo(() => performance.now(), [graph]);
  return (
    <>
      <h1>Benchmark: {n} nodes</h1>
      <Graph graph={graph} label={`Synthetic graph of ${n} nodes`} onDrawn={() => {
        requestAnimationFrame(() => { window.__graphDrawnMs = performance.now() - started; });
      }} />
    </>
  );
}
