// Health and drift on the entity pages (issue #14's fields): a deployment's or model version's health
// — its state in words, the firing count, the newest signals with their incidents — and a version's
// last artifact verification with a short history. Also the small badge lists and graphs show.
import type { HealthFieldsFragment, VerificationFieldsFragment } from "../gql/graphql";
import { blocksGates, healthText, outcomeText, shortDigest, signalSpan, valueAgainstThreshold } from "../health";
import { Badge, Meta, when } from "./common";

/** The state as a word in a badge (`health: Critical`), with what it means as its title. */
export function HealthBadge({ state, firing }: { state: string; firing?: number }) {
  const text = healthText(state);
  return (
    <Badge tone={text.tone}>
      <span title={text.meaning} data-health={state}>health: {text.label}{firing ? ` (${firing} firing)` : ""}</span>
    </Badge>
  );
}

export function HealthSummary({ health, subject }: { health: HealthFieldsFragment; subject: string }) {
  const text = healthText(health.state);
  return (
    <div data-testid="health">
      <h3>Health</h3>
      <p data-testid="health-state">
        <HealthBadge state={health.state} /> {text.meaning}; {health.firingCount} firing of {health.signalCount} signal(s) recorded on {subject}.
      </p>
      {health.recentSignals.length === 0 ? (
        <p className="muted">Alertmanager alerts and <code>recordHealthSignal</code> reports on {subject} will show here.</p>
      ) : (
        <table aria-label="Recent health signals" data-testid="signals">
          <thead><tr>
            <th scope="col">Metric</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Source</th>
            <th scope="col">Value</th><th scope="col">When</th><th scope="col">Incident</th>
          </tr></thead>
          <tbody>
            {health.recentSignals.map((s) => (
              <tr key={s.id} data-severity={s.severity} data-status={s.status}>
                <td><strong>{s.metric}</strong>{s.summary && <div className="muted">{s.summary}</div>}
                  {s.serving && <div className="muted">while serving {s.serving}</div>}</td>
                <td><Badge tone={s.severity === "CRITICAL" ? "bad" : s.severity === "WARNING" ? "warn" : "neutral"}>{s.severity.toLowerCase()}</Badge></td>
                <td>{s.status.toLowerCase()}</td>
                <td>{s.source}<div className="muted">by {s.recordedBy}</div></td>
                <td>{valueAgainstThreshold(s.value, s.threshold) || <span className="muted">not reported</span>}</td>
                <td>{signalSpan(s.startsAt, s.endsAt, s.status, when)}<div className="muted">recorded {when(s.recordedAt)}</div></td>
                <td>{s.incident ? (
                  <a href={`/incidents#incident-${s.incident.id}`} data-testid="signal-incident">
                    {s.incident.status === "OPEN" ? "Open" : "Released"} incident {s.incident.id.slice(0, 8)}
                    <span className="visually-hidden">: {s.incident.reason}</span>
                  </a>
                ) : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function VerificationSummary({ last, history, what }: { last?: VerificationFieldsFragment | null; history: VerificationFieldsFragment[]; what: string }) {
  return (
    <div data-testid="verification">
      <h3>Artifact verification</h3>
      {!last ? (
        <p data-testid="last-verification">
          <Badge>never verified</Badge> Nobody has verified {what} against its recorded digest yet
          (<code>lineagegraph artifacts verify</code> or the <code>verifyArtifacts</code> mutation).
        </p>
      ) : (
        <>
          <p data-testid="last-verification">
            <Badge tone={outcomeText(last.outcome).tone}>{last.outcome}</Badge> {outcomeText(last.outcome).meaning}
. Verified {when(last.verifiedAt)} by {last.verifiedBy}.
            {blocksGates(last.outcome) && <> <Badge tone="bad">blocks promotion and deployment</Badge></>}
          </p>
          <Meta rows={[["Read from", last.uri && <code>{last.uri}</code>],
            ["Expected digest", last.expectedDigest ? <code>{last.expectedDigest}</code> : "none recorded"],
            ["Actual digest", last.actualDigest ? <code>{last.actualDigest}</code> : "nothing read"],
            ["Detail", last.detail], ["Stored as", last.form && `${last.form}${last.fileCount != null ? `, ${last.fileCount} file(s)` : ""}${last.bytes != null ? `, ${last.bytes} bytes` : ""}`]]} />
          {history.length > 1 && (
            <table aria-label="Verification history" data-testid="verifications">
              <thead><tr><th scope="col">When</th><th scope="col">Outcome</th><th scope="col">By</th><th scope="col">Actual digest</th><th scope="col">Detail</th></tr></thead>
              <tbody>{history.map((v) => (
                <tr key={v.id}><td>{when(v.verifiedAt)}</td><td>{v.outcome}</td><td>{v.verifiedBy}</td>
                  <td><code title={v.actualDigest ?? undefined}>{shortDigest(v.actualDigest)}</code></td><td>{v.detail}</td></tr>
              ))}</tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
