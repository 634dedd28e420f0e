import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchArnPattern, splitArn } from "./arn.js";
import { matchGlob } from "./wildcard.js";

/**
 * Reference for `ArnLike`, independent of `splitArn`: an escaped RegExp (test-only) in which the
 * first five components' wildcards cannot take ':' and the resource's can.
 */
function referenceArnLike(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const components = pattern.split(":");
  if (components.length < 6) return false;
  const head = components.slice(0, 5);
  const resource = components.slice(5).join(":");
  const glob = (s: string, anyChar: string) =>
    s
      .split("")
      .map((ch) =>
        ch === "*" ? `${anyChar}*` : ch === "?" ? anyChar : ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&"),
      )
      .join("");
  const source = [...head.map((c) => glob(c, "[^:]")), glob(resource, "[^]")].join(":");
  return new RegExp(`^${source}$`).test(arn);
}

describe("splitArn", () => {
  it.each<[string, string[] | null]>([
    ["arn:aws:s3:::bucket/key", ["arn", "aws", "s3", "", "", "bucket/key"]],
    [
      "arn:aws:lambda:us-east-1:123456789012:function:f:alias",
      ["arn", "aws", "lambda", "us-east-1", "123456789012", "function:f:alias"],
    ],
    ["a:b:c:d:e:", ["a", "b", "c", "d", "e", ""]],
    ["a:b:c:d:e", null],
    ["::::::", ["", "", "", "", "", ":"]],
    ["a:b:c:d", null],
    ["arn:aws:s3", null],
    ["*", null],
    ["", null],
  ])("splitArn(%j)", (value, expected) => {
    expect(splitArn(value)).toEqual(expected);
  });
});

describe("matchArnPattern (ArnLike / ArnEquals)", () => {
  const dms = "arn:aws:dms:us-east-1:999999999999:endpoint:111111111111:x";

  it("does not let a region wildcard span into the account, unlike StringLike", () => {
    // The AWS docs' example of why ArnLike differs from StringLike on aws:SourceArn.
    expect(matchArnPattern("arn:aws:dms:*:111111111111:*", dms)).toBe(false);
    expect(matchGlob("arn:aws:dms:*:111111111111:*", dms)).toBe(true);
    expect(
      matchArnPattern("arn:aws:dms:*:111111111111:*", "arn:aws:dms:us-east-1:111111111111:endpoint:x"),
    ).toBe(true);
  });

  it.each<[string, string, boolean]>([
    ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b", true],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::other/a", false],
    ["arn:aws:lambda:*:*:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f:alias", true],
    ["arn:aws:sns:us-east-?:123456789012:topic", "arn:aws:sns:us-east-1:123456789012:topic", true],
    ["arn:aws:sns:us-east-?:123456789012:topic", "arn:aws:sns:us-east-10:123456789012:topic", false],
    ["arn:aws:sqs:us-east-1*:123:q", "arn:aws:sqs:us-east-1:999:123:q", false],
    ["arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/admin", true],
    ["arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/admin", false],
    ["arn:*:s3:::b", "arn:aws-cn:s3:::b", true],
    ["arn:aws:S3:::b", "arn:aws:s3:::b", false],
    ["arn:aws:s3:::B", "arn:aws:s3:::b", false],
    ["*:*:*:*:*:*", "arn:aws:s3:::b", true],
    ["*:*:*:*:*:*", "a:b:c", false],
    ["*:*:*:*:*", "arn:aws:s3:::b", false],
    ["arn:aws:*", "arn:aws:s3:::b", false],
    ["arn:*", "arn:aws:s3:::b", false],
    ["*", "arn:aws:s3:::b", true],
    ["*", "not-an-arn", true],
    ["*", "", true],
    ["not-an-arn", "not-an-arn", false],
    ["arn:aws:s3:::*", "not-an-arn", false],
  ])("matchArnPattern(%j, %j) is %s", (pattern, arn, expected) => {
    expect(matchArnPattern(pattern, arn)).toBe(expected);
    expect(referenceArnLike(pattern, arn)).toBe(expected);
  });

  it("agrees with the reference on a small alphabet (fast-check)", () => {
    const pattern = fc.string({ unit: fc.constantFrom("a", ":", ":", "*", "?"), maxLength: 14 });
    const arn = fc.string({ unit: fc.constantFrom("a", "b", ":", ":"), maxLength: 14 });
    fc.assert(
      fc.property(pattern, arn, (p, a) => {
        expect(matchArnPattern(p, a)).toBe(referenceArnLike(p, a));
      }),
      { numRuns: 5000 },
    );
  });

  it("matches only what StringLike also matches, for patterns other than '*' (fast-check)", () => {
    const pattern = fc.string({ unit: fc.constantFrom("a", ":", "*", "?"), minLength: 5, maxLength: 14 });
    const arn = fc.string({ unit: fc.constantFrom("a", ":"), maxLength: 14 });
    fc.assert(
      fc.property(pattern, arn, (p, a) => {
        if (p !== "*" && matchArnPattern(p, a)) expect(matchGlob(p, a)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
