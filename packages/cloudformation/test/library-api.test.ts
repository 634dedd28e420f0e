import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

/** A queue policy that lets SNS from any account send (CD101), with the given Metadata. */
const template = (metadata: string) => `Resources:
  Queue:
    Type: AWS::SQS::QueuePolicy
${metadata}
    Properties:
      Queues: [q]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
  Open:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [r]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
`;

// From a hunt of the library API: checkCloudFormation ignored `Metadata.deputyguard.ignore`, which
// the CLI applies: a library user saw accepted findings as open ones.
describe("checkCloudFormation applies Metadata.deputyguard.ignore as the CLI does", () => {
  it("marks the findings a resource's ignore covers, and only those", async () => {
    const r = await checkCloudFormation(
      "t.yaml",
      template(`    Metadata:
      deputyguard:
        ignore:
          - { id: CD101, reason: "SNS topics of a partner account" }`),
    );
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.suppressed])).toEqual([
      ["CD101", "Queue", { kind: "inSource", justification: "SNS topics of a partner account" }],
      ["CD101", "Open", undefined],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("string form, by slug, with a reason after --", async () => {
    const r = await checkCloudFormation(
      "t.yaml",
      template(`    Metadata:
      deputyguard:
        ignore: ["service-principal-without-source-guard -- accepted"]`),
    );
    expect(r.findings.find((f) => f.resource === "Queue")?.suppressed?.justification).toBe("accepted");
  });

  it("a suppression without a reason or expired is a warning; an expired one no longer suppresses", async () => {
    const r = await checkCloudFormation(
      "t.yaml",
      template(`    Metadata:
      deputyguard:
        ignore:
          - CD101
          - { id: CD101, reason: old, until: "2001-01-01" }`),
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["SuppressionWithoutReason", 7],
      ["SuppressionExpired", 8],
    ]);
    expect(r.findings.find((f) => f.resource === "Queue")?.suppressed).toEqual({
      kind: "inSource",
      justification: "",
    });
  });
});
