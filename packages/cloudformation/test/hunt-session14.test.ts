import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// Regressions from the session-14 hunt of nested and CDK templates (reduced from its in/t17.yaml).
describe("messages about a guard value with parts known only at deploy time", () => {
  it('a literal ${...} without Version shows the unknown partition and Region as "…", never as a NUL', async () => {
    const text = `Resources:
  T: {Type: AWS::SNS::Topic}
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref T]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: '*'
            Condition:
              ArnLike:
                aws:SourceArn: !Sub 'arn:\${AWS::Partition}:events:\${AWS::Region}:your-account-id:rule/\${!Literal}'
`;
    const r = await checkCloudFormation("t17.yaml", text, {});
    const messages = r.findings.map((f) => f.message);
    expect(
      messages.some((m) =>
        m.includes('"arn:…:events:…:your-account-id:rule/${Literal}" is compared literally'),
      ),
    ).toBe(true);
    expect(messages.join("\n")).not.toContain("\u0000");
  });
});
