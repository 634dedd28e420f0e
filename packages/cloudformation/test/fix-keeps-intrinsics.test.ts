import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyCloudFormationFixes, checkCloudFormation } from "../src/index.js";

// From a review of `--fix` (fixtures-fix-review): an aws:SourceArn from a parameter was dropped by
// the CD103 fix (its value was not seen as naming an account), one with a Default was written as the
// Default's text, and `!Ref AWS::AccountId` under an IfExists became ACCOUNT_ID (or the --account
// given); CD201 on an ARN of the deploying account claimed ArnLike "admits other accounts" and
// replaced the `!Sub` with ACCOUNT_ID. Conditions the fix keeps now stay as written.
const DIR = join(import.meta.dirname, "fixtures-fix-review");

async function fix(name: string, accounts: string[] = []) {
  const file = join(DIR, name);
  const text = readFileSync(file, "utf8");
  const before = await checkCloudFormation(file, text, { accounts });
  const out = applyCloudFormationFixes(text, file, before.findings) ?? text;
  const after = await checkCloudFormation(file, out, { accounts });
  return { before: before.findings, out, after: after.findings };
}

describe("--fix keeps the conditions it keeps as they are written", () => {
  it.each(["unk2.yaml", "unk-default.yaml"])(
    "%s: an aws:SourceArn parameter stays, SourceAccount is added",
    async (name) => {
      const { before, out, after } = await fix(name, ["731234567890"]);
      expect(before.map((f) => f.ruleId)).toContain("CD103");
      expect(out).toContain("aws:SourceArn: !Ref SourceBucketArn");
      expect(out).toContain('aws:SourceAccount: "731234567890"');
      expect(after.filter((f) => f.ruleId !== "CD301")).toEqual([]);
    },
  );

  it("an IfExists on !Ref AWS::AccountId becomes StringEquals on !Ref AWS::AccountId", async () => {
    const { before, out, after } = await fix("c104.yaml");
    expect(before.map((f) => f.ruleId)).toEqual(["CD104"]);
    expect(out).toContain("StringEquals:\n                aws:SourceAccount: !Ref AWS::AccountId");
    expect(out).not.toContain("ACCOUNT_ID");
    expect(after).toEqual([]);
  });

  it("CD201 on an ARN of the deploying account only changes the operator", async () => {
    const { before, out } = await fix("c2.yaml");
    const cd201 = before.find((f) => f.ruleId === "CD201");
    expect(cd201?.message).toContain("Use ArnLike.");
    expect(cd201?.message).not.toContain("admits other accounts");
    expect(out).toContain(
      'ArnLike:\n                aws:SourceArn: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"',
    );
  });
});

describe("--fix for an IfExists source ARN that names the deploying account (CD104)", () => {
  it("drops IfExists, keeps the !Sub, and pins !Ref AWS::AccountId", async () => {
    const { before, out, after } = await fix("ifexists-source-arn-ours.yaml");
    expect(before.map((f) => f.ruleId)).toEqual(["CD104"]);
    expect(out).toContain(
      `            Condition:
              ArnLike:
                aws:SourceArn: !Sub "arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:rule/x"
              StringEquals:
                aws:SourceAccount: !Ref AWS::AccountId
`,
    );
    expect(after).toEqual([]);
  });
});

// From the session-11 hunt on AWS's documentation policies (and the corpus's StackSets
// log-setup-management.yaml): ARNs written with `${AWS::Partition}` got a fix in `arn:aws:`, which
// never matches in aws-cn or aws-us-gov. The fix's source ARN now follows the template's partition.
describe("--fix writes the source ARN in the template's partition", () => {
  it("YAML: a bucket policy and a permission on ${AWS::Partition} ARNs get !Sub ${AWS::Partition}", async () => {
    const { before, out, after } = await fix("partition.yaml", ["731234567890"]);
    expect(before.map((f) => f.ruleId)).toEqual(["CD101", "CD101"]);
    expect(out).toContain('aws:SourceArn: !Sub "arn:${AWS::Partition}:cloudtrail:*:731234567890:*"');
    // The permission gets a SourceArn in the function's Region: Lambda refuses one whose Region is `*`.
    expect(out).toContain('SourceArn: !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:731234567890:*"');
    expect(out).not.toContain(":sns:*:");
    expect(out).not.toContain("arn:aws:");
    expect(after).toEqual([]);
  });

  it("JSON: the function's !GetAtt Arn names the partition of a permission", async () => {
    const { before, out, after } = await fix("partition.json", ["731234567890"]);
    expect(before.map((f) => f.ruleId)).toEqual(["CD101", "CD101"]);
    expect(out).toContain(
      '"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:731234567890:*"}',
    );
    expect(out).toContain(
      '"SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:731234567890:*"}',
    );
    expect(out).not.toContain(":sns:*:");
    expect(after).toEqual([]);
  });
});

// From the session-12 hunt: a permission whose SourceArn left only the account open
// (`arn:aws:execute-api:eu-west-1:*:abc123/*/*`) was fixed with `arn:aws:execute-api:*:<account>:*`,
// every API of the account in every Region. The fix now writes our account into the ARN it named
// (keeping `${AWS::Partition}` and `${AWS::Region}`), and leaves one naming a parameter as written,
// with SourceAccount added (since session 17, only there: an ARN naming our account pins it).
describe("--fix fills in the account of a source ARN and widens nothing", () => {
  it("a permission or statement keeps the resources it named", async () => {
    const { before, out, after } = await fix("lp-account-only.yaml", ["731234567890"]);
    expect(before.map((f) => [f.resource, f.ruleId])).toEqual([
      ["SnsPerm", "CD102"],
      ["OtherPerm", "CD102"],
      ["ApiPerm", "CD102"],
      ["TopicPolicy", "CD102"],
      ["TopicPolicy2", "CD102"],
    ]);
    const fixOf = (id: string) => before.find((f) => f.resource === id)?.fix;
    expect(fixOf("SnsPerm")?.permission?.sourceArn).toBe("arn:<PARTITION>:sns:<REGION>:731234567890:orders");
    expect(fixOf("OtherPerm")?.permission).toEqual({ sourceAccount: "731234567890" });
    expect(fixOf("TopicPolicy")?.condition?.ArnLike).toEqual({
      "aws:SourceArn": "arn:<PARTITION>:events:<REGION>:731234567890:rule/orders",
    });
    expect(fixOf("TopicPolicy2")?.condition?.ArnLike).toEqual({
      "aws:SourceArn": "arn:<PARTITION>:events:<REGION>:*:rule/<Other>",
    });
    expect(fixOf("TopicPolicy2")?.unchanged).toEqual([{ operator: "ArnLike", key: "aws:SourceArn" }]);
    expect(out).toContain('SourceArn: !Sub "arn:${AWS::Partition}:sns:${AWS::Region}:731234567890:orders"');
    expect(out).toContain("SourceArn: !Sub arn:${AWS::Partition}:sns:${AWS::Region}:*:${Other}");
    expect(out).toContain("SourceArn: arn:aws:execute-api:eu-west-1:731234567890:abc123/*/*");
    expect(out).not.toMatch(/:\*:731234567890:\*/);
    // SourceAccount where no rewritten ARN names our account: OtherPerm (its ARN names a parameter)
    // and the two topic policies; the permissions whose ARN now names it get none beside it.
    expect(out.match(/SourceAccount: "731234567890"/g)).toHaveLength(3);
    expect(after).toEqual([]);
  });
});
