import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";
import { resolveYaml } from "./helpers.js";

// A false alarm found in session 6: every Fn::Equals was its own choice, so two conditions on one
// parameter (IsProd: Env = prod, IsDev: Env = dev) were analysed in a deploy where both are false,
// although AllowedValues [prod, dev] rule it out; a nested !If then reported CD101 high on the
// AWS::NoValue branch no deploy can take. Now a parameter compared with a value, or used as an
// Fn::FindInMap key, is one choice over the values the template tells apart.
const policy = (
  sourceAccount: string,
  parameters: string,
  extra = "",
) => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
${parameters}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
${extra}
Resources:
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
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
                aws:SourceAccount: ${sourceAccount}
`;

const NESTED = `!If [IsProd, "210987654321", !If [IsDev, "246813579135", !Ref AWS::NoValue]]`;

async function findings(text: string, parameters?: Record<string, string>) {
  const r = await checkCloudFormation("t.yaml", text, {
    accounts: ["210987654321", "246813579135"],
    ...(parameters ? { parameters } : {}),
  });
  return r.findings.map((f) => `${f.ruleId} ${f.severity}${f.variant ? ` when ${f.variant}` : ""}`);
}

describe("one choice per parameter", () => {
  it("AllowedValues [prod, dev]: the NoValue branch of the nested !If is no deploy, so no finding", async () => {
    expect(await findings(policy(NESTED, "  Env: { Type: String, AllowedValues: [prod, dev] }"))).toEqual([]);
    expect(
      await findings(policy(NESTED, "  Env: { Type: String, AllowedValues: [prod, dev], Default: dev }")),
    ).toEqual([]);
  });

  it("without AllowedValues another value reaches the NoValue branch: CD101, named by the parameter", async () => {
    expect(await findings(policy(NESTED, "  Env: { Type: String }"))).toEqual([
      "CD101 high when <Env>: not prod or dev",
    ]);
    expect(await findings(policy(NESTED, "  Env: { Type: String, Default: prod }"))).toEqual([
      "CD101 high when <Env>: not prod or dev",
    ]);
  });

  it("a value given decides every condition on the parameter", async () => {
    expect(await findings(policy(NESTED, "  Env: { Type: String }"), { Env: "dev" })).toEqual([]);
    expect(await findings(policy(NESTED, "  Env: { Type: String }"), { Env: "test" })).toEqual([
      "CD101 high",
    ]);
  });

  it("an Fn::FindInMap key and a condition on the same parameter agree", async () => {
    // The map gives prod's guard only to prod; dev's entry is open, but dev's deploy adds the
    // account guard through IsDev. Choosing the map key and the condition apart analysed the
    // open entry without the guard (a false CD102).
    const text = policy(
      "!If [IsDev, !Ref AWS::AccountId, !FindInMap [Guard, !Ref Env, Account]]",
      "  Env: { Type: String, AllowedValues: [prod, dev] }",
      `Mappings:
  Guard:
    prod: { Account: "210987654321" }
    dev: { Account: "*" }`,
    ).replace("StringEquals:", "StringLike:");
    expect(await findings(text)).toEqual([]);
  });

  it("a map key a deploy may give that the map lacks is no deploy to analyse (it fails)", async () => {
    const r = await resolveYaml(
      "!FindInMap [Topics, !Ref Env, Arn]",
      `Parameters: { Env: { Type: String } }
Conditions: { IsTest: !Equals [!Ref Env, test] }
Mappings:
  Topics:
    prod: { Arn: arn:aws:sns:us-east-1:210987654321:p }
    dev: { Arn: arn:aws:sns:us-east-1:210987654321:d }`,
    );
    // test (compared in IsTest) and any other value have no entry: only prod and dev remain.
    expect(r.values).toEqual([
      { value: "arn:aws:sns:us-east-1:210987654321:p", variant: "<Env>: prod" },
      { value: "arn:aws:sns:us-east-1:210987654321:d", variant: "<Env>: dev" },
    ]);
  });

  it("a comparison with a value the template builds (not text) keeps its own choice", async () => {
    const r = await resolveYaml(
      "!If [IsSame, same, other]",
      `Parameters: { Env: { Type: String }, Suffix: { Type: String, Default: od } }
Conditions: { IsSame: !Equals [!Ref Env, !Sub "pr\${Suffix}"] }`,
    );
    expect(r.values.map((v) => v.value)).toEqual(["same", "other"]);
  });

  // From a hunt: AllowedValues were honoured only for a parameter with a Default.
  it("AllowedValues without a Default rule out a compared value no deploy can give", async () => {
    const guarded = policy(
      "!Ref AWS::AccountId",
      "  Env: { Type: String, AllowedValues: [prod, staging] }",
    ).replace(
      `            Condition:
              StringEquals:
                aws:SourceAccount: !Ref AWS::AccountId`,
      `            Condition: !If
              - IsDev
              - !Ref AWS::NoValue
              - StringEquals: { aws:SourceAccount: !Ref AWS::AccountId }`,
    );
    expect(guarded).toContain("- IsDev");
    expect(await findings(guarded)).toEqual([]);
    const mapped = policy(
      "!FindInMap [Guard, !Ref Env, Pattern]",
      "  Env: { Type: String, AllowedValues: [prod] }",
      `Mappings:
  Guard:
    prod: { Pattern: "210987654321" }
    dev: { Pattern: "*" }`,
    ).replace("StringEquals:", "StringLike:");
    expect(await findings(mapped)).toEqual([]);
  });

  // From a hunt (a miss): a parameter used directly as a guard value was read as its Default, or
  // as an unknown taken for ours, although its AllowedValues let a deploy give "*".
  it("a guard value from a parameter with AllowedValues is analysed with each allowed value", async () => {
    const text = (definition: string) =>
      policy("!Ref Pattern", `  Env: { Type: String }\n  Pattern: { Type: String, ${definition} }`).replace(
        "StringEquals:",
        "StringLike:",
      );
    expect(await findings(text('Default: "210987654321", AllowedValues: ["210987654321", "*"]'))).toEqual([
      "CD102 high when <Pattern>: *",
    ]);
    expect(await findings(text('AllowedValues: ["210987654321", "*"]'))).toEqual([
      "CD102 high when <Pattern>: *",
    ]);
    expect(await findings(text('AllowedValues: ["210987654321", "246813579135"]'))).toEqual([]);
    expect(await findings(text('AllowedValues: ["210987654321", "*"]'), { Pattern: "210987654321" })).toEqual(
      [],
    );
  });
});
