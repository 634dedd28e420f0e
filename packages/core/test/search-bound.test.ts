// From the session-8 fuzzing: small policies under `Principal: "*"` with StringEqualsIgnoreCase on
// aws:PrincipalServiceName took 20 to 87 s each. The search kept strings that a "contains X"
// negative (an upper-case letter no service name has) already ruled out, 2^n of them, until its
// bound. It now drops them at once (see `absorbed` in automaton.ts).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

const DIR = join(import.meta.dirname, "fixtures-stall");

describe("searches that ran for a minute", () => {
  it.each(readdirSync(DIR).filter((f) => f.startsWith("stall-")))("%s: decided within seconds", (name) => {
    const text = readFileSync(join(DIR, name), "utf8");
    const t = performance.now();
    const r = checkPolicyText(text, name, { accounts: ["246813579024"], orgIds: ["o-abcdefghij"] });
    // Generous for a loaded machine: each took 20 s or more before, about 0.1 s now.
    expect(performance.now() - t).toBeLessThan(5000);
    expect(
      r.findings.length + r.diagnostics.filter((d) => d.code === "AnalysisIncomplete").length,
    ).toBeGreaterThan(0);
    for (const f of r.findings) expect(f.witness?.principal ?? "").toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});
