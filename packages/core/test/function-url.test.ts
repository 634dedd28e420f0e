/**
 * Lambda function URLs: the permission arguments FunctionUrlAuthType and InvokedViaFunctionUrl
 * become the conditions Lambda writes, and the two permissions that open a URL with AuthType NONE
 * to anyone (the Lambda guide's "Control access to Lambda function URLs") are not reported: anyone
 * may call such a URL directly, with no service acting for them. Before session 10 both were CD101
 * high, with a fix (SourceAccount) that would shut the URL.
 */
import { describe, expect, it } from "vitest";
import { isPublicFunctionUrl } from "../src/engine/check.js";
import {
  checkSite,
  evaluate,
  type LambdaPermission,
  lambdaPermissionPolicy,
  symbolValue,
} from "../src/index.js";

const text = (s: string) => ({ parts: [s] });
const permission = (fields: Partial<LambdaPermission>): LambdaPermission => ({
  principal: text("*"),
  ...fields,
});
const check = (p: LambdaPermission) =>
  checkSite({ file: "t.yaml", resource: "Perm", kind: "lambda-permission", permission: p });

describe("function URL permissions", () => {
  it("writes FunctionUrlAuthType as StringEquals and InvokedViaFunctionUrl as Bool, as Lambda does", () => {
    const policy = lambdaPermissionPolicy(
      permission({
        principal: text("cloudfront.amazonaws.com"),
        action: text("lambda:InvokeFunction"),
        functionUrlAuthType: text("AWS_IAM"),
        invokedViaFunctionUrl: text("true"),
      }),
      undefined,
    );
    const conditions = policy.statements[0]?.conditions.map((c) => [
      c.operator.base,
      c.key,
      c.values[0]?.parts,
    ]);
    expect(conditions).toEqual([
      ["StringEquals", "lambda:FunctionUrlAuthType", ["AWS_IAM"]],
      ["Bool", "lambda:InvokedViaFunctionUrl", ["true"]],
    ]);
    const request = (via: string) => ({
      principal: { type: "Service", id: "cloudfront.amazonaws.com" },
      action: "lambda:InvokeFunction",
      resource: "arn:aws:lambda:us-east-1:111122223333:function:web",
      context: { "lambda:FunctionUrlAuthType": "AWS_IAM", "lambda:InvokedViaFunctionUrl": via },
    });
    expect(evaluate(policy, request("true")).decision).toBe("Allow");
    expect(evaluate(policy, request("false")).decision).toBe("ImplicitDeny");
  });

  it("does not report the two permissions of a public URL (AuthType NONE)", () => {
    const url = permission({ action: text("lambda:InvokeFunctionUrl"), functionUrlAuthType: text("NONE") });
    const invoke = permission({ action: text("lambda:InvokeFunction"), invokedViaFunctionUrl: text("true") });
    expect(isPublicFunctionUrl(url)).toBe(true);
    expect(isPublicFunctionUrl(invoke)).toBe(true);
    // IAM action names are not case-sensitive; CloudFormation writes a boolean `True` as "True".
    expect(isPublicFunctionUrl({ ...url, action: text("Lambda:invokeFunctionURL") })).toBe(true);
    expect(isPublicFunctionUrl({ ...invoke, invokedViaFunctionUrl: text("True") })).toBe(true);
    // From a session-10 hunt: Lambda sends lambda:FunctionUrlAuthType with the URL's actions only, so
    // InvokeFunction with FunctionUrlAuthType NONE admits at most the public URL's calls.
    const noneInvoke = permission({
      action: text("lambda:InvokeFunction"),
      functionUrlAuthType: text("NONE"),
    });
    expect(isPublicFunctionUrl(noneInvoke)).toBe(true);
    expect(check(noneInvoke).findings).toEqual([]);
    expect(check(url).findings).toEqual([]);
    expect(check(invoke).findings).toEqual([]);
  });

  it("still reports every other function URL grant, with the URL keys in the witness", () => {
    const cases: Array<[string, LambdaPermission, string]> = [
      // Any AWS account may call an AWS_IAM URL: public to AWS, and any service may act.
      [
        "AWS_IAM",
        permission({ action: text("lambda:InvokeFunctionUrl"), functionUrlAuthType: text("AWS_IAM") }),
        "lambda:InvokeFunctionUrl",
      ],
      // `lambda:*` is more than invoking the URL.
      [
        "every action",
        permission({ action: text("lambda:*"), functionUrlAuthType: text("NONE") }),
        "lambda:InvokeFunction",
      ],
      [
        "not via the URL",
        permission({ action: text("lambda:InvokeFunction"), invokedViaFunctionUrl: text("false") }),
        "lambda:InvokeFunction",
      ],
      ["no flag", permission({ action: text("lambda:InvokeFunction") }), "lambda:InvokeFunction"],
      // A value not known before deployment may be AWS_IAM.
      [
        "unknown auth type",
        permission({
          action: text("lambda:InvokeFunctionUrl"),
          functionUrlAuthType: symbolValue({
            kind: "unknown",
            name: "var.auth",
            provenance: { source: "var.auth", reason: "no default" },
          }),
        }),
        "lambda:InvokeFunctionUrl",
      ],
      // A service principal is a deputy whatever the URL's auth type: CloudFront needs its SourceArn.
      [
        "CloudFront",
        permission({
          principal: text("cloudfront.amazonaws.com"),
          action: text("lambda:InvokeFunctionUrl"),
          functionUrlAuthType: text("NONE"),
        }),
        "lambda:InvokeFunctionUrl",
      ],
      [
        "CloudFront via the URL",
        permission({
          principal: text("cloudfront.amazonaws.com"),
          action: text("lambda:InvokeFunction"),
          invokedViaFunctionUrl: text("true"),
        }),
        "lambda:InvokeFunction",
      ],
    ];
    for (const [name, p, action] of cases) {
      expect(isPublicFunctionUrl(p), name).toBe(false);
      const findings = check(p).findings;
      expect(
        findings.map((f) => f.ruleId),
        name,
      ).toEqual(["CD101"]);
      const witness = findings[0]?.witness;
      expect(witness?.action?.toLowerCase(), name).toBe(action.toLowerCase());
      // The witness is a request the permission allows: replayed, it is allowed.
      const policy = lambdaPermissionPolicy(p, undefined);
      const decision = evaluate(policy, {
        principal: { type: "Service", id: witness?.principal ?? "" },
        action: witness?.action ?? "",
        resource: "arn:aws:lambda:us-east-1:111122223333:function:web",
        context: witness?.context ?? {},
      }).decision;
      expect(decision, name).toBe("Allow");
    }
  });

  // Session 10: a permission's finding points at the resource and names the element that decides
  // it; for `Principal: "*"` that element was missing (a service principal's was there).
  it("names the Principal argument as the element of a public permission's finding", () => {
    const range = { file: "t.yaml", start: { line: 7, column: 18 }, end: { line: 7, column: 21 } };
    const r = check(
      permission({ principal: { parts: ["*"], range }, action: text("lambda:InvokeFunction") }),
    );
    expect(r.findings.map((f) => [f.ruleId, f.element])).toEqual([["CD101", { line: 7, column: 18 }]]);
    expect(r.findings[0]?.message).toContain("AWS services included, without aws:SourceAccount");
  });
});
