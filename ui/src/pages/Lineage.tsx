// The lineage graph around any asset: expanded upstream / downstream one step at a time, filtered by
// kind, environment and version, as of a chosen time. A cut answer is shown as cut: the nodes beyond
// which the registry said more lies are drawn dashed and listed as "more upstream/downstream".
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiError, execute } from "../api";
import {
  type Direction, type GraphFilter, type GraphModel, NO_FILTER, emptyGraph, filtered, mergeLineage,
} from "../graph";
import { type Kind, KINDS, entityPath, fromQuery, labelOf, lineageStart } from "../keys";
import type { LineageStartInput } from "../gql/graphql";
import { LineageQuery } from "../operations";
import { Graph } from "../components/Graph";
import { Badge, Loading, Problem, asOfInstant } from "../components/common";

const ENVIRONMENTS = ["DEVELOPMENT", "TEST", "STAGING", "PRODUCTION"];

export function LineagePage() {
  const [params, setParams] = useSearchParams();
  const start = fromQuery(params);
  const asOfLocal = params.get("asOf") ?? "";
  const [graph, setGraph] = useState<GraphModel>(emptyGraph());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<GraphFilter>(NO_FILTER);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const startKey = start ? JSON.stringify(start) : "";
  const asOf = asOfInstant(asOfLocal);

  const fetchStep = useCallback(
    async (of: LineageStartInput, direction: Direction) =>
      (await execute(LineageQuery, { of, direction, depth: 1, asOf })).lineage,
    [asOf],
  );

  useEffect(() => {
    if (!start) return;
    const of = lineageStart(start.kind, start.key);
    if (!of) return;
    let live = true;
    setBusy(true);
    setError(null);
    (async () => {
      const down = await fetchStep(of, "DOWNSTREAM");
      const startId = down.nodes.find((n) => n.depth === 0)?.node.id ?? null;
      let g = mergeLineage(emptyGraph(), down, startId, "DOWNSTREAM", 1);
      g = mergeLineage(g, await fetchStep(of, "UPSTREAM"), startId, "UPSTREAM", 1);
      if (live) {
        setGraph(g);
        setAnchor(startId);
        setSelected(startId);
      }
    })()
      .catch((e) => live && setError(e instanceof ApiError ? e : new ApiError(String(e), "ERROR", 0)))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [startKey, asOf]);

  const shown = useMemo(() => filtered(graph, filter, anchor), [graph, filter, anchor]);
  const node = selected ? graph.nodes.get(selected) : undefined;

  async function expandSelected(direction: Direction) {
    if (!node) return;
    const of = lineageStart(node.kind, node.key);
    if (!of) return;
    setBusy(true);
    setError(null);
    try {
      setGraph(mergeLineage(graph, await fetchStep(of, direction), node.id, direction, 1));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), "ERROR", 0));
    } finally {
      setBusy(false);
    }
  }

  function setAsOf(value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set("asOf", value);
    else next.delete("asOf");
    setParams(next);
  }

  if (!start) return <p>Open the lineage graph from an asset's page (search for one first).</p>;
  const title = labelOf(start.kind, start.key);
  const hiddenCount = graph.nodes.size - shown.nodes.size;

  return (
    <>
      <h1>Lineage around {title}</h1>
      <div className="toolbar" role="group" aria-label="Graph controls">
        <label>As of (UTC) <input type="datetime-local" value={asOfLocal} onChange={(e) => setAsOf(e.target.value)} /></label>
        <label>Environment{" "}
          <select value={filter.environment ?? ""} onChange={(e) => setFilter({ ...filter, environment: e.target.value || null })}>
            <option value="">every environment</option>
            {ENVIRONMENTS.map((env) => <option key={env} value={env}>{env.toLowerCase()}</option>)}
          </select>
        </label>
        <label>Version contains <input type="text" value={filter.version} size={10} onChange={(e) => setFilter({ ...filter, version: e.target.value })} /></label>
        <fieldset className="kinds">
          <legend>Kinds shown</legend>
          {KINDS.filter((k) => k !== "Team").map((k) => (
            <label key={k}>
              <input type="checkbox" checked={!filter.hiddenKinds.includes(k)} onChange={() => setFilter({
                ...filter,
                hiddenKinds: filter.hiddenKinds.includes(k) ? filter.hiddenKinds.filter((h) => h !== k) : [...filter.hiddenKinds, k as Kind],
              })} /> {k}
            </label>
          ))}
        </fieldset>
      </div>
      <Problem error={error} />
      {busy && <Loading what="lineage" />}
      <CutBanner reasons={graph.cutReasons} />
      {hiddenCount > 0 && <p className="muted" data-testid="hidden-count">{hiddenCount} node(s) hidden by the filters.</p>}
      <div className="split">
        <Graph graph={shown} anchorId={anchor} selectedId={selected} onSelect={setSelected} label={`Lineage graph around ${title}`} />
        <aside className="card" aria-label="Selected node">
          {node ? (
            <>
              <h2>{node.label}</h2>
              <p><Badge>{node.kind}</Badge> {node.quarantined && <Badge tone="bad">quarantined</Badge>}</p>
              <p><Link to={entityPath(node.kind, node.id)}>Open its page</Link></p>
              {lineageStart(node.kind, node.key) ? (
                <div className="row">
                  <button type="button" onClick={() => expandSelected("UPSTREAM")} disabled={busy || node.done.includes("UPSTREAM")}>
                    Expand upstream
                  </button>
                  <button type="button" onClick={() => expandSelected("DOWNSTREAM")} disabled={busy || node.done.includes("DOWNSTREAM")}>
                    Expand downstream
                  </button>
                </div>
              ) : <p className="muted">The lineage API does not start from a {node.kind}.</p>}
              {node.more.length > 0 && <p>The registry says more lies {node.more.join(" and ").toLowerCase()} of it: expand to see.</p>}
              {node.done.length > 0 && <p className="muted">Expanded {node.done.join(" and ").toLowerCase()}: what lies further is marked on the next nodes.</p>}
            </>
          ) : <p>Select a node to expand it.</p>}
        </aside>
      </div>
    </>
  );
}

export function CutBanner({ reasons }: { reasons: string[] }) {
  if (!reasons.length) return null;
  const say: Record<string, string> = {
    DEPTH_LIMIT: "more lies beyond the dashed nodes (the depth limit)",
    NODE_BUDGET: "the node budget was reached, so the farthest nodes are left out",
  };
  return (
    <p role="status" className="cut" data-testid="cut">
      <strong>Cut answer</strong>: this is not everything — {reasons.map((r) => say[r] ?? r).join("; ")}.
    </p>
  );
}
