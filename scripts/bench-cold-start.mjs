// Cold start of `check-iac` on one small template and one small .tf, against their floors, in one run:
// `node -e 0`; for Terraform, node (with the CLI's V8 flag) loading hcl2json and parsing the same file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "dg-cold-"));
// The small template and .tf go when the bench ends, however it ends.
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const template = join(dir, "template.yaml");
writeFileSync(
  template,
  `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TrailBucket:
    Type: AWS::S3::Bucket
  TrailBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref TrailBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: cloudtrail.amazonaws.com }
            Action: s3:PutObject
            Resource: !Sub "\${TrailBucket.Arn}/AWSLogs/\${AWS::AccountId}/*"
            Condition:
              StringEquals: { "aws:SourceAccount": !Ref AWS::AccountId }
`,
);
const tfDir = join(dir, "tf");
execFileSync("mkdir", ["-p", tfDir]);
const tf = join(tfDir, "main.tf");
writeFileSync(
  tf,
  `data "aws_caller_identity" "current" {}
resource "aws_sns_topic" "alerts" { name = "alerts" }
resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alerts.arn
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}
`,
);

const RUNS = 21;

/**
 * Median wall time of each command, run round-robin (one of each in turn, RUNS times, after two
 * warm-up rounds) so that a change in machine load affects every command alike.
 */
function medians(commands) {
  const times = commands.map(() => []);
  for (let i = 0; i < RUNS + 2; i++) {
    commands.forEach(({ args, env }, j) => {
      const t = process.hrtime.bigint();
      try {
        execFileSync(process.execPath, args, { stdio: "ignore", env: { ...process.env, ...env } });
      } catch {
        // exit 1 (findings) is fine here
      }
      if (i >= 2) times[j].push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  }
  return times.map((ts) => ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]);
}

const cli = join(ROOT, "apps/cli/bin/check-iac.js");
const hcl = join(ROOT, "packages/terraform/node_modules/@cdktf/hcl2json/lib/index.js");
// The launcher's V8 code cache goes to a directory of this run (written by the warm-up rounds).
const cached = { DEPUTYGUARD_CACHE_DIR: join(dir, "cache") };
const uncached = { DEPUTYGUARD_NO_COMPILE_CACHE: "1" };
const [floor, cfn, cfnCold, tfFloor, tfRun, tfCold] = medians([
  { args: ["-e", "0"] },
  { args: [cli, "--quiet", template], env: cached },
  { args: [cli, "--quiet", template], env: uncached },
  {
    args: [
      "--liftoff-only",
      "-e",
      `require(${JSON.stringify(hcl)}).parse("main.tf", require("fs").readFileSync(${JSON.stringify(tf)}, "utf8")).then(() => process.exit(0))`,
    ],
  },
  { args: [cli, "--quiet", tf], env: cached },
  { args: [cli, "--quiet", tf], env: uncached },
]);
console.log(`cold start (median of ${RUNS}, round-robin, ${process.version})`);
console.log(`  node -e 0                         ${floor.toFixed(1)} ms`);
console.log(
  `  check-iac template.yaml           ${cfn.toFixed(1)} ms  (${(cfn / floor).toFixed(2)}x node -e 0; goal <= 1.6x)`,
);
console.log(
  `    without the compile cache       ${cfnCold.toFixed(1)} ms  (${(cfnCold / floor).toFixed(2)}x; first run after install or upgrade)`,
);
console.log(`  floor: node + hcl2json parse .tf  ${tfFloor.toFixed(1)} ms`);
console.log(
  `  check-iac main.tf                 ${tfRun.toFixed(1)} ms  (${(tfRun / tfFloor).toFixed(2)}x the floor; goal <= 1.25x)`,
);
console.log(
  `    without the compile cache       ${tfCold.toFixed(1)} ms  (${(tfCold / tfFloor).toFixed(2)}x)`,
);
