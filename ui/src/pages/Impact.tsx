// The impact view of an incident: from a dataset version (or a dataset's versions in a time window),
// model version, feature or run — production deployments first, counts by kind, the owners to notify,
// each item's explanation path highlighted on the graph; quarantine and roll back from here for the
// roles that may, with the registry's refusal reasons shown.
import { useMemo, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { ApiError, execute } from "../api";
import type { Environment, ImpactQuery as ImpactResult, QuarantineMutation as QuarantineResult, RollbackMutation as RollbackResult } from "../gql/graphql";
import { impactGraph, pathEdges } from "../graph";
import { type Kind, fromQuery, impactStart, labelOf, nodeLabel, toQuery } from "../keys";
import { ImpactQuery, QuarantineMutation, RollbackMutation } from "../operations";
import { useSession } from "../session";
import { useQuery } from "../useQuery";
import { Graph } from "../components/Graph";
import { HealthBadge } from "../components/Health";
import { CutBanner } from "./Lineage";
import { Badge, Loading, NodeLink, Problem, Section, asOfInstant, when } from "../components/common";

type Item = ImpactResult["impact"]["items"][number];

/** The rank of an item as the registry orders it: production deployments first. */
export function isProductionDeployment(item: Pick<Item, "node">): boolean {
  return item.node.__typename === "Deployment" && item.node.environment === "PRODUCTION";
}

export function pathText(item: Item): string {
  return item.path.nodes.map((n) => n.name ?? n.kind).join(" → ");
}

export function ImpactPage() {
  const [params, setParams] = useSearchParams();
  const start = fromQuery(params);
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const asOfLocal = params.get("asOf") ?? "";
  const environment = (params.get("environment") || null) as Environment | null;
  const of = start ? impactStart(start.kind, start.key) : null;
  const answer = useQuery(ImpactQuery, of ? {
    of, createdAfter: asOfInstant(from), createdBefore: asOfInstant(to), asOf: asOfInstant(asOfLocal), environment, first: 200,
  } : null);
  const [chosen, setChosen] = useState<number>(0);

  const impact = answer.data?.impact;
  const graph = useMemo(() => (impact ? impactGraph(null, impact.items) : null), [impact]);
  const item = impact?.items[chosen] ?? impact?.items[0];
  const highlight = useMemo(() => {
    if (!item) return undefined;
    return { nodes: new Set(item.path.nodes.map((n) => n.id)), edges: new Set(pathEdges(item.path).map((e) => e.id)) };
  }, [item]);

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  if (!start || !of) return <p>Open the impact view from a dataset, dataset version, feature, run or model version.</p>;
  const title = labelOf(start.kind, start.key);
  const anchorId = item?.path.nodes[0]?.id ?? null;

  return (
    <>
      <h1>Impact of {title}</h1>
      <div className="toolbar" role="group" aria-label="Impact filters">
        {start.kind === "Dataset" && (
          <>
            <label>Versions created from (UTC) <input type="datetime-local" value={from} onChange={(e) => set("from", e.target.value)} /></label>
            <label>until <input type="datetime-local" value={to} onChange={(e) => set("to", e.target.value)} /></label>
          </>
        )}
        <label>As of (UTC) <input type="datetime-local" value={asOfLocal} onChange={(e) => set("asOf", e.target.value)} /></label>
        <label>Environment{" "}
          <select value={environment ?? ""} onChange={(e) => set("environment", e.target.value)}>
            <option value="">every environment</option>
            {["DEVELOPMENT", "TEST", "STAGING", "PRODUCTION"].map((env) => <option key={env} value={env}>{env.toLowerCase()}</option>)}
          </select>
        </label>
        <Link to={`/lineage?${toQuery(start.kind, start.key)}`}>Lineage graph</Link>
      </div>
      <Problem error={answer.error} />
      {answer.loading && <Loading what="the impact" />}
      {impact && (
        <>
          <CutBanner reasons={impact.cutReasons} />
          {impact.totalCount === 0 ? (
            <p data-testid="nothing-downstream">{impact.startCount === 0 ? "No version lies in that window." : "Nothing downstream: a complete answer."}</p>
          ) : (
            <div className="summary">
              <Section title="Counts by kind" id="counts">
                <ul className="counts">{impact.counts.map((c) => <li key={c.kind}><strong>{c.count}</strong> {c.kind}</li>)}</ul>
                <p className="muted">{impact.totalCount} affected in all{impact.hasNextPage ? "; the first 200 are listed" : ""}.</p>
              </Section>
              <Section title="Owners to notify" id="owners">
                <ul>{impact.owners.map((o) => <li key={o.name}><strong>{o.name}</strong>{o.description ? ` — ${o.description}` : ""}</li>)}</ul>
              </Section>
            </div>
          )}
          <Actions kind={start.kind} startKey={start.key} from={from} to={to} items={impact.items} onDone={answer.reload} />
          {graph && impact.items.length > 0 && (
            <div className="split">
              <Graph graph={graph} anchorId={anchorId} highlight={highlight} label={`Impact graph of ${title}`}
                     selectedId={item?.node.id}
                     onSelect={(id) => { const i = impact.items.findIndex((x) => x.node.id === id); if (i >= 0) setChosen(i); }} />
              <aside className="card" aria-label="Explanation path">
                <h2>Why {item ? nodeLabel(item.node) : ""} is affected</h2>
                {item && <p data-testid="path">{pathText(item)}</p>}
              </aside>
            </div>
          )}
          <Section title="Affected, production deployments first" id="items">
            <table aria-label="Affected assets" data-testid="impact-items">
              <thead><tr><th scope="col">#</th><th scope="col">Kind</th><th scope="col">Asset</th><th scope="col">Depth</th><th scope="col">Explanation path</th></tr></thead>
              <tbody>
                {impact.items.map((it, i) => (
                  <tr key={it.node.id} data-kind={it.kind} data-node-id={it.node.id} className={it === item ? "is-highlighted" : ""}
                     >
                    <td>{i + 1}</td>
                    <td>{it.kind} {isProductionDeployment(it) && <Badge tone="warn">production</Badge>}</td>
                    <td><NodeLink node={it.node} />
                      {it.node.__typename === "Deployment" && it.node.modelVersion && <span className="muted"> serves {it.node.modelVersion.modelName}@{it.node.modelVersion.version}</span>}
                      {"quarantined" in it.node && it.node.quarantined && <Badge tone="bad">quarantined</Badge>}
                      {"health" in it.node && it.node.health && <HealthBadge state={it.node.health.state} firing={it.node.health.firingCount} />}</td>
                    <td>{it.depth}</td>
                    <td>
                      <button type="button" className="small" onClick={() => setChosen(i)}>
                        Highlight<span className="visually-hidden"> the path to {nodeLabel(it.node)}</span>
                      </button>{" "}
                      <span className="path">{pathText(it)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        </>
      )}
    </>
  );
}

function Actions({ kind, startKey, from, to, items, onDone }: {
  kind: Kind; startKey: Record<string, string>; from: string; to: string; items: Item[]; onDone(): void;
}) {
  const session = useSession();
  const [reason, setReason] = useState("");
  const [quarantine, setQuarantine] = useState<QuarantineResult["quarantine"] | null>(null);
  const [rollbacks, setRollbacks] = useState<Record<string, RollbackResult["rollbackDeployment"]>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!session.may("quarantine")) {
    return <p className="muted" data-testid="no-actions">Quarantine and rollback need the quarantine permission (data stewards, security leads, admins).</p>;
  }
  const input: Record<string, unknown> | null =
    kind === "DatasetVersion" ? { datasetVersion: startKey }
      : kind === "ModelVersion" ? { modelVersion: startKey }
        : kind === "Dataset" && from && to ? { dataset: startKey, window: { from: asOfInstant(from), to: asOfInstant(to) } }
          : null;
  const deployments = items.filter((i) => i.node.__typename === "Deployment");

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), "ERROR", 0));
    } finally {
      setBusy(false);
    }
  }

  async function doQuarantine(event: FormEvent) {
    event.preventDefault();
    if (!input) return;
    const result = await run(() => execute(QuarantineMutation, { input: { ...input, reason } as never }));
    if (result) {
      setQuarantine(result.quarantine);
      onDone();
    }
  }

  async function doRollback(environment: Environment, name: string) {
    const result = await run(() => execute(RollbackMutation, { input: { environment, name, reason: reason || "incident response" } }));
    if (result) setRollbacks({ ...rollbacks, [`${environment}/${name}`]: result.rollbackDeployment });
  }

  return (
    <Section title="Respond" id="respond">
      <form onSubmit={doQuarantine} className="respond">
        <label htmlFor="reason">Reason (recorded with the incident and each rollback)</label>
        <input id="reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Double-loaded partition: amounts doubled" />
        {input ? (
          <button type="submit" disabled={busy || !reason.trim()}>Quarantine {labelOf(kind, startKey)} and everything downstream</button>
        ) : (
          <p className="muted">{kind === "Dataset" ? "Choose a window (from and until) to quarantine a dataset's versions." : `A ${kind} is not a quarantine start: quarantine its dataset version or model version.`}</p>
        )}
      </form>
      {quarantine && <QuarantineOutcome result={quarantine} />}
      {deployments.length > 0 && (
        <>
          <h3>Roll back a deployment serving an affected version</h3>
          <ul className="rollbacks">
            {deployments.map((d) => {
              if (d.node.__typename !== "Deployment") return null;
              const id = `${d.node.environment}/${d.node.name}`;
              const outcome = rollbacks[id];
              return (
                <li key={id} data-deployment={id}>
                  <button type="button" disabled={busy} onClick={() => d.node.__typename === "Deployment" && doRollback(d.node.environment, d.node.name)}>
                    Roll back {nodeLabel(d.node)}
                  </button>
                  {outcome && <RollbackOutcome result={outcome} />}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <Problem error={error} />
    </Section>
  );
}

function QuarantineOutcome({ result }: { result: QuarantineResult["quarantine"] }) {
  if (result.__typename === "Quarantine") {
    return (
      <div role="status" className="outcome good" data-testid="quarantine-outcome">
        {result.created ? "Quarantined" : "Already quarantined by this open incident"}: {result.flaggedCount} version(s) flagged;
        incident <Link to="/incidents">{result.incident.id.slice(0, 8)}</Link> opened {when(result.incident.openedAt)}.
      </div>
    );
  }
  return <div role="alert" className="outcome bad" data-testid="quarantine-outcome">Refused ({result.code}): {result.message}</div>;
}

function RollbackOutcome({ result }: { result: RollbackResult["rollbackDeployment"] }) {
  switch (result.__typename) {
    case "DeploymentRolledBack":
      return (
        <span role="status" className="outcome good" data-testid="rollback-outcome">
          {result.changed
            ? ` Rolled back from ${result.rolledBackFrom?.modelName}@${result.rolledBackFrom?.version} to ${result.deployment.modelVersion?.modelName}@${result.deployment.modelVersion?.version}.`
            : " Nothing to roll back: it does not serve a quarantined version."}
        </span>
      );
    case "DeploymentRefused":
      return (
        <div role="alert" className="outcome bad" data-testid="rollback-outcome">
          Refused: {result.message}
          <ul>
            {result.unmet.map((u, i) => <li key={i}>{u.kind}: {u.message}</li>)}
            {result.candidates.map((c) => (
              <li key={c.modelVersion.version}>{c.modelVersion.modelName}@{c.modelVersion.version}:
                <ul>{c.unmet.map((u, i) => <li key={i}>{u.kind}: {u.message}</li>)}</ul></li>
            ))}
          </ul>
        </div>
      );
    default:
      return <span role="alert" className="outcome bad" data-testid="rollback-outcome"> Refused ({result.code}): {result.message}</span>;
  }
}
