// How health and artifact verifications read on a page: the words for each state and outcome (never
// colour alone), the tone of their badge, a signal's value against its threshold and its time span,
// digests shortened for a table. Pure functions, unit-tested in health.test.ts.

export type HealthStateName = "HEALTHY" | "DEGRADED" | "CRITICAL" | "UNKNOWN";
export type OutcomeName = "MATCH" | "DRIFT" | "MISSING" | "UNREADABLE" | "UNRECORDED";
export type Tone = "neutral" | "bad" | "good" | "warn";

const HEALTH: Record<HealthStateName, { label: string; tone: Tone; meaning: string }> = {
  CRITICAL: { label: "Critical", tone: "bad", meaning: "a critical signal is firing" },
  DEGRADED: { label: "Degraded", tone: "warn", meaning: "a warning signal is firing, no critical one" },
  HEALTHY: { label: "Healthy", tone: "good", meaning: "signals were recorded and none of warning or critical severity is firing" },
  UNKNOWN: { label: "Unknown", tone: "neutral", meaning: "no health signal was ever recorded" },
};

const OUTCOME: Record<OutcomeName, { tone: Tone; meaning: string }> = {
  MATCH: { tone: "good", meaning: "the stored artifact has the recorded digest" },
  DRIFT: { tone: "bad", meaning: "the stored artifact differs from the recorded digest" },
  MISSING: { tone: "bad", meaning: "nothing (or not everything) is stored there any more" },
  UNREADABLE: { tone: "warn", meaning: "the store could not be read, so nothing is known" },
  UNRECORDED: { tone: "neutral", meaning: "no location or digest is recorded, so there was nothing to compare" },
};

/** `Critical`, with its tone and a sentence saying what the state means. */
export function healthText(state: string): { label: string; tone: Tone; meaning: string } {
  return HEALTH[state as HealthStateName] ?? { label: state, tone: "neutral", meaning: "" };
}

/** An outcome's badge tone and what it means for the gates. */
export function outcomeText(outcome: string): { label: string; tone: Tone; meaning: string } {
  const known = OUTCOME[outcome as OutcomeName];
  return known ? { label: outcome, ...known } : { label: outcome, tone: "neutral", meaning: "" };
}

/** Whether an outcome blocks the promotion and deployment gates (DRIFT, MISSING). */
export function blocksGates(outcome: string): boolean {
  return outcome === "DRIFT" || outcome === "MISSING";
}

/** A number as sent, without float noise: 0.083, 1200, 0.1 (not 0.1000000001). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** `0.083 (threshold 0.05)`, `0.083`, `threshold 0.05`, or "" when neither was reported. */
export function valueAgainstThreshold(value?: number | null, threshold?: number | null): string {
  const v = value == null ? null : formatNumber(value);
  const t = threshold == null ? null : formatNumber(threshold);
  if (v !== null && t !== null) return `${v} (threshold ${t})`;
  if (v !== null) return v;
  if (t !== null) return `threshold ${t}`;
  return "";
}

/** `2026-11-30 08:00:00 UTC – firing`, or `… – 2026-11-30 09:00:00 UTC` once resolved. */
export function signalSpan(startsAt: string, endsAt: string | null | undefined, status: string,
                           when: (v: string | null | undefined) => string): string {
  const end = endsAt ? when(endsAt) : status === "FIRING" ? "firing now" : "ended (time not reported)";
  return `${when(startsAt)} – ${end}`;
}

/** `sha256:1a2b3c4d5e6f…` (the algorithm and 12 hex digits), the whole digest kept for its title. */
export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return "";
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const short = hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
  return algorithm ? `${algorithm}:${short}` : short;
}
