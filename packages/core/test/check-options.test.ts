/**
 * From a hunt of the library API: `accounts: "111111111111"` (a string, not an array), an account
 * with a trailing space or `"abc"` made the user's own account foreign without a word (CD204 on a
 * policy that names it). Malformed ownership options are library misuse: a TypeError names them.
 */
import { describe, expect, it } from "vitest";
import {
  type CheckOptions,
  checkPolicy,
  checkPolicyText,
  checkSite,
  parseJsonSource,
  parsePolicy,
} from "../src/index.js";

const ACCOUNT = "210987654321";
const POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
      Condition: {
        StringEquals: { "aws:SourceAccount": ACCOUNT, "aws:SourceOrgID": "o-abcdefghij" },
      },
    },
  ],
});

const misuse = (o: unknown) => o as CheckOptions;

describe("CheckOptions.accounts and orgIds", () => {
  it("well-formed: the named account is ours", () => {
    expect(
      checkPolicyText(POLICY, "p.json", { accounts: [ACCOUNT], orgIds: ["o-abcdefghij"] }).findings,
    ).toEqual([]);
  });

  it.each([
    [
      { accounts: ACCOUNT },
      `CheckOptions.accounts must be an array of 12-digit AWS account ids, not the string "${ACCOUNT}" (write ["${ACCOUNT}"])`,
    ],
    [
      { accounts: [`${ACCOUNT} `] },
      `CheckOptions.accounts: the string "${ACCOUNT} " is not a 12-digit AWS account id`,
    ],
    [{ accounts: ["abc"] }, 'CheckOptions.accounts: the string "abc" is not a 12-digit AWS account id'],
    [
      { accounts: [210987654321] },
      "CheckOptions.accounts: the number 210987654321 is not a 12-digit AWS account id",
    ],
    [{ accounts: null }, "CheckOptions.accounts must be an array of 12-digit AWS account ids, not null"],
    [
      { orgIds: "o-abcdefghij" },
      'CheckOptions.orgIds must be an array of organization ids (o- and 10 to 32 of a-z0-9), not the string "o-abcdefghij" (write ["o-abcdefghij"])',
    ],
    [
      { orgIds: ["o-ABCDEFGHIJ"] },
      'CheckOptions.orgIds: the string "o-ABCDEFGHIJ" is not an organization id (o- and 10 to 32 of a-z0-9)',
    ],
    [
      { orgIds: ["o-short"] },
      'CheckOptions.orgIds: the string "o-short" is not an organization id (o- and 10 to 32 of a-z0-9)',
    ],
  ])("%j is a TypeError naming the value", (options, message) => {
    expect(() => checkPolicyText(POLICY, "p.json", misuse(options))).toThrow(new TypeError(message));
    const site = { file: "p.json", resource: null, kind: "policy" as const };
    // Also where nothing is read (a site without a policy): misuse is said whatever the input.
    expect(() => checkSite(site, misuse(options))).toThrow(TypeError);
    const node = parseJsonSource(POLICY, "p.json").node;
    const policy = node && parsePolicy(node, "p.json").policy;
    expect(policy).toBeDefined();
    if (policy) expect(() => checkPolicy(policy, site, misuse(options))).toThrow(TypeError);
  });

  it("empty lists are accepted (the policy's own accounts are taken as ours)", () => {
    expect(checkPolicyText(POLICY, "p.json", { accounts: [], orgIds: [] }).findings).toEqual([]);
  });
});
