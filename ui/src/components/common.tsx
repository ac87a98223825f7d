// Small pieces every page uses: loading and error states, a definition list, links to nodes.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import type { ApiError } from "../api";
import { type Kind, type NodeLike, entityPath, nodeLabel } from "../keys";

export function Loading({ what }: { what: string }) {
  return <p role="status" className="muted">Loading {what}…</p>;
}

export function Problem({ error }: { error: ApiError | null }) {
  if (!error) return null;
  const hint = error.status === 401 ? " Sign in with an API token (top right), or ask for anonymous reads." : "";
  return (
    <p role="alert" className="problem" data-code={error.code}>
      <strong>{error.code}</strong>: {error.message}{hint}
    </p>
  );
}

export function Meta({ rows }: { rows: [string, ReactNode][] }) {
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== "");
  return (
    <dl className="meta">
      {shown.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function NodeLink({ node }: { node: NodeLike & { id?: string } }) {
  if (!node.id) return <span>{nodeLabel(node)}</span>;
  return <Link to={entityPath(node.__typename as Kind, node.id)}>{nodeLabel(node)}</Link>;
}

export function when(value: string | null | undefined): string {
  if (!value) return "";
  return value.replace("T", " ").replace(/(\.\d+)?(\+00:00|Z)$/, " UTC");
}

/** `2026-03-15T00:00` from a datetime-local input, as the API's UTC instant (or null when empty). */
export function asOfInstant(local: string): string | null {
  if (!local) return null;
  return local.length === 16 ? `${local}:00Z` : `${local}Z`;
}

export function Badge({ children, tone = "neutral" }: { children: ReactNode; tone?: "neutral" | "bad" | "good" | "warn" }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" aria-labelledby={id ? `${id}-title` : undefined} id={id}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}
