// Resource types, block types and names that are also names of Object.prototype members
// (`constructor`, `toString`, `__proto__`) are ordinary names: `check-iac` on such a module exited 3
// with "internal error: l is not iterable" because the policy-attribute table was indexed with the
// type. Regression test from that input.
import { describe, expect, it } from "vitest";
import { scan } from "./helpers.js";

describe("names of Object.prototype members", () => {
  it("resource types in HCL", async () => {
    const r = await scan({
      "main.tf": `resource "constructor" "x" {
  policy = "{}"
}
resource "toString" "y" {}
resource "__proto__" "z" { a = 1 }
resource "hasOwnProperty" "w" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish" }] })
}
resource "aws_sns_topic_policy" "t" {
  arn    = constructor.x.arn
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = toString.y.arn }] })
}
`,
    });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Only aws_* types are searched for policies by shape; the SNS policy is found as usual.
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["CD101 aws_sns_topic_policy.t"]);
  });

  it("block types and resource types in .tf.json", async () => {
    const r = await scan({
      "main.tf.json": JSON.stringify({
        constructor: { a: 1 },
        toString: [{ b: 2 }],
        resource: {
          constructor: { x: { policy: "{}" } },
          aws_sns_topic_policy: {
            t: {
              arn: "x",
              policy: JSON.stringify({
                Statement: [
                  { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish" },
                ],
              }),
            },
          },
        },
      }),
    });
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["CD101 aws_sns_topic_policy.t"]);
  });
});
