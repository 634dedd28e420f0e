// Terraform adapter speed: a generated 2,000-block module and a generated 5 MB plan, checked end to
// end, against their plain parse (hcl2json; the position-keeping JSON parse). Also a cold start on
// one small .tf against the floor (node with --liftoff-only loading hcl2json and parsing the file).
// Run after `pnpm build`: node packages/terraform/bench/tf.js
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { checkSite, clearAnalysisCaches, parseJsonSource } from "@deputyguard/core";
import { terraformFormat, terraformPlanFormat } from "../dist/index.js";

const require = createRequire(import.meta.url);
const RUNS = Number(process.env.RUNS ?? 5);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(f) {
  const out = [];
  for (let i = 0; i < RUNS; i++) {
    // Empty analysis caches, as in a CLI run: a repeated run is not measured as a cache hit.
    clearAnalysisCaches();
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** 2,000 blocks in the shapes people write: jsonencode roles, heredoc policies, policy documents, count. */
function module2000() {
  const parts = ['data "aws_caller_identity" "me" {}\nvariable "env" {\n  default = "prod"\n}\n'];
  for (let i = 0; i < 500; i++) {
    parts.push(`resource "aws_iam_role" "r${i}" {
  name = "role-\${var.env}-${i}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.me.account_id } }
    }]
  })
}
resource "aws_sns_topic_policy" "t${i}" {
  arn    = "arn:aws:sns:us-east-1:210987654321:t${i}"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "events.amazonaws.com" },
      "Action": "sns:Publish",
      "Resource": "arn:aws:sns:us-east-1:210987654321:t${i}",
      "Condition": { "ArnLike": { "aws:SourceArn": "arn:aws:events:us-east-1:\${data.aws_caller_identity.me.account_id}:rule/r${i}" } }
    }
  ]
}
EOF
}
data "aws_iam_policy_document" "d${i}" {
  statement {
    sid     = "Deliver${i}"
    actions = ["s3:PutObject"]
    resources = ["arn:aws:s3:::logs-${i}/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.me.account_id]
    }
  }
}
resource "aws_s3_bucket_policy" "b${i}" {
  count  = 1
  bucket = "logs-${i}"
  policy = data.aws_iam_policy_document.d${i}.json
}
`);
  }
  return parts.join("");
}

/** A plan of about 5 MB: roles and bucket policies, as terraform show -json writes them. */
function plan5mb() {
  const policy = (i) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `arn:aws:s3:::logs-${i}/*`,
          Condition: { StringEquals: { "aws:SourceAccount": "210987654321" } },
        },
      ],
    });
  const planned = [];
  const changes = [];
  let i = 0;
  let size = 0;
  while (size < 5 * 1024 * 1024) {
    const values = {
      bucket: `logs-${i}`,
      policy: policy(i),
      tags: { team: "platform", costcentre: String(i) },
    };
    planned.push({
      address: `aws_s3_bucket_policy.b${i}`,
      mode: "managed",
      type: "aws_s3_bucket_policy",
      name: `b${i}`,
      provider_name: "registry.terraform.io/hashicorp/aws",
      schema_version: 0,
      values,
      sensitive_values: {},
    });
    changes.push({
      address: `aws_s3_bucket_policy.b${i}`,
      mode: "managed",
      type: "aws_s3_bucket_policy",
      name: `b${i}`,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions: ["create"],
        before: null,
        after: values,
        after_unknown: { id: true },
        before_sensitive: false,
        after_sensitive: { tags: {} },
      },
    });
    size += 1650;
    i++;
  }
  return JSON.stringify(
    {
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: { resources: planned } },
      resource_changes: changes,
      timestamp: "2026-11-27T10:00:00Z",
    },
    null,
    2,
  );
}

const work = mkdtempSync(join(tmpdir(), "dg-tf-bench-"));
// The generated module and the small .tf go when the bench ends, however it ends.
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const modDir = join(work, "module");
mkdirSync(modDir);
const tf = module2000();
writeFileSync(join(modDir, "main.tf"), tf);
// The same V8 flags as the CLI: the adapter's loader sets --liftoff-only before hcl2json loads.
setFlagsFromString("--liftoff-only");
const hcl2json = require("@cdktf/hcl2json");
await hcl2json.parse("warm.tf", 'a = "b"\n');

const checkModule = async () => {
  const r = await terraformFormat.scanDirectory(modDir, {});
  let n = 0;
  for (const s of r.sites) n += checkSite(s, {}).findings.length;
  return n;
};
await checkModule();
const parseTf = await time(() => hcl2json.parse("main.tf", tf));
const checkTf = await time(checkModule);
console.log(
  `2,000-block module (${(tf.length / 1024).toFixed(0)} KB): hcl2json parse ${parseTf.toFixed(0)} ms, full check ${checkTf.toFixed(0)} ms, ratio ${(checkTf / parseTf).toFixed(2)}`,
);

const planText = plan5mb();
const planFile = join(work, "plan.json");
writeFileSync(planFile, planText);
const checkPlan = () => {
  const r = terraformPlanFormat.extract({ file: planFile, text: planText }, {});
  let n = 0;
  for (const s of r.sites) n += checkSite(s, {}).findings.length;
  return n;
};
checkPlan();
const parsePlan = await time(() => parseJsonSource(planText, planFile));
const checkPlanT = await time(checkPlan);
console.log(
  `plan (${(planText.length / 1024 / 1024).toFixed(1)} MB): JSON parse ${parsePlan.toFixed(0)} ms, full check ${checkPlanT.toFixed(0)} ms, ratio ${(checkPlanT / parsePlan).toFixed(2)}`,
);

// Cold start: one small .tf, in fresh processes (and the 2,000-block module: a first run, before V8
// has optimised our code or warmed hcl2json, as a CLI run is).
const small = join(work, "small");
mkdirSync(small);
writeFileSync(
  join(small, "main.tf"),
  'resource "aws_sns_topic_policy" "t" {\n  arn = "x"\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish" }] })\n}\n',
);
const hclPath = require.resolve("@cdktf/hcl2json");
const floorScript = `require("v8").setFlagsFromString("--liftoff-only");const h=require(${JSON.stringify(hclPath)});h.parse("main.tf",require("fs").readFileSync(${JSON.stringify(join(small, "main.tf"))},"utf8")).then(()=>{})`;
const distIndex = new URL("../dist/index.js", import.meta.url).href;
const coreIndex = import.meta.resolve("@deputyguard/core");
const ourScript = `const {terraformFormat}=await import(${JSON.stringify(distIndex)});const {checkSite}=await import(${JSON.stringify(coreIndex)});const r=await terraformFormat.scanDirectory(${JSON.stringify(small)},{});for(const s of r.sites)checkSite(s,{});`;
const cold = (args) =>
  time(() => {
    execFileSync(process.execPath, args, { stdio: "ignore" });
  });
const floor = await cold(["-e", floorScript]);
const ours = await cold(["--input-type=module", "-e", ourScript]);
console.log(
  `cold start, one small .tf: floor (node + liftoff + hcl2json parse) ${floor.toFixed(0)} ms, scan + check ${ours.toFixed(0)} ms, ratio ${(ours / floor).toFixed(2)}`,
);
const bigFloorScript = `require("v8").setFlagsFromString("--liftoff-only");const h=require(${JSON.stringify(hclPath)});h.parse("main.tf",require("fs").readFileSync(${JSON.stringify(join(modDir, "main.tf"))},"utf8")).then(()=>{})`;
const bigScript = ourScript.replace(JSON.stringify(small), JSON.stringify(modDir));
const bigFloor = await cold(["-e", bigFloorScript]);
const bigOurs = await cold(["--input-type=module", "-e", bigScript]);
console.log(
  `cold start, 2,000-block module: floor (node + liftoff + hcl2json parse) ${bigFloor.toFixed(0)} ms, scan + check ${bigOurs.toFixed(0)} ms, ratio ${(bigOurs / bigFloor).toFixed(2)}`,
);
