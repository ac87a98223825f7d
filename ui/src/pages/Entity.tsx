// The entity page of every kind: metadata, versions, owner team, stage history, checks and approvals,
// deployments, the audit trail, links to the exports and the compliance report, and health and drift
// (issue #14: signals on deployments and model versions, artifact verifications of versions).
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, openDocument } from "../api";
import { type Kind, type Key, documentPaths, impactStart, labelOf, lineageStart, toQuery } from "../keys";
import {
  AuditTrailQuery, DatasetPage, DatasetVersionPage, DeploymentPage, FeaturePage, GateQuery, JobPage, ModelPage,
  ModelVersionPage, RunPage, TeamPage,
} from "../operations";
import type { HealthFieldsFragment, TypedDocumentString, VerificationFieldsFragment } from "../gql/graphql";
import { useSession } from "../session";
import { useQuery } from "../useQuery";
import { Badge, Loading, Meta, NodeLink, Problem, Section, when } from "../components/common";
import { HealthBadge, HealthSummary, VerificationSummary } from "../components/Health";
import { blocksGates } from "../health";

export function EntityPage() {
  const { kind, id } = useParams();
  if (!kind || !id) return <p>No such page.</p>;
  const pages: Record<string, (p: { id: string }) => ReactNode> = {
    Dataset: DatasetView, DatasetVersion: DatasetVersionView, Feature: FeatureView, Job: JobView, Run: RunView,
    Model: ModelView, ModelVersion: ModelVersionView, Deployment: DeploymentView, Team: TeamView,
  };
  const View = pages[kind];
  if (!View) return <Problem error={new ApiError(`The registry has no kind ${kind}.`, "NOT_FOUND", 404)} />;
  return <View id={id} />;
}

function Header({ kind, keyOf, quarantined, health, drift, extra }: {
  kind: Kind; keyOf: Key; quarantined?: boolean | null; health?: string; drift?: string | null; extra?: ReactNode;
}) {
  const lineage = lineageStart(kind, keyOf);
  const impact = impactStart(kind, keyOf);
  return (
    <header className="entity-header">
      <p className="muted">{kind}</p>
      <h1 data-testid="entity-title">
        {labelOf(kind, keyOf)} {quarantined && <Badge tone="bad">quarantined</Badge>}
        {health && health !== "UNKNOWN" && <HealthBadge state={health} />}
        {drift && blocksGates(drift) && <Badge tone="bad">artifact {drift}</Badge>}
      </h1>
      <nav aria-label="Views of this asset" className="views">
        {lineage && <Link to={`/lineage?${toQuery(kind, keyOf)}`}>Lineage graph</Link>}
        {impact && <Link to={`/impact?${toQuery(kind, keyOf)}`}>Impact</Link>}
        {extra}
      </nav>
    </header>
  );
}

function Owner({ owner }: { owner?: { name: string; description?: string | null } | null }) {
  if (!owner) return <span className="muted">no owning team</span>;
  return <span>{owner.name}{owner.description ? ` — ${owner.description}` : ""}</span>;
}

/** When and by whom a record was registered and last changed. */
function recordRows(r: { id: string; createdAt: string; updatedAt: string; createdBy?: string | null; updatedBy?: string | null }): [string, ReactNode][] {
  return [["Registered", `${when(r.createdAt)}${r.createdBy ? ` by ${r.createdBy}` : ""}`],
          ["Last changed", `${when(r.updatedAt)}${r.updatedBy ? ` by ${r.updatedBy}` : ""}`], ["Id", <code>{r.id}</code>]];
}

/** Health and drift: the health of a deployment or model version (its own signals), and the last
 * verification of a version's artifact with its history; each part only where the kind has it. */
function HealthAndDrift({ health, last, history, subject }: {
  health?: HealthFieldsFragment; last?: VerificationFieldsFragment | null; history?: VerificationFieldsFragment[]; subject: string;
}) {
  return (
    <Section title="Health and drift" id="health-and-drift">
      <div data-testid="health-and-drift">
        {health && <HealthSummary health={health} subject={subject} />}
        {history && <VerificationSummary last={last} history={history} what={subject} />}
      </div>
    </Section>
  );
}

function Documents({ kind, keyOf }: { kind: Kind; keyOf: Key }) {
  const [error, setError] = useState<ApiError | null>(null);
  const docs = documentPaths(kind, keyOf);
  if (!docs.length) return null;
  return (
    <Section title="Compliance documents" id="documents">
      <ul className="documents">
        {docs.map((d) => (
          <li key={d.path}>
            <a href={d.path} onClick={(event) => {
              event.preventDefault();
              setError(null);
              openDocument(d.path).catch((e) => setError(e));
            }}>{d.name}</a>
          </li>
        ))}
      </ul>
      <Problem error={error} />
    </Section>
  );
}

function AuditTrail({ id }: { id: string }) {
  const session = useSession();
  const allowed = session.may("read_audit");
  const trail = useQuery(AuditTrailQuery, allowed ? { id } : null);
  return (
    <Section title="Audit trail" id="audit">
      {!allowed ? (
        <p className="muted">Reading the audit trail needs the read_audit permission (data stewards, security leads, admins).</p>
      ) : (
        <>
          <Problem error={trail.error} />
          {trail.loading && <Loading what="the audit trail" />}
          {trail.data && (trail.data.auditTrail.edges.length === 0 ? <p>Nothing recorded.</p> : (
            <table aria-label="Audit trail">
              <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Outcome</th></tr></thead>
              <tbody>
                {trail.data.auditTrail.edges.map(({ node: e }) => (
                  <tr key={e.seq}><td>{e.seq}</td><td>{when(e.at)}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.outcome}</td></tr>
                ))}
              </tbody>
            </table>
          ))}
        </>
      )}
    </Section>
  );
}

type Root<T> = NonNullable<T[Exclude<keyof T, "__typename">]>;

/** The page of one kind: its query by id, then loading, refusal, "no such", or the page drawn from
 * the answer's one root field, with the audit trail last. */
function entityPage<T extends object>(document: TypedDocumentString<T, { id: string }>, what: string,
                                      draw: (node: Root<T>) => ReactNode) {
  return function EntityView({ id }: { id: string }) {
    const state = useQuery(document, { id });
    return <Frame state={state} what={what}>{(node) => <>{draw(node)}<AuditTrail id={id} /></>}</Frame>;
  };
}

/** Loading, refusal, "no such", or the one root field of a page's answer. */
function Frame<T extends object>({ state, what, children }: { state: { data: T | null; error: ApiError | null; loading: boolean }; what: string; children: (d: Root<T>) => ReactNode }) {
  if (state.error) return <Problem error={state.error} />;
  if (state.loading || !state.data) return <Loading what={what} />;
  const value = Object.values(state.data as object)[0];
  if (value == null) return <p role="alert">No such {what} (it may have been removed).</p>;
  return <>{children(value as Root<T>)}</>;
}

const DatasetView = entityPage(DatasetPage, "dataset", (d) => {
        const key = { namespace: d.namespace, name: d.name };
        return (
          <>
            <Header kind="Dataset" keyOf={key} />
            <Section title="Metadata">
              <Meta rows={[["Owner team", <Owner owner={d.owner} />], ["Description", d.description], ["Licence", d.license],
                ["Privacy", d.privacy], ["Tags", d.tags.join(", ")], ["Schema", d.schema.map((f) => `${f.name}: ${f.type}`).join(", ")],
                ...recordRows(d)]} />
            </Section>
            <Section title="Versions" id="versions">
              <table aria-label="Versions">
                <thead><tr><th scope="col">Version</th><th scope="col">Snapshot time</th><th scope="col">Rows</th><th scope="col">Digest</th><th scope="col">State</th></tr></thead>
                <tbody>
                  {d.versions.map((v) => (
                    <tr key={v.id}>
                      <td><NodeLink node={{ __typename: "DatasetVersion", id: v.id, namespace: d.namespace, name: d.name, version: v.version }} /></td>
                      <td>{when(v.createdAt)}</td><td>{v.rowCount}</td><td><code>{v.digest?.slice(0, 19)}</code></td>
                      <td>{v.quarantined ? <Badge tone="bad">quarantined</Badge> : "in use"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          </>
        );
      });

const DatasetVersionView = entityPage(DatasetVersionPage, "dataset version", (v) => {
        const key = { namespace: v.namespace, name: v.name, version: v.version };
        return (
          <>
            <Header kind="DatasetVersion" keyOf={key} quarantined={v.quarantined} drift={v.lastVerification?.outcome} />
            <Section title="Metadata">
              <Meta rows={[
                ["Dataset", v.dataset && <NodeLink node={{ __typename: "Dataset", id: v.dataset.id, namespace: v.namespace, name: v.name }} />],
                ["Owner team", <Owner owner={v.dataset?.owner} />], ["State", v.quarantined ? <Badge tone="bad">quarantined</Badge> : "in use"],
                ["Digest", <code>{v.digest}</code>], ["Rows", v.rowCount], ["Licence", v.dataset?.license], ["Privacy", v.dataset?.privacy],
                ["Produced by", v.producedBy ? <NodeLink node={{ __typename: "Run", ...v.producedBy }} /> : "no recorded run (a raw source)"],
                ["Description", v.description], ...recordRows(v)]} />
            </Section>
            <Section title="Other versions of the dataset">
              <ul>{v.dataset?.versions.filter((o) => o.id !== v.id).map((o) => (
                <li key={o.id}><NodeLink node={{ __typename: "DatasetVersion", id: o.id, namespace: v.namespace, name: v.name, version: o.version }} />
                  {o.quarantined && <Badge tone="bad">quarantined</Badge>}</li>))}</ul>
            </Section>
            <HealthAndDrift last={v.lastVerification} history={v.verifications} subject="this snapshot" />
          </>
        );
      });

const FeatureView = entityPage(FeaturePage, "feature", (f) => (
        <>
          <Header kind="Feature" keyOf={{ group: f.group, name: f.name }} />
          <Section title="Metadata">
            <Meta rows={[["Owner team", <Owner owner={f.owner} />], ["Description", f.description], ["Type", f.dtype],
              ["Transformation", f.transformation && <code>{f.transformation}</code>], ["Tags", f.tags.join(", ")],
              ["Derived from", <ul>{f.derivedFrom.map((s) => <li key={s.id}><NodeLink node={s} /></li>)}</ul>], ...recordRows(f)]} />
          </Section>
        </>
      ));

const JobView = entityPage(JobPage, "job", (j) => (
        <>
          <Header kind="Job" keyOf={{ namespace: j.namespace, name: j.name }} />
          <Section title="Metadata">
            <Meta rows={[["Owner team", <Owner owner={j.owner} />], ["Description", j.description], ["Tags", j.tags.join(", ")], ...recordRows(j)]} />
          </Section>
          <Section title="Runs">
            <ul>{j.runs.map((r) => <li key={r.id}><NodeLink node={{ __typename: "Run", ...r }} /> {r.state} {when(r.startedAt)}</li>)}</ul>
          </Section>
        </>
      ));

const RunView = entityPage(RunPage, "run", (r) => (
        <>
          <Header kind="Run" keyOf={{ runId: r.runId }} />
          <Section title="Metadata">
            <Meta rows={[["Job", r.job ? <NodeLink node={{ __typename: "Job", id: r.job.id, namespace: r.jobNamespace, name: r.jobName }} /> : r.jobName],
              ["Owner team", <Owner owner={r.job?.owner} />], ["State", r.state], ["Started", when(r.startedAt)], ["Ended", when(r.endedAt)],
              ["Code", r.codeRepository && `${r.codeRepository} @ ${r.codeCommit ?? "?"}`],
              ["Parameters", r.parameters.map((p) => `${p.name}=${p.value}`).join(", ")], ...recordRows(r)]} />
          </Section>
          <Section title="Inputs and outputs">
            <h3>Read</h3>
            <ul>{r.inputs.map((a) => <li key={a.id}><NodeLink node={a} /></li>)}</ul>
            <h3>Produced</h3>
            <ul>{r.outputs.map((a) => <li key={a.id}><NodeLink node={a} /></li>)}</ul>
          </Section>
        </>
      ));

const ModelView = entityPage(ModelPage, "model", (m) => (
        <>
          <Header kind="Model" keyOf={{ name: m.name }} />
          <Section title="Metadata">
            <Meta rows={[["Owner team", <Owner owner={m.owner} />], ["Description", m.description], ["Risk tier", m.riskTier],
              ["Tags", m.tags.join(", ")], ...recordRows(m)]} />
          </Section>
          <Section title="Versions" id="versions">
            <table aria-label="Versions">
              <thead><tr><th scope="col">Version</th><th scope="col">Stage</th><th scope="col">Registered</th><th scope="col">Framework</th><th scope="col">Licence</th></tr></thead>
              <tbody>{m.versions.map((v) => (
                <tr key={v.id}>
                  <td><NodeLink node={{ __typename: "ModelVersion", id: v.id, modelName: m.name, version: v.version }} /></td>
                  <td>{v.stage} {v.quarantined && <Badge tone="bad">quarantined</Badge>}</td><td>{when(v.createdAt)}</td><td>{v.framework}</td><td>{v.license}</td>
                </tr>))}</tbody>
            </table>
          </Section>
        </>
      ));

const ModelVersionView = entityPage(ModelVersionPage, "model version", (v) => {
        const key = { model: v.modelName, version: v.version };
        return (
          <>
            <Header kind="ModelVersion" keyOf={key} quarantined={v.quarantined} health={v.health.state}
                    drift={v.lastVerification?.outcome}
                    extra={<Link to={`/gate?model=${encodeURIComponent(v.modelName)}&version=${encodeURIComponent(v.version)}`}>Gate</Link>} />
            <Section title="Metadata">
              <Meta rows={[["Model", v.model && <NodeLink node={{ __typename: "Model", id: v.model.id, name: v.modelName }} />],
                ["Owner team", <Owner owner={v.model?.owner} />], ["Stage", v.stage], ["Risk tier", v.model?.riskTier],
                ["State", v.quarantined ? <Badge tone="bad">quarantined</Badge> : "in use"], ["Framework", v.framework], ["Licence", v.license],
                ["Artifact", v.artifactUri && <code>{v.artifactUri}</code>], ["Artifact digest", <code>{v.artifactDigest}</code>],
                ["Compliance flags", (v.complianceFlags ?? []).join(", ")], ["Aliases", v.aliases.join(", ")], ["Tags", v.tags.join(", ")],
                ["Trained by", v.producedBy && <NodeLink node={{ __typename: "Run", ...v.producedBy }} />],
                ["Fine-tuned from", v.derivedFrom.map((p) => `${p.modelName}@${p.version}`).join(", ")],
                ["Description", v.description], ...recordRows(v)]} />
            </Section>
            <Section title="Stage history" id="stages">
              <table aria-label="Stage history">
                <thead><tr><th scope="col">Stage</th><th scope="col">Since</th><th scope="col">Until</th><th scope="col">By</th></tr></thead>
                <tbody>{v.stageHistory.map((s) => <tr key={s.since + s.stage}><td>{s.stage}</td><td>{when(s.since)}</td><td>{when(s.until) || "now"}</td><td>{s.by}</td></tr>)}</tbody>
              </table>
            </Section>
            <ChecksAndApprovals model={v.modelName} version={v.version} />
            <Section title="Evaluations">
              <ul>{v.metrics.map((m) => <li key={m.metric + m.datasetVersion?.id}>{m.metric} = {m.value}
                {m.datasetVersion && <> on <NodeLink node={{ __typename: "DatasetVersion", ...m.datasetVersion }} /></>}</li>)}</ul>
            </Section>
            <Section title="Deployments" id="deployments">
              {v.deployments.length === 0 ? <p>Serves nowhere.</p> : (
                <ul>{v.deployments.map((d) => <li key={d.id}><NodeLink node={{ __typename: "Deployment", ...d }} /> {d.status} since {when(d.since)} <HealthBadge state={d.health.state} firing={d.health.firingCount} /></li>)}</ul>)}
            </Section>
            <HealthAndDrift health={v.health} last={v.lastVerification} history={v.verifications} subject="this model version" />
            <Documents kind="ModelVersion" keyOf={key} />
          </>
        );
      });

function ChecksAndApprovals({ model, version }: { model: string; version: string }) {
  const gate = useQuery(GateQuery, { model, version, stage: "PRODUCTION" });
  return (
    <Section title="Checks and approvals" id="checks">
      <Problem error={gate.error} />
      {gate.data && (
        <>
          <h3>Checks</h3>
          {gate.data.gateStatus.checks.length === 0 ? <p>None recorded.</p> : (
            <ul>{gate.data.gateStatus.checks.map((c) => <li key={c.kind}>{c.kind}: <strong>{c.status}</strong> by {c.recordedBy}, {when(c.recordedAt)}{c.note ? ` — ${c.note}` : ""}</li>)}</ul>)}
          <h3>Approvals</h3>
          {gate.data.gateStatus.approvals.length === 0 ? <p>None given.</p> : (
            <ul>{gate.data.gateStatus.approvals.map((a) => <li key={a.approver + a.stage + a.approvedAt}>{a.stage} by {a.approver} ({a.roles.join(", ")}), {when(a.approvedAt)}</li>)}</ul>)}
          <p><Link to={`/gate?model=${encodeURIComponent(model)}&version=${encodeURIComponent(version)}`}>What a promotion still needs →</Link></p>
        </>
      )}
    </Section>
  );
}

const DeploymentView = entityPage(DeploymentPage, "deployment", (d) => {
        const key = { environment: d.environment, name: d.name };
        return (
          <>
            <Header kind="Deployment" keyOf={key} health={d.health.state} />
            <Section title="Metadata">
              <Meta rows={[["Serves", d.modelVersion ? <span data-testid="serves"><NodeLink node={{ __typename: "ModelVersion", ...d.modelVersion }} /></span> : "nothing"],
                ["Owner team", <Owner owner={d.modelVersion?.model?.owner} />], ["Since", when(d.since)], ["Status", d.status],
                ["Endpoint", d.endpoint && <code>{d.endpoint}</code>], ...recordRows(d)]} />
            </Section>
            <Section title="Serving history" id="serving">
              <table aria-label="Serving history">
                <thead><tr><th scope="col">Model version</th><th scope="col">Since</th><th scope="col">Until</th><th scope="col">Switched by</th><th scope="col">Note</th></tr></thead>
                <tbody>{d.servingHistory.map((s) => (
                  <tr key={s.since}>
                    <td><NodeLink node={{ __typename: "ModelVersion", ...s.modelVersion }} /></td><td>{when(s.since)}</td><td>{when(s.until) || "now"}</td><td>{s.by}</td>
                    <td>{s.rollback ? `rollback: ${s.rollbackReason ?? ""}` : ""}{s.breakGlass ? ` break glass by ${s.breakGlass.by}: ${s.breakGlass.reason}` : ""}</td>
                  </tr>))}</tbody>
              </table>
            </Section>
            <HealthAndDrift health={d.health} subject="this deployment" />
            <Documents kind="Deployment" keyOf={key} />
          </>
        );
      });

const TeamView = entityPage(TeamPage, "team", (t) => (
        <>
          <Header kind="Team" keyOf={{ name: t.name }} />
          <Section title="Metadata"><Meta rows={[["Description", t.description], ...recordRows(t)]} /></Section>
        </>
      ));
