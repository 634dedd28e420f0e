import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkIac, cleanup, parseReport, tempDir } from "./helpers/cli.js";

// From a review: findings in a local child module, an installed module and a file() were reported
// by absolute path, where the root module's are reported as given ("the path as given, or as
// found under the directory given", output.schema.json).
const tmp = tempDir();
afterAll(() => cleanup(tmp));

const POLICY = `resource "aws_sns_topic_policy" "p" {
  arn = "arn:aws:sns:us-east-1:210987654321:t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Resource = "*" }] })
}
`;

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    writeFileSync(join(tmp, rel), text);
  }
}

describe("files of child modules are reported under the directory given", () => {
  it("a local module, an installed module and a file() read", async () => {
    write({
      "root/main.tf": `module "s" { source = "./sub" }
module "r" { source = "example/r/aws" }
resource "aws_sqs_queue_policy" "f" {
  queue_url = "q"
  policy    = file("\${path.module}/policy.json")
}
`,
      "root/sub/main.tf": POLICY,
      "root/.terraform/modules/modules.json": JSON.stringify({
        Modules: [{ Key: "r", Source: "example/r/aws", Dir: ".terraform/modules/r" }],
      }),
      "root/.terraform/modules/r/main.tf": POLICY,
      "root/policy.json": JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: "*",
          },
        ],
      }),
    });
    const r = parseReport((await checkIac(["--format", "json", "root"], { cwd: tmp })).stdout);
    const files = [...new Set(r.findings.map((f) => f.file))].sort();
    expect(files).toEqual(["root/.terraform/modules/r/main.tf", "root/policy.json", "root/sub/main.tf"]);
  });
});
