import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkIac, parseReport, tempFolders } from "./helpers/cli.js";

// Session-17 real-world hunt (cattle-ops/terraform-aws-gitlab-runner's policies/kms-policy.json): a
// policy template named *.json that a module renders with templatefile() (or reads with file()) was
// also read by the directory walk as a policy of its own, its `${account_id}` taken for an IAM
// policy variable: CD204 high and AnalysisIncomplete on a policy that deploys guarded, a CD101 for
// `logs.${aws_region}.amazonaws.com` that the resource's suppression did not cover (even with the
// key's count 0), and `--fix --write` edited the raw template with a generic guard.
const tmp = tempFolders("deputyguard-tf-templates-");

function write(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const TOPIC_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowEvents",
      "Effect": "Allow",
      "Principal": { "Service": "events.amazonaws.com" },
      "Action": "sns:Publish",
      "Resource": "\${topic_arn}",
      "Condition": { "StringEquals": { "aws:SourceAccount": "\${account_id}" } }
    }
  ]
}
`;

const TOPIC_MODULE = `data "aws_caller_identity" "current" {}
resource "aws_sns_topic" "t" {
  name = "alerts"
}
resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = templatefile("\${path.module}/policies/topic-policy.json", { topic_arn = aws_sns_topic.t.arn, account_id = data.aws_caller_identity.current.account_id })
}
`;

const KMS_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Owner",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::\${account_id}:root" },
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "allowLoggingToCloudWatch",
      "Effect": "Allow",
      "Principal": { "Service": "logs.\${aws_region}.amazonaws.com" },
      "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      "Resource": "*"
    }
  ]
}
`;

const KMS_MODULE = (suppressed: boolean) => `variable "enable_kms" {
  type    = bool
  default = false
}
variable "aws_region" {
  type    = string
  default = "eu-west-1"
}
data "aws_caller_identity" "current" {}

${suppressed ? "# deputyguard:ignore CD101 -- accepted: key only used by our own log groups (reviewed)\n" : ""}resource "aws_kms_key" "default" {
  count       = var.enable_kms ? 1 : 0
  description = "runner key"
  policy = templatefile("\${path.module}/policies/kms-policy.json", {
    aws_region = var.aws_region
    account_id = data.aws_caller_identity.current.account_id
  })
}
`;

const TRUST = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "scheduler.amazonaws.com" },
      "Action": "sts:AssumeRole",
      "Condition": { "StringEquals": { "aws:SourceAccount": "ACCOUNT_ID_PLACEHOLDER" } }
    }
  ]
}
`;

const run = async (args: string[], cwd: string) => {
  const r = await checkIac(["--format", "json", ...args], { cwd });
  return { code: r.code, report: parseReport(r.stdout) };
};

const placement = (r: Awaited<ReturnType<typeof run>>["report"]) =>
  r.findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.resource]);

describe("a policy template a scanned module reads", () => {
  it("is analysed as the module renders it, not also as a policy of its own", async () => {
    const dir = write(tmp.folder("topic"), {
      "main.tf": TOPIC_MODULE,
      "policies/topic-policy.json": TOPIC_TEMPLATE,
    });
    const { code, report } = await run(["."], dir);
    expect(report.findings).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.summary).toMatchObject({ files: 1, policies: 1, statements: 1 });
    expect(code).toBe(0);
  });

  it("is not read on its own when the resource rendering it has count 0, and the resource's suppression covers it", async () => {
    const dir = write(tmp.folder("kms"), {
      "main.tf": KMS_MODULE(true),
      "policies/kms-policy.json": KMS_TEMPLATE,
    });
    const off = await run(["."], dir);
    expect(off.report.findings).toEqual([]);
    expect(off.report.summary).toMatchObject({ files: 1, policies: 0, statements: 0 });
    expect(off.code).toBe(0);
    const on = await run([".", "--var", "enable_kms=true"], dir);
    expect(placement(on.report)).toEqual([
      ["CD101", "policies/kms-policy.json", 11, 5, "aws_kms_key.default[0]"],
    ]);
    expect(on.report.findings[0]?.message).toContain("logs.eu-west-1.amazonaws.com");
    expect(on.report.summary).toMatchObject({ policies: 1, statements: 2, suppressed: 1 });
    expect(on.code).toBe(0);
  });

  it("read with replace(file(...)) is left to its resource (a PolicyUnknown warning there)", async () => {
    const dir = write(tmp.folder("replace"), {
      "main.tf": `data "aws_caller_identity" "current" {}

resource "aws_iam_role" "scheduler" {
  name               = "scheduler"
  assume_role_policy = replace(file("\${path.module}/policies/trust.json"), "ACCOUNT_ID_PLACEHOLDER", data.aws_caller_identity.current.account_id)
}
`,
      "policies/trust.json": TRUST,
    });
    const { code, report } = await run(["."], dir);
    expect(report.findings).toEqual([]);
    expect(report.warnings.map((w) => [w.code, w.file, w.line, w.column])).toEqual([
      ["PolicyUnknown", "main.tf", 5, 24],
    ]);
    expect(code).toBe(0);
  });

  it("--fix edits the template with the fix for the statement as rendered", async () => {
    const dir = write(tmp.folder("fix"), {
      "main.tf": KMS_MODULE(false),
      "policies/kms-policy.json": KMS_TEMPLATE,
    });
    const r = await checkIac(
      [".", "--var", "enable_kms=true", "--account", "210987654321", "--fix", "--write", "--format", "json"],
      { cwd: dir },
    );
    const after = readFileSync(join(dir, "policies/kms-policy.json"), "utf8");
    expect(after).toContain('"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:210987654321:*"');
    expect(after).not.toContain("aws:SourceAccount");
    expect(after).toContain('"Service": "logs.${aws_region}.amazonaws.com"');
    expect(parseReport(r.stdout).findings).toEqual([]);
  });
});

describe("a template is still read as a policy of its own", () => {
  it("when it is named on the command line", async () => {
    const dir = write(tmp.folder("named"), {
      "main.tf": TOPIC_MODULE,
      "policies/topic-policy.json": TOPIC_TEMPLATE,
    });
    const { code, report } = await run([".", "policies/topic-policy.json"], dir);
    expect(placement(report)).toEqual([["CD204", "policies/topic-policy.json", 4, 5, null]]);
    expect(code).toBe(1);
  });

  it("when the module that reads it is not scanned", async () => {
    const dir = write(tmp.folder("outside"), {
      "main.tf": TOPIC_MODULE,
      "policies/topic-policy.json": TOPIC_TEMPLATE,
    });
    const { report } = await run(["policies"], dir);
    expect(placement(report)).toEqual([["CD204", "policies/topic-policy.json", 4, 5, null]]);
  });

  it("when no module reads it", async () => {
    const dir = write(tmp.folder("unread"), {
      "main.tf": TOPIC_MODULE,
      "policies/topic-policy.json": TOPIC_TEMPLATE,
      "policies/other.json": TRUST.replace(
        ',\n      "Condition": { "StringEquals": { "aws:SourceAccount": "ACCOUNT_ID_PLACEHOLDER" } }',
        "",
      ),
    });
    const { report } = await run(["."], dir);
    expect(placement(report)).toEqual([["CD101", "policies/other.json", 4, 5, null]]);
  });

  // From the session-17 review: every file a module read left the walk, so a CloudFormation template
  // an aws_cloudformation_stack deploys with file() or templatefile() was not scanned at all.
  it("when it is another kind of input: a CloudFormation template a stack resource deploys", async () => {
    const dir = write(tmp.folder("stack"), {
      "main.tf": `resource "aws_cloudformation_stack" "s" {
  name          = "s"
  template_body = file("\${path.module}/stack.json")
}
`,
      "stack.json": JSON.stringify(
        {
          Resources: {
            Perm: {
              Type: "AWS::Lambda::Permission",
              Properties: {
                FunctionName: "f",
                Action: "lambda:InvokeFunction",
                Principal: "sns.amazonaws.com",
              },
            },
          },
        },
        null,
        2,
      ),
    });
    const { code, report } = await run(["."], dir);
    expect(placement(report)).toEqual([["CD101", "stack.json", 3, 5, "Perm"]]);
    expect(code).toBe(1);
  });

  // Session-17 review: the files a resource with count = 0 reads were found only when the call was
  // the whole argument; wrapped (`replace(templatefile(...), ...)`), the template was walked raw.
  it("when a resource with count = 0 reads it through another function", async () => {
    const dir = write(tmp.folder("count0-wrapped"), {
      "main.tf": `resource "aws_sns_topic_policy" "t" {
  count  = 0
  arn    = "arn:aws:sns:us-east-1:210987654321:t"
  policy = replace(templatefile("\${path.module}/policies/topic-policy.json", { topic_arn = "x", account_id = "210987654321" }), "x", "y")
}
`,
      "policies/topic-policy.json": TOPIC_TEMPLATE,
    });
    const { code, report } = await run(["."], dir);
    expect(placement(report)).toEqual([]);
    expect(code).toBe(0);
  });
});
