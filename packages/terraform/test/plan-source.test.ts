import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { terraformPlanFormat } from "../src/index.js";
import { writeTree } from "./helpers.js";

const CASE = join(
  import.meta.dirname,
  "../../../test-fixtures/terraform/rules/CD101/invalid-01-cloudtrail-bucket-no-source-condition",
);

async function findingsOf(plan: string) {
  const r = await terraformPlanFormat.extract({ file: plan, text: readFileSync(plan, "utf8") }, {});
  return r.sites.flatMap((s) => checkSite(s).findings);
}

describe("plan findings and their .tf source", () => {
  it("point at the resource in the plan, and also at its source when the plan sits beside the module", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-src-"));
    cpSync(join(CASE, "plan/plan.json"), join(dir, "plan.json"));
    cpSync(join(CASE, "jsonencode/main.tf"), join(dir, "main.tf"));
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.length).toBeGreaterThan(0);
    const tf = readFileSync(join(dir, "main.tf"), "utf8").split("\n");
    for (const f of findings) {
      expect(f.file).toBe(join(dir, "plan.json"));
      const related = f.related?.[0];
      expect(related?.file, `${f.ruleId} ${f.resource}`).toBe(join(dir, "main.tf"));
      const header = tf[(related?.line ?? 0) - 1] ?? "";
      expect(header).toMatch(/^\s*(resource|data) "/);
      expect(f.resource?.replace(/\[[^\]]*\]$/, "")).toContain(header.split('"')[3] ?? "?");
    }
  });

  it("have no source location when no .tf file is beside the plan", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dg-plan-alone-"));
    cpSync(join(CASE, "plan/plan.json"), join(dir, "plan.json"));
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.related === undefined)).toBe(true);
  });

  it("point at the source of a resource in a child module, through the module call's source", async () => {
    const dir = join(
      import.meta.dirname,
      "../../../test-fixtures/terraform/plan-source/unknown-policy-module",
    );
    const findings = await findingsOf(join(dir, "plan.json"));
    const f = findings.find((x) => x.resource === "module.trail_bucket.aws_sns_topic_policy.alerts");
    expect(f?.file).toBe(join(dir, "plan.json"));
    expect(f?.related).toEqual([
      {
        file: join(dir, "modules/trail-bucket/main.tf"),
        line: 30,
        column: 1,
        message: "source of module.trail_bucket.aws_sns_topic_policy.alerts",
      },
    ]);
    const tf = readFileSync(join(dir, "modules/trail-bucket/main.tf"), "utf8").split("\n");
    expect(tf[29]).toBe('resource "aws_sns_topic_policy" "alerts" {');
  });

  it("point at the source through nested calls, instance keys and modules terraform init installed", async () => {
    const queuePolicy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
        },
      ],
    });
    const dir = writeTree({
      "main.tf": 'module "app" {\n  for_each = toset(["eu"])\n  source   = "./app"\n}\n',
      "app/main.tf": 'module "queue" {\n  source  = "acme/queue/aws"\n  version = "2.0.0"\n}\n',
      ".terraform/modules/modules.json": JSON.stringify({
        Modules: [
          { Key: "", Source: "", Dir: "." },
          { Key: "app", Source: "./app", Dir: "app" },
          {
            Key: "app.queue",
            Source: "registry.terraform.io/acme/queue/aws",
            Version: "2.0.0",
            Dir: ".terraform/modules/app.queue",
          },
        ],
      }),
      ".terraform/modules/app.queue/main.tf":
        '# queue\nresource "aws_sqs_queue" "this" {\n  name = "q"\n}\n\n  resource "aws_sqs_queue_policy" "this" {\n  queue_url = aws_sqs_queue.this.id\n  policy    = var.policy\n}\n',
      "plan.json": JSON.stringify({
        format_version: "1.2",
        terraform_version: "1.9.8",
        planned_values: { root_module: {} },
        resource_changes: [
          {
            address: 'module.app["eu"].module.queue.aws_sqs_queue_policy.this',
            module_address: 'module.app["eu"].module.queue',
            mode: "managed",
            type: "aws_sqs_queue_policy",
            name: "this",
            provider_name: "registry.terraform.io/hashicorp/aws",
            change: {
              actions: ["create"],
              before: null,
              after: { policy: queuePolicy },
              after_unknown: { id: true, queue_url: true },
              before_sensitive: false,
              after_sensitive: {},
            },
          },
        ],
      }),
    });
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.map((f) => [f.ruleId, f.related])).toEqual([
      [
        "CD101",
        [
          {
            file: join(dir, ".terraform/modules/app.queue/main.tf"),
            line: 6,
            column: 3,
            message: 'source of module.app["eu"].module.queue.aws_sqs_queue_policy.this',
          },
        ],
      ],
    ]);
  });

  it("analyse from the source a policy the plan knows only after apply that adds to a data source read at plan time", async () => {
    const guarded = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Guarded",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: "*",
          Principal: { Service: "sns.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": "345678901234" } },
        },
      ],
    });
    const data = (type: string, name: string, values: unknown) => ({
      address: `data.${type}.${name}`,
      mode: "data",
      type,
      name,
      values,
    });
    const dir = writeTree({
      "main.tf": `data "aws_caller_identity" "current" {}
resource "aws_sqs_queue" "q" { name = "q" }
data "aws_iam_policy_document" "a" {
  statement {
    sid       = "Guarded"
    actions   = ["sqs:SendMessage"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(jsondecode(data.aws_iam_policy_document.a.json).Statement, [{
      Sid       = "Open"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.q.arn
    }])
  })
}
`,
      "plan.json": JSON.stringify({
        format_version: "1.2",
        terraform_version: "1.9.8",
        planned_values: { root_module: {} },
        resource_changes: [
          {
            address: "aws_sqs_queue_policy.q",
            mode: "managed",
            type: "aws_sqs_queue_policy",
            name: "q",
            change: {
              actions: ["create"],
              before: null,
              after: {},
              after_unknown: { id: true, policy: true, queue_url: true },
            },
          },
        ],
        prior_state: {
          values: {
            root_module: {
              resources: [
                data("aws_caller_identity", "current", { account_id: "345678901234" }),
                data("aws_iam_policy_document", "a", { json: guarded }),
              ],
            },
          },
        },
        configuration: {
          root_module: {
            resources: [
              {
                address: "aws_sqs_queue_policy.q",
                mode: "managed",
                type: "aws_sqs_queue_policy",
                name: "q",
                expressions: {
                  policy: {
                    references: [
                      "data.aws_iam_policy_document.a.json",
                      "data.aws_iam_policy_document.a",
                      "aws_sqs_queue.q.arn",
                      "aws_sqs_queue.q",
                    ],
                  },
                },
              },
            ],
          },
        },
      }),
    });
    const findings = await findingsOf(join(dir, "plan.json"));
    expect(findings.map((f) => [f.ruleId, f.resource, f.file, f.line, f.statement?.sid])).toEqual([
      ["CD101", "aws_sqs_queue_policy.q", join(dir, "main.tf"), 23, "Open"],
    ]);
  });
});
