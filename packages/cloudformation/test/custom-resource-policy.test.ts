import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// From a hunt on real aws-cdk-lib 2.276.0 output: `targets.CloudWatchLogGroup(lg)` on an
// EventBridge rule (and an OpenSearch domain with logging) writes the log group's resource policy
// through an AwsCustomResource: a JSON string for Create and again for Update, whose
// parameters.policyDocument is a JSON string of the policy. It was passed over in silence (no
// finding, no warning), where the same statement written as AWS::Logs::ResourcePolicy is CD101 high.
const call = (action: string) => ({
  "Fn::Join": [
    "",
    [
      `{"service":"CloudWatchLogs","action":"${action}","parameters":{"policyName":"CrPolicy","policyDocument":"{\\"Statement\\":[{\\"Action\\":[\\"logs:PutLogEvents\\",\\"logs:CreateLogStream\\"],\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"Service\\":\\"events.amazonaws.com\\"},\\"Resource\\":\\"`,
      { "Fn::GetAtt": ["Lg", "Arn"] },
      `\\"}],\\"Version\\":\\"2012-10-17\\"}"},"physicalResourceId":{"id":"EventsLogGroupPolicy"}}`,
    ],
  ],
});

const template = JSON.stringify(
  {
    Resources: {
      Lg: { Type: "AWS::Logs::LogGroup" },
      Policy: {
        Type: "Custom::CloudwatchLogResourcePolicy",
        Properties: {
          ServiceToken: "arn:aws:lambda:us-east-1:210987654321:function:provider",
          Create: call("putResourcePolicy"),
          Update: call("putResourcePolicy"),
          Delete:
            '{"service":"CloudWatchLogs","action":"deleteResourcePolicy","parameters":{"policyName":"CrPolicy"}}',
        },
      },
    },
  },
  null,
  1,
);

describe("a policy a custom resource puts, as a JSON string inside its JSON parameters", () => {
  it("is checked, once for Create and Update", async () => {
    const r = await checkCloudFormation("cr.json", template);
    expect(r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.resource}`)).toEqual(["CD101 high Policy"]);
    expect(r.findings[0]?.principals).toEqual(["events.amazonaws.com"]);
  });
});
