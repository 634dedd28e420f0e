import { describe, expect, it } from "vitest";
import { checkPolicyText } from "../src/index.js";

// From a fuzz hunt: without "Version": "2012-10-17" IAM reads no policy variables, so a guard value
// "${x}" is literal and matches no real source; it got no finding, where a malformed account gets CD204.
const policy = (version: string | undefined, value: string, key = "aws:SourceAccount") =>
  JSON.stringify({
    ...(version ? { Version: version } : {}),
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: "*",
        Condition: { [key.endsWith("Arn") ? "ArnLike" : "StringEquals"]: { [key]: value } },
      },
    ],
  });

describe("policy variables without Version 2012-10-17", () => {
  it.each([
    [undefined, "${aws:ResourceAccount}", "aws:SourceAccount"],
    ["2008-10-17", "${aws:ResourceAccount}", "aws:SourceAccount"],
    [undefined, "arn:aws:events:*:${aws:ResourceAccount}:rule/*", "aws:SourceArn"],
  ])("Version %s: %s is literal and never matches (CD204)", (version, value, key) => {
    const f = checkPolicyText(policy(version, value, key), "p.json").findings;
    expect(f.map((x) => x.ruleId)).toEqual(["CD204"]);
    expect(f[0]?.message).toContain('policy variables are read only with "Version": "2012-10-17"');
  });

  it("with Version 2012-10-17 the variable is read", () => {
    expect(checkPolicyText(policy("2012-10-17", "${aws:ResourceAccount}"), "p.json").findings).toEqual([]);
  });
});
