import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CheckOptions, checkPolicyText, RULES, renderRuleDoc, renderRuleIndex } from "../src/index.js";

const DOCS = join(import.meta.dirname, "../../../docs/rules");

function run(policy: string, options: CheckOptions = {}) {
  const r = checkPolicyText(policy, "policy.json", options);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.findings;
}

describe("rule metadata", () => {
  for (const rule of RULES) {
    it(`${rule.meta.id} has an id, a kebab slug, references and a doc page that matches`, () => {
      expect(rule.meta.id).toMatch(/^CD\d{3}$/);
      expect(rule.meta.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.meta.references.length).toBeGreaterThan(0);
      for (const url of rule.meta.references) expect(url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      // Regenerate with `pnpm --filter @deputyguard/core docs` when this fails.
      expect(readFileSync(join(DOCS, `${rule.meta.id}.md`), "utf8")).toBe(renderRuleDoc(rule));
    });
    if (rule.meta.examples.invalid) {
      it(`${rule.meta.id}'s documented examples behave as documented`, () => {
        expect(run(rule.meta.examples.invalid).map((f) => f.ruleId)).toContain(rule.meta.id);
        expect(run(rule.meta.examples.valid).map((f) => f.ruleId)).not.toContain(rule.meta.id);
      });
    }
  }
  it("the rule index page matches", () => {
    expect(readFileSync(join(DOCS, "README.md"), "utf8")).toBe(renderRuleIndex(RULES));
  });
  it("ids and slugs are unique", () => {
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.meta.slug)).size).toBe(RULES.length);
  });
});

interface Case {
  name: string;
  policy: string;
  options?: CheckOptions;
  expect: Array<{
    ruleId: string;
    severity?: string;
    line: number;
    column: number;
    element?: { line: number; column: number };
    message: string[];
    witness?: Record<string, string | undefined>;
  }>;
}

const bucket = (condition: string, principal = `{"Service": "cloudtrail.amazonaws.com"}`) => `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": ${principal},
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::trail-logs/*"${condition ? `,\n      "Condition": ${condition}` : ""}
    }
  ]
}`;

const CASES: Case[] = [
  {
    name: "CD101: no condition at all (resource policy, high)",
    policy: bucket(""),
    expect: [
      {
        ruleId: "CD101",
        severity: "high",
        line: 4,
        column: 5,
        element: { line: 6, column: 32 },
        message: ["cloudtrail.amazonaws.com", "without aws:SourceAccount"],
        witness: { "aws:SourceAccount": "000000000000" },
      },
    ],
  },
  {
    name: "CD101: a non-source condition does not guard",
    policy: bucket(`{"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}`),
    expect: [
      {
        ruleId: "CD101",
        line: 4,
        column: 5,
        message: ["cloudtrail.amazonaws.com"],
        witness: { "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    ],
  },
  {
    name: "CD101: Principal * with no condition is public",
    policy: bucket("", `"*"`),
    expect: [{ ruleId: "CD101", line: 4, column: 5, message: ["public"] }],
  },
  {
    name: "CD101: trust policy is medium",
    policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"states.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
    expect: [{ ruleId: "CD101", severity: "medium", line: 1, column: 38, message: ["states.amazonaws.com"] }],
  },
  {
    name: "PassRole-bound trust: nothing by default",
    policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
    expect: [],
  },
  {
    name: "PassRole-bound trust: low with --strict",
    policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
    options: { strict: true },
    expect: [
      { ruleId: "CD101", severity: "low", line: 1, column: 38, message: ["iam:PassRole", "--strict"] },
    ],
  },
  {
    name: "CD102: wildcard account in aws:SourceArn",
    policy: bucket(`{"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/main"}}`),
    expect: [
      {
        ruleId: "CD102",
        line: 4,
        column: 5,
        element: { line: 9, column: 33 },
        message: ["ArnLike on aws:SourceArn", "another account"],
        witness: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:000000000000:trail/main" },
      },
    ],
  },
  {
    name: "CD102: literal account not in --account",
    policy: bucket(`{"StringEquals": {"aws:SourceAccount": "246813579135"}}`),
    options: { accounts: ["210987654322"] },
    expect: [
      {
        ruleId: "CD102",
        line: 4,
        column: 5,
        message: ["StringEquals on aws:SourceAccount"],
        witness: { "aws:SourceAccount": "246813579135" },
      },
    ],
  },
  {
    name: "no finding: literal account is trusted without --account",
    policy: bucket(`{"StringEquals": {"aws:SourceAccount": "246813579135"}}`),
    expect: [],
  },
  {
    name: "CD102: negated operator in an Allow",
    policy: bucket(`{"StringNotEquals": {"aws:SourceAccount": "246813579135"}}`),
    expect: [{ ruleId: "CD102", line: 4, column: 5, message: ["StringNotEquals on aws:SourceAccount"] }],
  },
  {
    name: "CD103: bucket ARN without account, nothing pins the owner",
    policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:246813579135:t","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"}}}]}`,
    expect: [
      {
        ruleId: "CD103",
        line: 1,
        column: 38,
        message: ["arn:aws:s3:::uploads", "no account"],
        witness: { "aws:SourceArn": "arn:aws:s3:::uploads" },
      },
    ],
  },
  {
    name: "CD104: IfExists alone",
    policy: bucket(`{"StringEqualsIfExists": {"aws:SourceAccount": "246813579135"}}`),
    expect: [
      {
        ruleId: "CD104",
        line: 4,
        column: 5,
        element: { line: 9, column: 21 },
        message: ["StringEqualsIfExists", "no such key"],
        witness: { "aws:SourceAccount": undefined },
      },
    ],
  },
  {
    name: "CD104: IfExists next to a plain guard on the same key is fine",
    policy: bucket(
      `{"StringEqualsIfExists": {"aws:SourceAccount": "246813579135"}, "StringEquals": {"aws:SourceAccount": "246813579135"}}`,
    ),
    expect: [],
  },
  {
    name: "CD105: StringLike with a region wildcard",
    policy: bucket(`{"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:246813579135:trail/*"}}`),
    expect: [
      {
        ruleId: "CD105",
        severity: "low",
        line: 4,
        column: 5,
        element: { line: 9, column: 21 },
        message: ["StringLike", "ArnLike"],
      },
    ],
  },
  {
    name: "CD201 only (no CD101): wildcard under StringEquals",
    policy: bucket(`{"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:*:246813579135:trail/*"}}`),
    expect: [
      {
        ruleId: "CD201",
        line: 4,
        column: 5,
        element: { line: 9, column: 55 },
        message: ["literally", "ArnLike"],
      },
    ],
  },
  {
    name: "CD202: accounts disagree",
    policy: bucket(
      `{"StringEquals": {"aws:SourceAccount": "246813579135"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:135792468024:trail/main"}}`,
    ),
    expect: [{ ruleId: "CD202", line: 4, column: 5, message: ["246813579135", "135792468024"] }],
  },
  {
    name: "CD203: ArnEqual names ArnEquals",
    policy: bucket(`{"ArnEqual": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:246813579135:trail/main"}}`),
    expect: [
      {
        ruleId: "CD203",
        line: 4,
        column: 5,
        element: { line: 9, column: 21 },
        message: ['"ArnEqual"', 'did you mean "ArnEquals"'],
      },
    ],
  },
  {
    name: "CD204: placeholder",
    policy: bucket(`{"StringEquals": {"aws:SourceAccount": "your AWS account ID"}}`),
    expect: [
      {
        ruleId: "CD204",
        line: 4,
        column: 5,
        element: { line: 9, column: 59 },
        message: ["your aws account id"],
      },
    ],
  },
  {
    name: "CD205: SNS ARN for CloudTrail",
    policy: bucket(`{"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:246813579135:alerts"}}`),
    expect: [
      { ruleId: "CD205", line: 4, column: 5, message: ['"sns" resource', "cloudtrail.amazonaws.com"] },
    ],
  },
  {
    name: "Deny with StringNotEquals aws:SourceAccount protects an unguarded Allow",
    policy: `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"},
{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"246813579135"}}}]}`,
    expect: [],
  },
  {
    name: "A Deny that only covers another action does not protect",
    policy: `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*","Resource":"*"},
{"Effect":"Deny","Principal":"*","Action":"sqs:DeleteQueue","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"246813579135"}}}]}`,
    // The Allow has no guard and the Deny covers another action: CD101 (session 6; it was a CD102
    // that blamed the unrelated Deny's operator).
    expect: [{ ruleId: "CD101", line: 2, column: 1, message: ["without aws:SourceAccount"] }],
  },
];

describe("rules, table-driven", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const findings = run(c.policy, c.options);
      expect(findings.map((f) => f.ruleId)).toEqual(c.expect.map((e) => e.ruleId));
      c.expect.forEach((e, i) => {
        const f = findings[i];
        if (!f) throw new Error("missing finding");
        expect({ line: f.line, column: f.column }).toEqual({ line: e.line, column: e.column });
        if (e.severity) expect(f.severity).toBe(e.severity);
        if (e.element) expect(f.element).toEqual(e.element);
        for (const m of e.message) expect(f.message.toLowerCase()).toContain(m.toLowerCase());
        if (e.witness) {
          for (const [k, v] of Object.entries(e.witness)) expect(f.witness?.context[k]).toBe(v);
        }
      });
    });
  }
});
