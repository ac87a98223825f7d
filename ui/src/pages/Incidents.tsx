// Incidents: what each affects, the deployments it rolled back (or still must), and release for the
// roles that may.
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ApiError, execute } from "../api";
import type { IncidentStatus } from "../gql/graphql";
import { IncidentsQuery, ReleaseMutation } from "../operations";
import { useSession } from "../session";
import { useQuery } from "../useQuery";
import { Badge, Loading, NodeLink, Problem, Section, when } from "../components/common";

export function IncidentsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") || null) as IncidentStatus | null;
  const list = useQuery(IncidentsQuery, { status });
  const session = useSession();
  const [note, setNote] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  async function release(id: string) {
    setError(null);
    setRefusal(null);
    try {
      const r = (await execute(ReleaseMutation, { input: { incident: id, note: note || "released from the UI" } })).releaseQuarantine;
      if (r.__typename !== "QuarantineRelease") {
        const refused = r as { code?: string; message?: string };
        setRefusal(`${refused.code}: ${refused.message}`);
      }
      list.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(String(e), "ERROR", 0));
    }
  }

  return (
    <>
      <h1>Incidents</h1>
      <div className="toolbar">
        <label>Status{" "}
          <select value={status ?? ""} onChange={(e) => { const n = new URLSearchParams(params); if (e.target.value) n.set("status", e.target.value); else n.delete("status"); setParams(n); }}>
            <option value="">all</option><option value="OPEN">open</option><option value="RELEASED">released</option>
          </select>
        </label>
        {session.may("quarantine") && <label>Release note <input type="text" value={note} onChange={(e) => setNote(e.target.value)} /></label>}
      </div>
      <Problem error={list.error} />
      {refusal && <p role="alert" className="outcome bad">Refused: {refusal}</p>}
      <Problem error={error} />
      {list.loading && <Loading what="incidents" />}
      {list.data && (list.data.incidents.nodes.length === 0 ? <p>No incidents.</p> : list.data.incidents.nodes.map((i) => (
        <Section key={i.id} id={`incident-${i.id}`} title={`${i.status === "OPEN" ? "Open" : "Released"}: ${i.reason}`}>
          <p><Badge tone={i.status === "OPEN" ? "bad" : "good"}>{i.status}</Badge> started at {i.startKind} <code>{i.startKey}</code>
            {i.windowFrom && <> (versions from {when(i.windowFrom)} until {when(i.windowTo)})</>}; opened {when(i.openedAt)} by {i.openedBy}
            {i.releasedAt && <>; released {when(i.releasedAt)} by {i.releasedBy}{i.releaseNote ? ` (“${i.releaseNote}”)` : ""}</>}.</p>
          <p>Affects {i.affected.totalCount}: {i.counts.map((c) => `${c.count} ${c.kind}`).join(", ")}.</p>
          {i.rollbacks.length > 0 && (
            <ul aria-label="Deployments to roll back">
              {i.rollbacks.map((r) => (
                <li key={r.deployment.id}>
                  <NodeLink node={{ __typename: "Deployment", ...r.deployment }} />:{" "}
                  {r.rolledBack
                    ? `rolled back from ${r.rolledBackFrom?.modelName}@${r.rolledBackFrom?.version} to ${r.rolledBackTo?.modelName}@${r.rolledBackTo?.version} by ${r.rolledBackBy}, ${when(r.rolledBackAt)}`
                    : r.servesAffectedVersion ? "still serves an affected version" : "no longer serves an affected version"}
                </li>
              ))}
            </ul>
          )}
          {i.status === "OPEN" && session.may("quarantine") && (
            <button type="button" onClick={() => release(i.id)}>Release this quarantine</button>
          )}
        </Section>
      )))}
    </>
  );
}
