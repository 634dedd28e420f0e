// Logical ids, parameter, mapping and condition names and resource types that are also names of
// Object.prototype members are ordinary names. A type `AWS::Constructor::Thing` made the reader fail
// with "ParseError: e.toLowerCase is not a function" (the service-key table was indexed with it).
// Regression test from that input.
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  toString: { Type: String, Default: x }
Mappings:
  constructor: { valueOf: { hasOwnProperty: "210987654321" } }
Conditions:
  hasOwnProperty: !Equals [!Ref toString, x]
Resources:
  constructor:
    Type: AWS::Constructor::Thing
  __proto__:
    Type: AWS::toString::valueOf
  toString:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref constructor]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !GetAtt constructor.Arn
            Condition:
              StringEquals:
                aws:SourceAccount: !FindInMap [constructor, valueOf, hasOwnProperty]
              ArnLike:
                aws:SourceArn: !If [hasOwnProperty, !GetAtt __proto__.Arn, !Ref constructor]
`;

describe("names of Object.prototype members", () => {
  it("are resolved like any other name", async () => {
    const r = await checkCloudFormation("t.yaml", TEMPLATE);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // SourceAccount comes from the mapping, so the statement is closed: no CD10x finding.
    expect(r.findings.filter((f) => /^CD10/.test(f.ruleId))).toEqual([]);
    expect(r.findings.every((f) => f.resource === "toString")).toBe(true);
  });
});
