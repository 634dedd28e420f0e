import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

// Session 9: a role's trust policy is reached only by sts:AssumeRole. An assume_role_policy with
// `NotAction = "sts:AssumeRole"` was reported (CD101, witness events.amazonaws.com s3:PutObject),
// though no request it allows lets another account in.
const role = (statement: string) => ({
  "main.tf": `resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [${statement}]
  })
}
`,
});

async function witnesses(statement: string) {
  const r = await scan(role(statement), { accounts: ["210987654321"] });
  return r.findings.map((f) => `${f.ruleId} ${f.witness?.action}`);
}

describe("assume_role_policy statements", () => {
  it("that do not allow sts:AssumeRole let no one in", async () => {
    expect(
      await witnesses(
        `{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, NotAction = "sts:AssumeRole" }`,
      ),
    ).toEqual([]);
    expect(
      await witnesses(
        `{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = ["sts:TagSession", "sns:Publish"] }`,
      ),
    ).toEqual([]);
  });

  it("that allow it through NotAction are reported with sts:AssumeRole", async () => {
    expect(
      await witnesses(
        `{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, NotAction = "sts:TagSession" }`,
      ),
    ).toEqual(["CD101 sts:AssumeRole"]);
  });
});
