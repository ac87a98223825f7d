// The gate view of a model version: what a promotion to a stage (and so a deployment there) still
// needs, item by item, with the checks and approvals on record.
import { Link, useSearchParams } from "react-router-dom";
import type { Stage } from "../gql/graphql";
import { GateQuery } from "../operations";
import { useQuery } from "../useQuery";
import { shortDigest } from "../health";
import { Badge, Loading, Problem, Section, when } from "../components/common";

const STAGES: Stage[] = ["DEVELOPMENT", "STAGING", "PRODUCTION", "ARCHIVED"];

/** An ARTIFACT_DRIFT requirement's evidence: whose artifact, what its last verification found, and
 * the recorded digest against the one read (none when the artifact is gone). */
function ArtifactDrift({ unmet }: { unmet: { node?: string | null; outcome?: string | null; expectedDigest?: string | null; actualDigest?: string | null } }) {
  return (
    <div className="muted" data-testid="artifact-drift">
      {unmet.node && <code>{unmet.node}</code>}{unmet.outcome && <> last verified {unmet.outcome}</>}: recorded{" "}
      <code title={unmet.expectedDigest ?? undefined}>{shortDigest(unmet.expectedDigest) || "none"}</code>, read{" "}
      {unmet.actualDigest ? <code title={unmet.actualDigest}>{shortDigest(unmet.actualDigest)}</code> : "nothing (the artifact is gone)"}.
    </div>
  );
}

export function GatePage() {
  const [params, setParams] = useSearchParams();
  const model = params.get("model") ?? "";
  const version = params.get("version") ?? "";
  const stage = (params.get("stage") ?? "PRODUCTION") as Stage;
  const gate = useQuery(GateQuery, model && version ? { model, version, stage } : null);
  if (!model || !version) return <p>Open the gate view from a model version's page.</p>;
  const status = gate.data?.gateStatus;
  return (
    <>
      <h1>Gate: {model}@{version} → {stage.toLowerCase()}</h1>
      <div className="toolbar">
        <label>Stage{" "}
          <select value={stage} onChange={(e) => { const n = new URLSearchParams(params); n.set("stage", e.target.value); setParams(n); }}>
            {STAGES.map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
          </select>
        </label>
        <Link to={`/search?q=${encodeURIComponent(model)}`}>Find the model</Link>
      </div>
      <Problem error={gate.error} />
      {gate.loading && <Loading what="the gate" />}
      {status && (
        <>
          <p data-testid="gate-verdict" className={status.allowed ? "outcome good" : "outcome bad"}>
            {status.allowed ? "Allowed" : `Not allowed: ${status.unmet.length} requirement(s) unmet`} (now {status.currentStage.toLowerCase()},
            risk tier {status.riskTier.toLowerCase()}).
          </p>
          <Section title="Still needed" id="unmet">
            {status.unmet.length === 0 ? <p>Nothing: every requirement holds.</p> : (
              <ol data-testid="unmet">
                {status.unmet.map((u, i) => (
                  <li key={i}><Badge tone="bad">{u.kind}</Badge> {u.message}
                    {u.need != null && <span className="muted"> ({u.have ?? 0} of {u.need})</span>}
                    {u.kind === "ARTIFACT_DRIFT" && <ArtifactDrift unmet={u} />}</li>
                ))}
              </ol>
            )}
          </Section>
          <Section title="Checks on record" id="checks">
            {status.checks.length === 0 ? <p>None.</p> : (
              <ul>{status.checks.map((c) => <li key={c.kind}>{c.kind}: <strong>{c.status}</strong> by {c.recordedBy}, {when(c.recordedAt)}{c.evidenceUri ? <> — <code>{c.evidenceUri}</code></> : null}</li>)}</ul>)}
          </Section>
          <Section title="Approvals on record" id="approvals">
            {status.approvals.length === 0 ? <p>None.</p> : (
              <ul>{status.approvals.map((a) => <li key={a.approver + a.stage + a.approvedAt}>{a.stage.toLowerCase()} by {a.approver} ({a.roles.join(", ")}), {when(a.approvedAt)}</li>)}</ul>)}
          </Section>
        </>
      )}
    </>
  );
}
