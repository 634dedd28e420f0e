import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// Regressions from the session-7 review (templates in fixtures-review7): a parameter with
// AllowedValues became a choice only under a guard key around its Ref, which missed the routes
// below (all gave CD102/CD201 in the build before, 0 findings after); a Fn::ForEach collection with
// more than 16 runs was cut without a word; and a label compared the Default with a value.
const DIR = join(import.meta.dirname, "fixtures-review7");

async function run(name: string) {
  const file = join(DIR, name);
  const r = await checkCloudFormation(file, readFileSync(file, "utf8"), { accounts: ["210987654321"] });
  return r.findings.map((f) => `${f.ruleId} ${f.resource}${f.variant ? ` when ${f.variant}` : ""}`);
}

describe("AllowedValues reaching a guard by other routes", () => {
  it.each([
    ["sub_json.yaml", "CD102 Policy when <SourcePattern>: *"],
    ["join_json.yaml", "CD102 Bus when <Acct>: *"],
    ["sam_alexa.yaml", "CD201 FnAlexaPermission when <Skill>: amzn1.ask.skill.*"],
    ["sam_sns.yaml", "CD102 FnTPermission when <TopicArn>: arn:aws:sns:us-east-1:999988887777:t"],
    ["nested/parent.yaml", "CD102 TP when <SourceAcct>: *"],
  ])("%s", async (name, want) => {
    expect(await run(name)).toEqual([want]);
  });
});

describe("Fn::ForEach over a map keyed by a parameter with 20 allowed values", () => {
  it("runs with the same collection are one: the copy of v19's '*' is checked", async () => {
    expect(await run("fe20b.yaml")).toContain("CD102 TP* when a copy made when <P>: v19");
  });
});

describe("a comparison of !Sub of one parameter", () => {
  it("is a choice of that parameter, named by it", async () => {
    expect(await run("eqsub.yaml")).toEqual(["CD102 TP when <Stage>: sandbox"]);
  });
});
