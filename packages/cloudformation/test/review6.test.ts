import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// Regressions from the session-6 review of the parameter choices (templates of the review, in
// fixtures-review6): a parameter as one choice over its values must neither use up the variant limit
// on values that change nothing (a miss: the branch with the finding was never reached), nor read
// its Default where the run chose another value.
const DIR = join(import.meta.dirname, "fixtures-review6");

async function run(name: string) {
  const file = join(DIR, name);
  const r = await checkCloudFormation(file, readFileSync(file, "utf8"), { accounts: ["210987654321"] });
  return {
    findings: r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`),
    tooMany: r.diagnostics.filter((d) => d.code === "TooManyVariants").length,
  };
}

describe("parameter choices after review", () => {
  it("AllowedValues read only in a name (the Resource ARN) make no variants: the IsDev branch is reached", async () => {
    expect(await run("v2.yaml")).toEqual({ findings: ["CD102 high when <Env>: dev"], tooMany: 0 });
  });

  it("values compared elsewhere, and map keys with no entry, do not use up the limit", async () => {
    const r = await run("inf3.yaml");
    expect(r.tooMany).toBe(0);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatch(/^CD102 high when <Env>: dev\b/);
  });

  it("Fn::ForEach over a map keyed by a parameter leaves out the keys with no entry", async () => {
    expect(await run("fe2.yaml")).toEqual({
      findings: ["CD102 high when a copy made when <Env>: dev"],
      tooMany: 0,
    });
  });

  it("a guard reads the value its run chose for the parameter, not the Default", async () => {
    // e2: AnyAccount compares TrustedAccount with "*"; the guard is !Ref TrustedAccount.
    expect(await run("e2.yaml")).toEqual({ findings: ["CD102 high when <TrustedAccount>: *"], tooMany: 0 });
    // e1: HasSource is SourceAcct != ""; in that run the guard is not the empty Default (no CD204).
    expect(await run("e1.yaml")).toEqual({ findings: ['CD301 info when <SourceAcct>: not ""'], tooMany: 0 });
  });

  it("six parameters with AllowedValues compared in conditions whose branches agree: no variants", async () => {
    expect(await run("perf.yaml")).toEqual({ findings: [], tooMany: 0 });
  });

  it("a nested stack reads each value the parent's conditions pass, and its own AllowedValues", async () => {
    expect(await run("nested/parent.yaml")).toEqual({ findings: ["CD102 high when <Acct>: *"], tooMany: 0 });
    expect(await run("nested/parent4.yaml")).toEqual({
      findings: ["CD102 high when <Pattern>: *"],
      tooMany: 0,
    });
  });

  it("a resource's own Condition ties the parameter choice: no run where it would not exist", async () => {
    // a1: Condition IsProd (Env = prod), and the guard picks the map entry of Env: the dev entry
    // ("*") is no deploy of this resource. a2: its !If [IsDev, NoValue, guard] likewise.
    expect(await run("a1.yaml")).toEqual({
      findings: ["CD204 high when if condition IsProd holds"],
      tooMany: 0,
    });
    expect(await run("a2.yaml")).toEqual({ findings: [], tooMany: 0 });
  });
});
