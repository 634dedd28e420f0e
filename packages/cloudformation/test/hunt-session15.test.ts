import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// Session-14 hunt of nested stacks: a list passed to a child's CommaDelimitedList parameter as text
// (the knowledge-center pattern `!Join [",", !Ref List]`) reached the child as one string, so the
// guard compared the whole "a,b" and the foreign account in it was never seen (a CD204 at best).
describe("a list parameter of a nested stack given text by the parent", () => {
  const child = `Parameters:
  Accounts: { Type: CommaDelimitedList }
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Policy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Topic
            Condition:
              StringEquals:
                aws:SourceAccount: !Ref Accounts
`;
  async function scan(passed: string, defaults = "111111111111,234567890123") {
    const dir = mkdtempSync(join(tmpdir(), "nested-list-"));
    writeFileSync(join(dir, "child.yaml"), child);
    const parent = `Parameters:
  SourceAccounts: { Type: CommaDelimitedList, Default: "${defaults}" }
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
      Parameters:
        Accounts: ${passed}
`;
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    return checkCloudFormation(file, parent, { accounts: ["111111111111"] });
  }
  const rules = (r: Awaited<ReturnType<typeof scan>>) => r.findings.map((f) => f.ruleId);

  it('!Join [",", !Ref List] of the parent\'s Default: the foreign member is found (CD102)', async () => {
    const r = await scan('!Join [",", !Ref SourceAccounts]');
    expect(rules(r)).toEqual(["CD102"]);
    expect(r.findings[0]?.witness?.context["aws:SourceAccount"]).toBe("234567890123");
  });

  it("a Join with a deploy-time part beside a foreign account: CD102", async () => {
    const r = await scan('!Join [",", [!Ref AWS::AccountId, "234567890123"]]');
    expect(rules(r)).toEqual(["CD102"]);
  });

  it("our own accounts only, spaces around them trimmed: nothing", async () => {
    expect(rules(await scan('!Join [",", !Ref SourceAccounts]', "111111111111, 111111111111"))).toEqual([]);
    expect(rules(await scan('!Join [",", [!Ref AWS::AccountId, " 111111111111"]]'))).toEqual([]);
  });

  it("an imported member that may hold commas is unknown (CD301), not a guess", async () => {
    const r = await scan('!Join [",", [!ImportValue Other, !Ref AWS::AccountId]]');
    expect(rules(r)).toEqual(["CD301"]);
  });
});
