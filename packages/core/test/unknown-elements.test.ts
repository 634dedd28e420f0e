/**
 * Whole policy elements that are not known before deployment (a Terraform conditional, an import):
 * a Condition that may hold no guard is not counted on, and an unknown statement is a warning,
 * not a shape error.
 */
import { describe, expect, it } from "vitest";
import {
  checkSite,
  nodeFromPlain,
  type ObjectNode,
  type PolicySite,
  parsePolicy,
  SELF_ACCOUNT,
  type SourceNode,
  symbolValue,
  type ValueSymbol,
} from "../src/index.js";

const guardVar: ValueSymbol = {
  kind: "unknown",
  name: "var.guard ? {...} : {}",
  provenance: { source: "var.guard ? {...} : {}", reason: "the condition is not known before apply" },
};
const unknownNode: SourceNode = { kind: "value", value: symbolValue(guardVar) };

function document(condition: SourceNode | undefined, extra: SourceNode[] = []): ObjectNode {
  const statement = nodeFromPlain({
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sns:Publish",
    Resource: "*",
  }) as ObjectNode;
  if (condition) statement.entries.push({ key: "Condition", value: condition });
  return {
    kind: "object",
    entries: [
      { key: "Version", value: { kind: "scalar", value: "2012-10-17" } },
      { key: "Statement", value: { kind: "array", items: [statement, ...extra] } },
    ],
  };
}

const site = (doc: ObjectNode): PolicySite => ({
  file: "t.json",
  resource: "Topic",
  kind: "resource-policy",
  document: doc,
});

describe("a Condition not known before deployment", () => {
  it("is not counted on: CD101 at medium, saying so, with a warning naming what it depends on", () => {
    const r = checkSite(site(document(unknownNode)));
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(r.findings[0]?.message).toContain("Its Condition depends on <var.guard ? {...} : {}>, not known");
    const d = r.diagnostics.find((x) => x.code === "UnresolvedCondition");
    expect(d?.severity).toBe("warning");
    expect(d?.message).toContain("the condition is not known before apply");
    // Before: "Condition is a value; expected an object of operators", an error, and no finding.
    expect(r.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  });

  it("keeps the statement's other elements, and a known guard still closes the same statement", () => {
    const parsed = parsePolicy(document(unknownNode), "t.json");
    expect(parsed.policy?.statements[0]?.conditionUnknown?.[0]?.name).toBe("var.guard ? {...} : {}");
    expect(parsed.policy?.statements[0]?.action?.values.length).toBe(1);
    const guarded = nodeFromPlain({ StringEquals: { "aws:SourceAccount": "246813579135" } });
    expect(checkSite(site(document(guarded)), { accounts: ["246813579135"] }).findings).toEqual([]);
  });

  it("nor is an operator's block of keys that is not known, while the known operators count", () => {
    const condition: SourceNode = {
      kind: "object",
      entries: [
        { key: "StringEquals", value: unknownNode },
        { key: "Bool", value: nodeFromPlain({ "aws:SecureTransport": "true" }) },
      ],
    };
    const r = checkSite(site(document(condition)));
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(r.diagnostics.find((x) => x.code === "UnresolvedCondition")?.message).toContain(
      'the "StringEquals" block of statement 0\'s Condition is not known',
    );
    const parsed = parsePolicy(document(condition), "t.json");
    expect(parsed.policy?.statements[0]?.conditions.map((c) => c.key)).toEqual(["aws:SecureTransport"]);
  });

  it("a known text is still a shape error", () => {
    const r = checkSite(site(document({ kind: "scalar", value: "none" })));
    expect(r.diagnostics.some((x) => x.severity === "error" && x.message.includes("Condition is"))).toBe(
      true,
    );
  });
});

describe("a statement not known before deployment", () => {
  it("is a warning naming what it depends on, and the others are analysed", () => {
    const guarded = nodeFromPlain({ StringEquals: { "aws:SourceAccount": "246813579135" } });
    const r = checkSite(site(document(guarded, [unknownNode])), { accounts: ["246813579135"] });
    const d = r.diagnostics.find((x) => x.code === "UnresolvedStatement");
    expect(d?.severity).toBe("warning");
    expect(d?.message).toContain("statement 1 is not known before deployment (var.guard");
    expect(r.statements).toBe(1);
    expect(r.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  });
});

describe("a Principal not known before deployment", () => {
  it("is analysed as a service principal that may be any, with a warning", () => {
    const statement: ObjectNode = {
      kind: "object",
      entries: [
        { key: "Effect", value: { kind: "scalar", value: "Allow" } },
        { key: "Principal", value: unknownNode },
        { key: "Action", value: { kind: "scalar", value: "sts:AssumeRole" } },
      ],
    };
    const doc: ObjectNode = {
      kind: "object",
      entries: [
        { key: "Version", value: { kind: "scalar", value: "2012-10-17" } },
        { key: "Statement", value: { kind: "array", items: [statement] } },
      ],
    };
    const r = checkSite({ file: "t.json", resource: "Role", kind: "trust-policy", document: doc });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.diagnostics.find((x) => x.code === "UnresolvedPrincipal")?.message).toContain(
      "Principal is not known before deployment (var.guard",
    );
    // Before: 'Principal must be "*" or an object', an error, and no finding.
    expect(r.diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  });

  // A CloudFormation `Principal: !Ref Svc` gave CD101 at high and said nothing of the unknown,
  // though README promised medium for a Principal taken the wide way. `{Service: !Ref Svc}` names a
  // service, only not which one (Terraform's `identifiers = [data.aws_service_principal.x.name]`):
  // it stays high.
  it("gives CD101 at medium when the whole principal is unknown, in a resource policy and a Lambda permission", () => {
    const statement = (principal: SourceNode): ObjectNode => ({
      kind: "object",
      entries: [
        { key: "Effect", value: { kind: "scalar", value: "Allow" } },
        { key: "Principal", value: principal },
        { key: "Action", value: { kind: "scalar", value: "sns:Publish" } },
        { key: "Resource", value: { kind: "scalar", value: "*" } },
      ],
    });
    const doc: ObjectNode = {
      kind: "object",
      entries: [
        {
          key: "Statement",
          value: {
            kind: "array",
            items: [
              statement(unknownNode),
              statement({ kind: "object", entries: [{ key: "Service", value: unknownNode }] }),
            ],
          },
        },
      ],
    };
    const r = checkSite(site(doc));
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.statement?.index])).toEqual([
      ["CD101", "medium", 0],
      ["CD101", "high", 1],
    ]);
    expect(r.findings[0]?.message).toContain(
      "Its Principal is <var.guard ? {...} : {}>, not known before deployment; it was analysed as a service principal.",
    );
    expect(r.findings[1]?.message).not.toContain("Its Principal is");
    const permission = checkSite({
      file: "t.yaml",
      resource: "Perm",
      kind: "lambda-permission",
      permission: { principal: symbolValue(guardVar) },
    });
    expect(permission.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(permission.findings[0]?.message).toContain("Its Principal argument is <var.guard");
    // A known service in a template value stays high.
    const known = checkSite({
      file: "t.yaml",
      resource: "Perm",
      kind: "lambda-permission",
      permission: { principal: { parts: ["s3.amazonaws.com"] } },
    });
    expect(known.findings.map((f) => f.severity)).toEqual(["high"]);
  });

  // From a hunt: `Principal: !Ref AWS::AccountId` on AWS::Lambda::Permission was analysed as a
  // possible service (CD101 medium); the deploying account is an account, never a service.
  it("the deploying account as the Principal argument is an account, not a service", () => {
    const self = checkSite({
      file: "t.yaml",
      resource: "Perm",
      kind: "lambda-permission",
      permission: { principal: symbolValue(SELF_ACCOUNT) },
    });
    expect(self.findings).toEqual([]);
  });
});

describe("a Statement list not known before deployment", () => {
  it("is a warning, not a shape error", () => {
    const doc: ObjectNode = {
      kind: "object",
      entries: [
        { key: "Version", value: { kind: "scalar", value: "2012-10-17" } },
        { key: "Statement", value: unknownNode },
      ],
    };
    const parsed = parsePolicy(doc, "t.json");
    expect(parsed.diagnostics.map((d) => [d.code, d.severity])).toEqual([["UnresolvedStatement", "warning"]]);
  });
});

describe("an Effect not known before deployment", () => {
  it("is analysed as an Allow: CD101 at medium, saying so, with a warning", () => {
    const statement = nodeFromPlain({
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: "*",
    }) as ObjectNode;
    statement.entries.unshift({ key: "Effect", value: unknownNode });
    const doc: ObjectNode = {
      kind: "object",
      entries: [{ key: "Statement", value: { kind: "array", items: [statement] } }],
    };
    const r = checkSite(site(doc));
    // Before: 'Effect is "an unresolved value"', an error, and the statement was dropped.
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["CD101", "medium"]]);
    expect(r.findings[0]?.message).toContain("Its Effect is <var.guard ? {...} : {}>");
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["UnresolvedEffect", "warning"]]);
  });
});

describe("an aws:SourceArn value not known before deployment", () => {
  const bucketArn: ValueSymbol = {
    kind: "unknown",
    name: "var.bucket_arn",
    provenance: { source: "var.bucket_arn", reason: "the variable is not declared" },
  };
  const permission = (principal: string, withAccount: boolean): PolicySite => ({
    file: "main.tf",
    resource: "aws_lambda_permission.allow",
    kind: "lambda-permission",
    permission: {
      principal: { parts: [principal] },
      sourceArn: symbolValue(bucketArn),
      ...(withAccount ? { sourceAccount: { parts: ["246813579135"] } } : {}),
    },
  });

  it("of a service whose ARNs carry no account (S3) pins no account: CD103 without SourceAccount", () => {
    // terraform-aws-s3-bucket modules/notification: source_arn = var.bucket_arn for s3.amazonaws.com.
    // Before: only CD301 (the unknown was taken for a guard that pins the account).
    const r = checkSite(permission("s3.amazonaws.com", false), { accounts: ["246813579135"] });
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(["CD103", "CD301"]);
    expect(r.findings.find((f) => f.ruleId === "CD103")?.witness?.context["aws:SourceArn"]).toBe(
      "arn:aws:s3:::<var.bucket_arn>",
    );
    const pinned = checkSite(permission("s3.amazonaws.com", true), { accounts: ["246813579135"] });
    expect(pinned.findings.map((f) => f.ruleId).filter((id) => id !== "CD301")).toEqual([]);
  });

  it("of a service whose ARNs carry the account stays a trusted unknown (CD301 only)", () => {
    const r = checkSite(permission("sns.amazonaws.com", false), { accounts: ["246813579135"] });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD301"]);
  });
});
