import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arnPattern,
  clearAutomatonCaches,
  exactPattern,
  globPattern,
  type StringDomain,
  searchString,
  solveString,
} from "../src/analysis/automaton.js";
import {
  type CheckOptions,
  checkPolicyText,
  checkSite,
  matchArnPattern,
  matchGlob,
  type ObjectNode,
  type SourceNode,
} from "../src/index.js";

function rules(policy: unknown, options: CheckOptions = {}): string[] {
  const r = checkPolicyText(JSON.stringify(policy), "p.json", options);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.findings.map((f) => f.ruleId);
}

const allow = (principal: unknown, condition?: unknown, extra: Record<string, unknown> = {}) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: principal,
      Action: "sqs:SendMessage",
      Resource: "arn:aws:sqs:us-east-1:246813579135:q",
      ...(condition ? { Condition: condition } : {}),
      ...extra,
    },
  ],
});

describe("foreign-access analysis", () => {
  it("organization guards: a literal org id is trusted; another org given with --org-id is not", () => {
    const p = allow(
      { Service: "events.amazonaws.com" },
      { StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" } },
    );
    expect(rules(p)).toEqual([]);
    expect(rules(p, { orgIds: ["o-zzzzzzzzzz"] })).toEqual(["CD102"]);
    const paths = allow(
      { Service: "events.amazonaws.com" },
      { "ForAnyValue:StringLike": { "aws:SourceOrgPaths": "o-a1b2c3d4e5/*" } },
    );
    expect(rules(paths)).toEqual([]);
  });

  it("StringLike may span components only through resource names: CD105, not CD102", () => {
    const p = allow(
      { Service: "dms.amazonaws.com" },
      { StringLike: { "aws:SourceArn": "arn:aws:dms:*:246813579135:*" } },
    );
    expect(rules(p)).toEqual(["CD105"]);
  });

  it("a StringLike pattern with fewer components lets * cover the account: CD102", () => {
    const p = allow({ Service: "sns.amazonaws.com" }, { StringLike: { "aws:SourceArn": "arn:aws:sns:*" } });
    expect(rules(p)).toContain("CD102");
  });

  it('Principal "*" narrowed by aws:PrincipalServiceName gets a witness for that service', () => {
    const p = allow("*", { StringEquals: { "aws:PrincipalServiceName": "cloudtrail.amazonaws.com" } });
    const r = checkPolicyText(JSON.stringify(p), "p.json");
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.findings[0]?.witness?.principal).toBe("cloudtrail.amazonaws.com");
  });

  it('Principal "*" shut to services by principal keys or aws:PrincipalIsAWSService', () => {
    expect(rules(allow("*", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }))).toEqual([]);
    expect(rules(allow("*", { Bool: { "aws:PrincipalIsAWSService": "false" } }))).toEqual([]);
    expect(rules(allow("*", { StringEquals: { "aws:PrincipalAccount": "246813579135" } }))).toEqual([]);
  });

  it("typed conditions on other keys are solved, not assumed", () => {
    expect(
      rules(allow({ Service: "sns.amazonaws.com" }, { NumericLessThan: { "sqs:delaySeconds": "10" } })),
    ).toEqual(["CD101"]);
    // Unsatisfiable together with a Deny on the same key: no request gets through.
    const p = allow({ Service: "sns.amazonaws.com" }, { NumericLessThan: { "sqs:delaySeconds": "10" } });
    (p.Statement as unknown[]).push({
      Effect: "Deny",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { NumericLessThan: { "sqs:delaySeconds": "20" } },
    });
    expect(rules(p)).toEqual([]);
  });

  it("a Deny whose NotPrincipal lists the service does not apply to it", () => {
    const p = allow({ Service: "sns.amazonaws.com" });
    (p.Statement as unknown[]).push({
      Effect: "Deny",
      NotPrincipal: { Service: "sns.amazonaws.com" },
      Action: "*",
      Resource: "*",
    });
    expect(rules(p)).toEqual(["CD101"]);
  });

  it("Deny Null true on the source key closes the IfExists bypass", () => {
    const p = allow(
      { Service: "sns.amazonaws.com" },
      { ArnLikeIfExists: { "aws:SourceArn": "arn:aws:sns:us-east-1:246813579135:t" } },
    );
    expect(rules(p)).toEqual(["CD104"]);
    (p.Statement as unknown[]).push({
      Effect: "Deny",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { Null: { "aws:SourceArn": "true" } },
    });
    expect(rules(p)).toEqual([]);
  });

  it("the CloudWatch Logs encryption-context key guards a KMS key policy", () => {
    const p = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "logs.eu-west-1.amazonaws.com" },
          Action: ["kms:Encrypt*", "kms:Decrypt*"],
          Resource: "*",
          Condition: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:246813579135:log-group:*",
            },
          },
        },
      ],
    };
    expect(rules(p)).toEqual([]);
    const open = structuredClone(p);
    (open.Statement[0] as { Condition: unknown }).Condition = {
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:*:log-group:*" },
    };
    expect(rules(open)).toEqual(["CD102"]);
  });

  it("several services in one statement: one finding per rule, naming each service", () => {
    const r = checkPolicyText(
      JSON.stringify(allow({ Service: ["sns.amazonaws.com", "events.amazonaws.com"] })),
      "p.json",
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.findings[0]?.principals).toEqual(["sns.amazonaws.com", "events.amazonaws.com"]);
  });

  it("policy variables: ${aws:SourceAccount} in the ARN pattern admits any account", () => {
    const p = allow(
      { Service: "sns.amazonaws.com" },
      { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:${aws:SourceAccount}:*" } },
    );
    expect(rules(p)).toContain("CD102");
  });
});

describe("unknown values (CD301)", () => {
  const range = (line: number, column: number) => ({
    file: "t.yaml",
    start: { line, column },
    end: { line, column: column + 5 },
  });
  const str = (value: string, line: number): SourceNode => ({ kind: "scalar", value, range: range(line, 3) });
  const obj = (line: number, entries: Array<[string, SourceNode]>): ObjectNode => ({
    kind: "object",
    range: range(line, 1),
    entries: entries.map(([key, value]) => ({ key, value })),
  });
  const statement = (guard: SourceNode): SourceNode =>
    obj(1, [
      ["Version", str("2012-10-17", 1)],
      [
        "Statement",
        {
          kind: "array",
          items: [
            obj(2, [
              ["Effect", str("Allow", 3)],
              ["Principal", obj(4, [["Service", str("sns.amazonaws.com", 4)]])],
              ["Action", str("sqs:SendMessage", 5)],
              ["Resource", str("*", 6)],
              ["Condition", obj(7, [["StringEquals", obj(8, [["aws:SourceAccount", guard]])]])],
            ]),
          ],
        },
      ],
    ]);

  it("a parameter is assumed to be ours and the finding says so", () => {
    const guard: SourceNode = {
      kind: "value",
      range: range(9, 7),
      value: {
        range: range(9, 7),
        parts: [
          {
            kind: "unknown",
            name: "AuditAccountId",
            provenance: { source: "parameter AuditAccountId", reason: "it has no Default" },
          },
        ],
      },
    };
    const r = checkSite({
      file: "t.yaml",
      resource: "Q",
      kind: "resource-policy",
      document: statement(guard),
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.element?.line])).toEqual([["CD301", "info", 9]]);
    expect(r.findings[0]?.message).toContain("parameter AuditAccountId");
  });

  it("the deploying account is ours: no finding, no CD301", () => {
    const guard: SourceNode = {
      kind: "value",
      value: {
        parts: [
          {
            kind: "self-account",
            name: "SELF",
            provenance: { source: "AWS::AccountId", reason: "deploy time" },
          },
        ],
      },
    };
    const r = checkSite({
      file: "t.yaml",
      resource: "Q",
      kind: "resource-policy",
      document: statement(guard),
    });
    expect(r.findings).toEqual([]);
  });

  it("an IfExists guard with an unknown value gets CD104 and CD301", () => {
    const guard: SourceNode = {
      kind: "value",
      value: {
        parts: [
          { kind: "unknown", name: "Acct", provenance: { source: "var.account", reason: "no default" } },
        ],
      },
    };
    const doc = statement(guard) as ObjectNode;
    const list = doc.entries[1]?.value as { items: ObjectNode[] };
    const st = list.items[0] as ObjectNode;
    const cond = st.entries[4]?.value as ObjectNode;
    (cond.entries[0] as { key: string }).key = "StringEqualsIfExists";
    const r = checkSite({ file: "t.yaml", resource: "Q", kind: "resource-policy", document: doc });
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(["CD104", "CD301"]);
  });
});

describe("automaton search", () => {
  it("decides a literal positive as the breadth-first search does (10,000 generated cases)", () => {
    // Literals and globs over a small alphabet, so that they often meet; accounts and ARNs included.
    const piece = fc.constantFrom("1", "2", "arn", ":", "aws", "s3", "x", "o-", "0123456789", "*", "?", "");
    const text = fc.array(piece, { maxLength: 8 }).map((a) => a.join(""));
    const account = fc.constantFrom("111122223333", "999988887777", "12345", "");
    const arn = fc
      .tuple(fc.constantFrom("arn", "ARN", "x"), text, account, text)
      .map(([a, s, acct, r]) => `${a}:aws:${s}:us-east-1:${acct}:${r}`);
    const literal = fc.oneof(text, arn, account, fc.constant("o-abcdefghij1"));
    const pattern = fc.oneof(
      literal.map((t) => exactPattern(t)),
      literal.map((t) => arnPattern(t)),
      text.map((t) => globPattern(t)),
      literal.map((t) => exactPattern(t, true)),
    );
    const union = fc.array(pattern, { minLength: 1, maxLength: 2 });
    const constraints = fc.record({
      positives: fc.array(union, { maxLength: 3 }),
      negatives: fc.array(union, { maxLength: 2 }),
    });
    const domain: fc.Arbitrary<StringDomain> = fc.oneof(
      fc.constant({ kind: "free" } as const),
      fc.constant({ kind: "account" } as const),
      fc.constant({ kind: "org" } as const),
      fc.constant({ kind: "arn", account: "empty" } as const),
      account.map((a) => ({ kind: "arn", account: { fixed: a } }) as const),
      constraints.map((j) => ({ kind: "arn", account: { joint: j } }) as const),
    );
    let literals = 0;
    fc.assert(
      fc.property(constraints, domain, (c, d) => {
        // One union and nothing else in a free domain takes any member without a search (not this shortcut).
        if (d.kind === "free" && c.negatives.length === 0 && c.positives.length <= 1) return;
        clearAutomatonCaches();
        const limits = { maxStates: 20_000, maxLength: 60 };
        const fast = solveString(c, d, limits);
        const slow = searchString(c, d, limits);
        if (c.positives.some((u) => u.length === 1 && !(u[0]?.tokens ?? []).some((t) => t.kind !== "char")))
          literals++;
        expect(fast).toEqual(slow);
      }),
      { numRuns: 10_000, seed: 77 },
    );
    expect(literals).toBeGreaterThan(1_000);
  });

  it("intersects and complements glob languages", () => {
    const r = solveString(
      { positives: [[globPattern("a*")], [globPattern("*b")]], negatives: [[exactPattern("ab")]] },
      { kind: "free" },
    );
    expect(r.found && r.value).toBeTruthy();
    if (r.found) {
      expect(r.value.startsWith("a") && r.value.endsWith("b") && r.value !== "ab").toBe(true);
    }
    expect(
      solveString({ positives: [[exactPattern("a")], [exactPattern("b")]], negatives: [] }, { kind: "free" })
        .found,
    ).toBe(false);
  });

  it("accounts: 12 digits, never one of ours", () => {
    const r = solveString(
      { positives: [[globPattern("24681357913?")]], negatives: [[exactPattern("246813579135")]] },
      { kind: "account" },
    );
    expect(r.found).toBe(true);
    if (r.found) expect(r.value).toMatch(/^24681357913[0-46-9]$/);
    const none = solveString(
      { positives: [[exactPattern("246813579135")]], negatives: [[exactPattern("246813579135")]] },
      { kind: "account" },
    );
    expect(none.found).toBe(false);
  });

  it("ARN search links the account component to the account constraints", () => {
    const r = solveString(
      { positives: [[arnPattern("arn:aws:sns:*:*:topic")]], negatives: [] },
      { kind: "arn", account: { joint: { positives: [[globPattern("1*")]], negatives: [] } } },
    );
    expect(r.found).toBe(true);
    if (r.found) {
      expect(r.value).toMatch(/^arn:aws:sns:[^:]*:1\d{11}:topic$/);
      expect(r.account).toMatch(/^1\d{11}$/);
    }
  });

  // The search is exact: whenever a brute-force enumeration finds a string, so does the search, and
  // whatever the search returns meets every constraint.
  it("agrees with brute force on small glob constraints", () => {
    const alphabet = ["a", "b", ":"];
    const patternArb = fc
      .array(fc.constantFrom("a", "b", ":", "*", "?"), { minLength: 0, maxLength: 4 })
      .map((cs) => cs.join(""));
    const strings: string[] = [""];
    for (let len = 1; len <= 5; len++) {
      const prev = strings.filter((s) => s.length === len - 1);
      for (const s of prev) for (const c of [...alphabet, "x"]) strings.push(s + c);
    }
    fc.assert(
      fc.property(
        fc.array(patternArb, { minLength: 1, maxLength: 3 }),
        fc.array(patternArb, { minLength: 0, maxLength: 2 }),
        fc.boolean(),
        (pos, neg, arnLike) => {
          const mk = (p: string) => (arnLike ? globPattern(p, false, true) : globPattern(p));
          const matches = (p: string, s: string) => matchGlob(p, s, arnLike ? { noColon: true } : {});
          const r = solveString(
            { positives: pos.map((p) => [mk(p)]), negatives: neg.map((p) => [mk(p)]) },
            { kind: "free" },
          );
          const ok = (s: string) => pos.every((p) => matches(p, s)) && !neg.some((p) => matches(p, s));
          const brute = strings.find(ok);
          if (r.found) expect(ok(r.value)).toBe(true);
          if (brute !== undefined) expect(r.found).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });

  it("arnPattern agrees with matchArnPattern", () => {
    const comp = fc.array(fc.constantFrom("a", "1", "*", "?", "/"), { maxLength: 3 }).map((c) => c.join(""));
    fc.assert(
      fc.property(
        fc.array(comp, { minLength: 6, maxLength: 6 }),
        fc.array(fc.constantFrom("a", "1", "/", "x"), { maxLength: 3 }),
        (parts, tail) => {
          const pattern = parts.join(":");
          const r = solveString({ positives: [[arnPattern(pattern)]], negatives: [] }, { kind: "free" });
          if (r.found) expect(matchArnPattern(pattern, r.value)).toBe(true);
          const candidate = `arn:${parts
            .slice(1)
            .map((p) => p.replace(/[*?]/g, "a"))
            .join(":")}${tail.join("")}`;
          if (matchArnPattern(pattern, candidate)) expect(r.found).toBe(true);
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe("search bounds", () => {
  it("a search stopped by its bound is incomplete, never safe", async () => {
    const { findForeignAccess, parsePolicy, nodeFromPlain } = await import("../src/index.js");
    const doc = allow(
      { Service: "sns.amazonaws.com" },
      { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:246813579135:t*" } },
    );
    const policy = parsePolicy(nodeFromPlain(doc), "p.json").policy;
    if (!policy?.statements[0]) throw new Error("no policy");
    const base = {
      policy,
      statement: policy.statements[0],
      principal: "sns.amazonaws.com",
      ourAccounts: new Set(["246813579135"]),
      ourOrgs: new Set<string>(),
      symbolText: (s: { name: string }) => `<${s.name}>`,
    };
    expect(findForeignAccess(base)).toEqual({ reachable: false, incomplete: false });
    expect(findForeignAccess({ ...base, limits: { maxStates: 3, maxLength: 400 } })).toEqual({
      reachable: false,
      incomplete: true,
    });
  });
});

describe("StringLike on aws:SourceArn and the service's ARN formats", () => {
  it("CloudTrail trail names never sit between colons: CD105 only", () => {
    const p = allow(
      { Service: "cloudtrail.amazonaws.com" },
      { StringLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:246813579135:trail/*" } },
    );
    expect(rules(p)).toEqual(["CD105"]);
  });
  it("a log group can be named after our account: CD102 with the spanning witness, and CD105", () => {
    const p = allow(
      { Service: "logs.us-east-1.amazonaws.com" },
      { StringLike: { "aws:SourceArn": "arn:aws:logs:*:246813579135:*" } },
    );
    const r = checkPolicyText(JSON.stringify(p), "p.json");
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102", "CD105"]);
    expect(r.findings[0]?.witness?.context["aws:SourceArn"]).toContain(":246813579135:");
    expect(r.findings[0]?.witness?.context["aws:SourceAccount"]).not.toBe("246813579135");
  });
});

describe("readable witnesses", () => {
  it("fills empty ARN components when only a Deny's condition, which the request escapes otherwise, rejects the filled ARN", () => {
    // The check that skips replaying a filled ARN once counted the condition a search branch chose
    // to escape the Deny with (ArnNotLike here); the request escapes the Deny through its other
    // condition (aws:SourceAccount), so the filled ARN is allowed and is the witness.
    const doc = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition: { ArnLike: { "aws:SourceArn": "arn:*:*:*:*:*" } },
        },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition: {
            ArnNotLike: { "aws:SourceArn": "arn::::*:" },
            StringEquals: { "aws:SourceAccount": "135792468024" },
          },
        },
      ],
    };
    const r = checkPolicyText(JSON.stringify(doc), "p.json", { accounts: ["246813579135"] });
    expect(r.findings.map((f) => f.witness?.context["aws:SourceArn"])).toEqual([
      "arn:aws:sns:us-east-1:000000000000:attacker-resource",
    ]);
  });
});
