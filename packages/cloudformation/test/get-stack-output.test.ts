import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// From a hunt on real aws-cdk-lib 2.276.0 output (recommended feature flags): a cross-stack
// reference is written as Fn::GetStackOutput, a documented intrinsic function, which was warned
// about as "not a CloudFormation intrinsic function".
const template = JSON.stringify({
  Resources: {
    Q: { Type: "AWS::SQS::Queue" },
    QPolicy: {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [{ Ref: "Q" }],
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "sns.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: { "Fn::GetAtt": ["Q", "Arn"] },
              Condition: {
                ArnEquals: {
                  "aws:SourceArn": {
                    "Fn::GetStackOutput": {
                      StackName: "Producer",
                      Region: "us-east-1",
                      OutputName: "PublishOutputRefTD925BC7E418E985D",
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
  },
});

describe("Fn::GetStackOutput", () => {
  it("is another stack's output, unknown with its provenance, and no warning", async () => {
    const r = await checkCloudFormation("consumer.json", template);
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(["CD301 info"]);
    expect(r.findings[0]?.message).toContain(
      "Fn::GetStackOutput Producer.PublishOutputRefTD925BC7E418E985D (an output of another stack, known only at deploy time)",
    );
  });
});
