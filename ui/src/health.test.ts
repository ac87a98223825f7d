import { describe, expect, it } from "vitest";
import { blocksGates, formatNumber, healthText, outcomeText, shortDigest, signalSpan, valueAgainstThreshold } from "./health";
import { when } from "./components/common";

describe("health and drift as words", () => {
  it("names every health state in words, not colour alone", () => {
    expect(healthText("CRITICAL")).toMatchObject({ label: "Critical", tone: "bad" });
    expect(healthText("DEGRADED")).toMatchObject({ label: "Degraded", tone: "warn" });
    expect(healthText("HEALTHY")).toMatchObject({ label: "Healthy", tone: "good" });
    expect(healthText("UNKNOWN").meaning).toBe("no health signal was ever recorded");
    // A state a newer server adds still reads as itself.
    expect(healthText("FLAPPING")).toEqual({ label: "FLAPPING", tone: "neutral", meaning: "" });
  });

  it("says which outcomes block the gates", () => {
    expect(["MATCH", "DRIFT", "MISSING", "UNREADABLE", "UNRECORDED"].filter(blocksGates)).toEqual(["DRIFT", "MISSING"]);
    expect(outcomeText("DRIFT")).toMatchObject({ label: "DRIFT", tone: "bad" });
    expect(outcomeText("UNREADABLE").tone).toBe("warn");
    expect(outcomeText("MATCH").tone).toBe("good");
  });

  it("shows a value against its threshold, either alone, or nothing", () => {
    expect(valueAgainstThreshold(0.083, 0.05)).toBe("0.083 (threshold 0.05)");
    expect(valueAgainstThreshold(0.1 + 0.2, null)).toBe("0.3");
    expect(valueAgainstThreshold(null, 0.2)).toBe("threshold 0.2");
    expect(valueAgainstThreshold(0, 0)).toBe("0 (threshold 0)"); // zero is a value, not a missing one
    expect(valueAgainstThreshold(undefined, undefined)).toBe("");
    expect(formatNumber(1234567.891)).toBe("1234570");
  });

  it("says a signal's span, firing or resolved", () => {
    expect(signalSpan("2026-11-30T08:00:00+00:00", null, "FIRING", when)).toBe("2026-11-30 08:00:00 UTC – firing now");
    expect(signalSpan("2026-11-30T08:00:00Z", "2026-11-30T09:30:00Z", "RESOLVED", when))
      .toBe("2026-11-30 08:00:00 UTC – 2026-11-30 09:30:00 UTC");
    expect(signalSpan("2026-11-30T08:00:00Z", null, "RESOLVED", when)).toBe("2026-11-30 08:00:00 UTC – ended (time not reported)");
  });

  it("shortens digests, keeping the algorithm", () => {
    expect(shortDigest("sha256:" + "ab".repeat(32))).toBe("sha256:abababababab…");
    expect(shortDigest("sha256:abc")).toBe("sha256:abc");
    expect(shortDigest("deadbeefdeadbeefdead")).toBe("deadbeefdead…");
    expect(shortDigest(null)).toBe("");
  });
});
