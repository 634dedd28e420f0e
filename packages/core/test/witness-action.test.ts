/**
 * Witnesses name an action a request really carries. With `Action: "*"` or a `NotAction`, the
 * search's shortest action is the empty string (the CLI printed `witness: sns.amazonaws.com  with …`).
 */
import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

function witnessActions(statements: unknown[]): string[] {
  const r = checkPolicyText(JSON.stringify({ Version: "2012-10-17", Statement: statements }), "p.json", {
    accounts: ["314159265358"],
  });
  return r.findings.map((f) => `${f.ruleId} ${f.witness?.action}`);
}

describe("witness actions", () => {
  it('names an action of the Resource\'s service for Action "*"', () => {
    const topic = "arn:aws:sns:us-east-1:314159265358:t";
    expect(
      witnessActions([
        { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "*", Resource: topic },
      ]),
    ).toEqual(["CD101 sns:Publish"]);
  });

  it("names an action the NotAction leaves, and no action a Deny takes away", () => {
    const bucket = "arn:aws:s3:::b/*";
    expect(
      witnessActions([
        {
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          NotAction: "s3:PutObject",
          Resource: bucket,
        },
        { Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: "*" },
      ]),
    ).toEqual(["CD101 sqs:SendMessage"]);
  });

  it("names sts:AssumeRole in a trust policy with Action *", () => {
    expect(
      witnessActions([{ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "*" }]),
    ).toEqual(["CD101 sts:AssumeRole"]);
  });

  it("keeps the action the search found when it is not empty", () => {
    expect(
      witnessActions([
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "*",
        },
      ]),
    ).toEqual(["CD101 sqs:SendMessage"]);
  });
});

// From the session-8 fuzzing: the witness kept the case the search happened to find
// (`STS:assumerole` became `STS:aSSumerole`); it now names the action as AWS spells it.
describe("witness actions written in another case", () => {
  it.each([
    ["STS:assumerole", undefined, "sts:AssumeRole"],
    ["sts:ASSUMEROLE", undefined, "sts:AssumeRole"],
    ["SQS:sendmessage", "arn:aws:sqs:us-east-1:210987654321:q", "sqs:SendMessage"],
  ])("%s: %s", (action, resource, expected) => {
    const statement = {
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: action,
      ...(resource ? { Resource: resource } : {}),
    };
    const f = checkPolicyText(
      JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      "p.json",
    ).findings;
    expect(f.map((x) => `${x.ruleId} ${x.witness?.action}`)).toEqual([`CD101 ${expected}`]);
  });
});
