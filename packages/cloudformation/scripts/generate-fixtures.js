// Writes test-fixtures/cloudformation/rules/: each policy-json rule fixture (invalid-01, valid-01)
// embedded in a CloudFormation JSON template, a YAML template (short-form tags), a SAM template and
// a CDK cloud assembly. The expected findings are the tool's, written only after checking that
// they are the same rules as the policy-json fixture expects and that every position is the start
// of a statement. Run after `pnpm build`: node scripts/generate-fixtures.js
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkSite } from "@deputyguard/core";
import { toYaml } from "../bench/generate.js";
import { extractCloudFormation, scanCloudAssembly } from "../dist/index.js";

const ROOT = join(import.meta.dirname, "../../../test-fixtures");
const SOURCE = join(ROOT, "policy-json/rules");
const OUT = join(ROOT, "cloudformation/rules");

function resourceFor(doc) {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const first = statements[0] ?? {};
  const resourceArn = JSON.stringify([first.Resource ?? ""].flat()[0] ?? "").replace(/^"|"$/g, "");
  const action = [first.Action ?? ""].flat()[0] ?? "";
  const text = resourceArn.startsWith("arn:")
    ? `"${resourceArn.split(":")[2]}:`
    : `"${action.split(":")[0]}:`;
  if (statements.some((s) => JSON.stringify(s.Action ?? "").includes("sts:AssumeRole")))
    return {
      Type: "AWS::IAM::Role",
      Properties: { RoleName: "fixture-role", AssumeRolePolicyDocument: doc },
    };
  if (text.includes('"s3:'))
    return { Type: "AWS::S3::BucketPolicy", Properties: { Bucket: "fixture-bucket", PolicyDocument: doc } };
  if (text.includes('"sqs:'))
    return {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: ["https://sqs.us-east-1.amazonaws.com/210987654321/fixture"],
        PolicyDocument: doc,
      },
    };
  if (text.includes('"kms:')) return { Type: "AWS::KMS::Key", Properties: { KeyPolicy: doc } };
  return {
    Type: "AWS::SNS::TopicPolicy",
    Properties: { Topics: ["arn:aws:sns:us-east-1:210987654321:fixture"], PolicyDocument: doc },
  };
}

function template(doc, form, parameters) {
  const t = { AWSTemplateFormatVersion: "2010-09-09" };
  if (form === "sam") t.Transform = "AWS::Serverless-2016-10-31";
  t.Description = "deputyguard rule fixture";
  t.Resources = {};
  if (form === "sam") {
    t.Resources.Handler = {
      Type: "AWS::Serverless::Function",
      Properties: {
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        InlineCode: "exports.handler = async () => {};",
        Events: {
          Uploads: { Type: "SNS", Properties: { Topic: "arn:aws:sns:us-east-1:210987654321:uploads" } },
        },
      },
    };
  }
  const policy = resourceFor(doc);
  if (form === "cdk") policy.Metadata = { "aws:cdk:path": "FixtureStack/Policy/Resource" };
  t.Resources.Policy = policy;
  if (form === "cdk") {
    t.Resources.CDKMetadata = {
      Type: "AWS::CDK::Metadata",
      Properties: { Analytics: "v2:deflate64:H4sIAAAAAAAA/zPSMzQ0AAA=" },
      Metadata: { "aws:cdk:path": "FixtureStack/CDKMetadata/Default" },
    };
    t.Parameters = {
      BootstrapVersion: {
        Type: "AWS::SSM::Parameter::Value<String>",
        Default: "/cdk-bootstrap/hnb659fds/version",
      },
    };
  }
  if (parameters) t.Parameters = { ...(t.Parameters ?? {}), ...parameters };
  return t;
}

function statementStartsAt(text, line, column, isJson) {
  const lineText = text.split(/\r?\n/)[line - 1] ?? "";
  if (isJson) return lineText[column - 1] === "{";
  // YAML: the first key of a block mapping item (`- Key:`), or `{` of a flow mapping.
  return (
    lineText[column - 1] === "{" ||
    lineText
      .slice(0, column - 1)
      .trimEnd()
      .endsWith("-")
  );
}

async function findingsOf(file, text) {
  const { sites, diagnostics } = await extractCloudFormation(file, text, {});
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${file}: ${errors[0].message}`);
  return sites.flatMap((s) => checkSite(s).findings);
}

const cases = [];
for (const rule of readdirSync(SOURCE).sort()) {
  for (const name of readdirSync(join(SOURCE, rule)).sort()) {
    if (!/^(invalid|valid)-01-.*\.json$/.test(name) || name.endsWith(".expected.json")) continue;
    const base = name.replace(/\.json$/, "");
    const expectedSource = JSON.parse(readFileSync(join(SOURCE, rule, `${base}.expected.json`), "utf8"));
    if (Object.keys(expectedSource.options ?? {}).length > 0) continue;
    const doc = JSON.parse(readFileSync(join(SOURCE, rule, name), "utf8"));
    if (!doc.Statement) continue;
    cases.push({ rule, base, doc, expectedSource, origin: `policy-json/rules/${rule}/${name}` });
  }
}
// CD301 needs a value unknown before deploy, which policy JSON cannot hold.
const cd301Statement = (account) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AllowEventBridge",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: { "Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts" },
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    },
  ],
});
cases.push({
  rule: "CD301",
  base: "invalid-01-sns-events-source-account-parameter",
  doc: cd301Statement({ Ref: "AuditAccountId" }),
  parameters: { AuditAccountId: { Type: "String", Description: "the account whose rules publish" } },
  expectedSource: {
    source: "SNS topic policy whose aws:SourceAccount is a parameter without Default",
    findings: [
      { ruleId: "CD301", why: "The verdict depends on parameter AuditAccountId, unknown before deploy." },
    ],
  },
  origin: "hand-written",
});
cases.push({
  rule: "CD301",
  base: "valid-01-sns-events-source-account-self",
  doc: cd301Statement({ Ref: "AWS::AccountId" }),
  expectedSource: { source: "The same policy pinned to the deploying account (SELF)", findings: [] },
  origin: "hand-written",
});

rmSync(OUT, { recursive: true, force: true });
for (const { rule, base, doc, expectedSource, origin, parameters } of cases) {
  const name = origin;
  {
    const wantRules = expectedSource.findings.map((f) => f.ruleId).sort();
    const dir = join(OUT, rule);
    mkdirSync(dir, { recursive: true });
    for (const form of ["cfn-json", "cfn-yaml", "sam", "cdk"]) {
      const t = template(doc, form === "cfn-json" ? "cfn" : form, parameters);
      let file;
      let text;
      let findings;
      let expectedPath;
      if (form === "cdk") {
        const out = join(dir, `${base}.cdk.out`);
        mkdirSync(out, { recursive: true });
        text = `${JSON.stringify(t, null, 1)}\n`;
        file = join(out, "FixtureStack.template.json");
        writeFileSync(file, text);
        writeFileSync(
          join(out, "manifest.json"),
          `${JSON.stringify({ version: "36.0.0", artifacts: { FixtureStack: { type: "aws:cloudformation:stack", environment: "aws://unknown-account/unknown-region", properties: { templateFile: "FixtureStack.template.json" }, displayName: "FixtureStack" } } }, null, 1)}\n`,
        );
        const scanned = await scanCloudAssembly(out, {});
        findings = scanned.sites.flatMap((s) => checkSite(s).findings);
        expectedPath = join(dir, `${base}.cdk.out.expected.json`);
      } else {
        const isJson = form === "cfn-json";
        text = isJson ? `${JSON.stringify(t, null, 2)}\n` : `${toYaml(t)}\n`;
        file = join(
          dir,
          `${base}.${form === "sam" ? "sam.yaml" : isJson ? "cfn-json.json" : "cfn-yaml.yaml"}`,
        );
        writeFileSync(file, text);
        findings = await findingsOf(file, text);
        expectedPath = file.replace(/\.(json|yaml)$/, ".expected.json");
      }
      const got = findings.map((f) => f.ruleId).sort();
      if (JSON.stringify(got) !== JSON.stringify(wantRules))
        throw new Error(`${file}: rules ${got} differ from the policy-json fixture's ${wantRules}`);
      for (const f of findings)
        if (!statementStartsAt(text, f.line, f.column, form === "cfn-json" || form === "cdk"))
          throw new Error(`${file}: ${f.ruleId} at ${f.line}:${f.column} is not the start of a statement`);
      const expected = {
        source: `${expectedSource.source} (${name}, ${form} form)`,
        options: {},
        findings: findings
          .sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1))
          .map((f) => ({
            ruleId: f.ruleId,
            line: f.line,
            column: f.column,
            resource: f.resource,
            why: expectedSource.findings.find((e) => e.ruleId === f.ruleId)?.why ?? "",
          })),
      };
      writeFileSync(expectedPath, `${JSON.stringify(expected, null, 2)}\n`);
    }
  }
}
console.log(`fixtures written to ${OUT}`);
