import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From the session-7 review (fixtures-review7): restricting the aws:SourceArn search to the ARN
// formats of the knowledge table missed foreign requests for resource types the table does not list
// (SES receipt rules, EventBridge event buses, Bedrock agents, ...; iam-simulate: Allowed). The
// search covers every ARN again; only StringLike wildcards of a pattern with an ARN's five colons
// stay inside their component.
const DIR = join(import.meta.dirname, "fixtures-review7");

describe("a source ARN of a resource type the knowledge table does not list", () => {
  it.each(readdirSync(DIR).filter((f) => f.endsWith(".json")))(
    "%s: a foreign account gets through (CD102)",
    (name) => {
      const r = checkPolicyText(readFileSync(join(DIR, name), "utf8"), name, { accounts: ["210987654321"] });
      expect(r.findings.map((f) => f.ruleId)).toContain("CD102");
    },
  );
});
