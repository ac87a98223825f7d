// The lineage graph drawn by Cytoscape.js with the dagre layered layout, arrows the PROV way (upstream
// is the direction of the arrow). The canvas is not readable by assistive technology, so every node is
// also a button in the list beside it; the tests use that list too.
import cytoscape, { type Core } from "cytoscape";
import dagre from "cytoscape-dagre";
import { useEffect, useRef } from "react";
import type { GraphModel } from "../graph";

cytoscape.use(dagre);

export const KIND_COLOURS: Record<string, string> = {
  Dataset: "#1f6f8b", DatasetVersion: "#2a8fb3", Feature: "#6a4c93", Job: "#5c677d", Run: "#7d8597",
  Model: "#9c4f1a", ModelVersion: "#c4661f", Deployment: "#2b7a3d", Team: "#444",
};

export interface GraphProps {
  graph: GraphModel;
  anchorId?: string | null;
  selectedId?: string | null;
  highlight?: { nodes: Set<string>; edges: Set<string> };
  onSelect?(id: string): void;
  label: string;
  /** Called once the layout has run and the graph is drawn (the benchmark times it). */
  onDrawn?(millis: number): void;
}

export function Graph({ graph, anchorId, selectedId, highlight, onSelect, label, onDrawn }: GraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!container.current) return;
    const started = performance.now();
    const elements = [
      ...[...graph.nodes.values()].map((n) => ({
        data: { id: n.id, label: n.label + (n.quarantined ? " ⚠" : ""), colour: KIND_COLOURS[n.kind] ?? "#555" },
        classes: [
          n.quarantined ? "quarantined" : "",
          n.more.length ? "more" : "",
          n.id === anchorId ? "anchor" : "",
          n.health === "CRITICAL" || n.health === "DEGRADED" ? `health-${n.health.toLowerCase()}` : "",
        ].join(" "),
      })),
      ...[...graph.edges.values()].map((e) => ({ data: { id: e.id, source: e.source, target: e.target, label: e.type } })),
    ];
    const instance = cytoscape({
      container: container.current,
      elements,
      style: [
        { selector: "node", style: { label: "data(label)", "background-color": "data(colour)", "font-size": 10,
          color: "#111", "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22,
          "text-wrap": "wrap", "text-max-width": "140px" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 7, color: "#666" } },
        { selector: "node.more", style: { "border-width": 3, "border-style": "dashed", "border-color": "#d08700" } },
        { selector: "node.quarantined", style: { shape: "diamond" } },
        // Health shows as a solid ring (and in words in the node list): red critical, amber degraded.
        { selector: "node.health-critical", style: { "border-width": 4, "border-style": "double", "border-color": "#b00020" } },
        { selector: "node.health-degraded", style: { "border-width": 3, "border-style": "solid", "border-color": "#8a5a00" } },
        { selector: "node.anchor", style: { "border-width": 3, "border-color": "#000" } },
        { selector: "node.highlight", style: { "background-color": "#d7263d", width: 30, height: 30 } },
        { selector: "edge.highlight", style: { width: 4, "line-color": "#d7263d", "target-arrow-color": "#d7263d" } },
        { selector: "node.selected", style: { "overlay-color": "#ffbf00", "overlay-opacity": 0.35, "overlay-padding": 6 } },
      ],
      layout: { name: "dagre", rankDir: "RL", nodeSep: 24, rankSep: 90, padding: 24 } as cytoscape.LayoutOptions,
      minZoom: 0.05,
      maxZoom: 1.6,
    });
    instance.on("tap", "node", (event) => select.current?.(event.target.id()));
    cy.current = instance;
    onDrawn?.(performance.now() - started);
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, [graph, anchorId]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    instance.elements().removeClass("highlight selected");
    highlight?.nodes.forEach((id) => instance.getElementById(id).addClass("highlight"));
    highlight?.edges.forEach((id) => instance.getElementById(id).addClass("highlight"));
    if (selectedId) instance.getElementById(selectedId).addClass("selected");
  }, [graph, anchorId, highlight, selectedId]);

  const highlighted = highlight ? [...highlight.nodes].filter((id) => graph.nodes.has(id)) : [];
  return (
    <div className="graph-wrap">
      <div
        ref={container}
        className="graph"
        role="img"
        aria-label={`${label}: ${graph.nodes.size} nodes, ${graph.edges.size} edges`}
        data-testid="graph"
        data-nodes={graph.nodes.size}
        data-edges={graph.edges.size}
        data-highlighted-nodes={highlighted.join(" ")}
        data-highlighted-edges={highlight ? [...highlight.edges].filter((id) => graph.edges.has(id)).join(" ") : ""}
      />
      <details className="node-list" open={graph.nodes.size <= 40}>
        <summary>Nodes in the graph ({graph.nodes.size})</summary>
        <ul>
          {[...graph.nodes.values()].map((n) => (
            <li key={n.id}>
              <button
                type="button"
                className={`node-button${n.id === selectedId ? " is-selected" : ""}${highlight?.nodes.has(n.id) ? " is-highlighted" : ""}`}
                data-node-id={n.id}
                aria-pressed={n.id === selectedId}
                onClick={() => onSelect?.(n.id)}
              >
                <span className="kind">{n.kind}</span> {n.label}
                {n.quarantined ? " (quarantined)" : ""}
                {n.health && n.health !== "UNKNOWN" ? ` — health ${n.health.toLowerCase()}` : ""}
                {n.more.length ? ` — more ${n.more.map((d) => d.toLowerCase()).join(" and ")}` : ""}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
