import { describe, expect, it } from "vitest";
import { may } from "./session";

describe("what a token may do", () => {
  it("follows the permissions `me` answers, nothing else", () => {
    const viewer = { name: "v", roles: ["VIEWER"], teams: [], permissions: ["read"] };
    const steward = { name: "s", roles: ["DATA_STEWARD"], teams: [], permissions: ["read", "quarantine", "read_audit"] };
    expect(may(viewer, "quarantine")).toBe(false);
    expect(may(steward, "quarantine")).toBe(true);
    expect(may(null, "read")).toBe(false);
  });
});
