/**
 * `findForeignAccess` keeps answers by query text (foreign-access.ts `queryKey`). These checks run
 * the same statements under settings that must not share an answer, and compare with a fresh run.
 */
import { describe, expect, it } from "vitest";
import { checkPolicyText, clearAnalysisCaches } from "../src/index.js";

const guarded = (operator: string, account: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: "*",
        Condition: { [operator]: { "aws:SourceAccount": account } },
      },
    ],
  });

const ids = (text: string, accounts?: string[]) =>
  checkPolicyText(text, "p.json", accounts ? { accounts } : {}).findings.map((f) => f.ruleId);

describe("answers kept between checks", () => {
  it("are not shared between different accounts of ours", () => {
    // ForAnyValue: keeps the statement away from the pinned shortcut, so the search (and its cache)
    // decides. The first account stays the same, so the deploying account renders the same in both.
    const text = guarded("ForAnyValue:StringEquals", "135792468024");
    clearAnalysisCaches();
    expect(ids(text, ["246813579135", "135792468024"])).toEqual([]);
    expect(ids(text, ["246813579135"])).toContain("CD102");
    expect(ids(text, ["246813579135", "135792468024"])).toEqual([]);
  });

  it("are not shared between a policy with a Deny and one without", () => {
    const open = JSON.stringify({
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
    const denied = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
        },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: "*",
          Condition: { StringNotEquals: { "aws:SourceAccount": "246813579135" } },
        },
      ],
    });
    clearAnalysisCaches();
    expect(ids(open, ["246813579135"])).toContain("CD101");
    expect(ids(denied, ["246813579135"])).toEqual([]);
    expect(ids(open, ["246813579135"])).toContain("CD101");
  });

  it("are not shared between two values and one value that holds the separator of the two", () => {
    // Keys once joined values with \u0002: ["a\u0002b"] and ["a", "b"] wrote the same key, and the
    // second statement got the first one's witness (an action it does not allow).
    const withActions = (actions: string[]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: actions, Resource: "*" },
        ],
      });
    const witness = (text: string) =>
      checkPolicyText(text, "p.json", { accounts: ["246813579135"] }).findings[0]?.witness?.action;
    clearAnalysisCaches();
    expect(witness(withActions(["sqs:SendMessage\u0002sqs:GetQueueUrl"]))).toBe(
      "sqs:SendMessage\u0002sqs:GetQueueUrl",
    );
    expect(["sqs:SendMessage", "sqs:GetQueueUrl"]).toContain(
      witness(withActions(["sqs:SendMessage", "sqs:GetQueueUrl"])),
    );
  });

  it("give the same findings as a run with empty caches", () => {
    const texts = [
      guarded("StringLike", "1111*"),
      guarded("ForAnyValue:StringEquals", "246813579135"),
      guarded("StringEquals", "${aws:ResourceAccount}"),
    ];
    clearAnalysisCaches();
    const first = texts.map((t) => checkPolicyText(t, "p.json", {}).findings);
    const warm = texts.map((t) => checkPolicyText(t, "p.json", {}).findings);
    clearAnalysisCaches();
    const fresh = texts.map((t) => checkPolicyText(t, "p.json", {}).findings);
    expect(warm).toEqual(first);
    expect(fresh).toEqual(first);
    expect(first.flat().length).toBeGreaterThan(0);
  });
});
