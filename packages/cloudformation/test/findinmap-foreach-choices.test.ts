import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";
import { resolveYaml } from "./helpers.js";

// From a hunt (never miss): Fn::FindInMap read only the entry of a parameter's Default and never
// its DefaultValue for a key not known before deploy; Fn::ForEach took the first option of an
// undecided collection; and a false alarm: AllowedValues that leave one branch of an Fn::If
// impossible were ignored.
const SECTIONS = `Parameters:
  Env: { Type: String, Default: prod }
  Only: { Type: String, AllowedValues: [prod], Default: prod }
  Pair: { Type: String, AllowedValues: [prod, test], Default: prod }
Mappings:
  Accounts:
    prod: { Id: "210987654321" }
    dev: { Id: "246813579135" }`;

describe("Fn::FindInMap keys decided by a parameter's Default", () => {
  it("reads the default's entry first, then every other entry a deploy may give", async () => {
    const r = await resolveYaml("!FindInMap [Accounts, !Ref Env, Id]", SECTIONS);
    expect(r.values).toEqual([
      {
        value: "210987654321",
        variant: "<Env>: prod (the default)",
      },
      {
        value: "246813579135",
        variant: "<Env>: dev",
      },
    ]);
  });

  it("a value given on the command line decides it", async () => {
    const r = await resolveYaml("!FindInMap [Accounts, !Ref Env, Id]", SECTIONS, { Env: "dev" });
    expect(r.values).toEqual([{ value: "246813579135", variant: undefined }]);
  });

  it("AllowedValues limit the entries, and a DefaultValue is read for an allowed key the map lacks", async () => {
    const only = await resolveYaml("!FindInMap [Accounts, !Ref Only, Id, { DefaultValue: none }]", SECTIONS);
    expect(only.values.map((v) => v.value)).toEqual(["210987654321"]);
    const pair = await resolveYaml("!FindInMap [Accounts, !Ref Pair, Id, { DefaultValue: none }]", SECTIONS);
    expect(pair.values.map((v) => v.value)).toEqual(["210987654321", "none"]);
  });

  it("a key not known before deploy reads every entry and the DefaultValue", async () => {
    const r = await resolveYaml(
      "!FindInMap [Accounts, !Ref AWS::Region, Id, { DefaultValue: none }]",
      SECTIONS,
    );
    expect(r.values.map((v) => v.value)).toEqual(["210987654321", "246813579135", "none"]);
  });
});

const topic = (condition: string, extra = "") => `Transform: AWS::LanguageExtensions
${extra}
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Pol:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Topic
            Condition: ${condition}
`;

async function findings(text: string) {
  const r = await checkCloudFormation("t.yaml", text, { accounts: ["210987654321"] });
  return r.findings.map((f) => `${f.ruleId}${f.variant ? ` when ${f.variant}` : ""}`);
}

describe("findings the choices open", () => {
  it("a DefaultValue of * for a region the map lacks admits any account", async () => {
    const text = topic(
      "{ StringLike: { aws:SourceAccount: !FindInMap [Accounts, !Ref AWS::Region, Trusted, {DefaultValue: '*'}] } }",
      'Mappings:\n  Accounts: { us-east-1: { Trusted: "210987654321" } }',
    );
    expect(await findings(text)).toEqual([
      "CD102 when <REGION> (Fn::FindInMap Accounts.?): (a key not in the map: DefaultValue)",
    ]);
  });

  it("an allowed parameter value other than the Default reads an open entry", async () => {
    const text = topic(
      "{ StringLike: { aws:SourceAccount: !FindInMap [Guard, !Ref Env, Acct] } }",
      `Parameters:
  Env: { Type: String, AllowedValues: [dev, prod], Default: prod }
Mappings:
  Guard: { prod: { Acct: "210987654321" }, dev: { Acct: "*" } }`,
    );
    expect(await findings(text)).toEqual(["CD102 when <Env>: dev"]);
  });

  it("Fn::ForEach makes the copies of every choice's collection", async () => {
    const text = `Transform: AWS::LanguageExtensions
Parameters: { Env: { Type: String, AllowedValues: [prod, dev] } }
Mappings:
  Trusted: { prod: { Accounts: ["210987654321"] }, dev: { Accounts: ["*"] } }
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Fn::ForEach::Pols:
    - Acct
    - !FindInMap [Trusted, !Ref Env, Accounts]
    - Pol&{Acct}:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [!Ref Topic]
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: { Service: s3.amazonaws.com }
                Action: sns:Publish
                Resource: !Ref Topic
                Condition: { StringLike: { aws:SourceAccount: !Ref Acct } }
`;
    const r = await checkCloudFormation("t.yaml", text, { accounts: ["210987654321"] });
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["CD102 Pol"]);
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining("the copies of every choice's items are checked"),
    );
  });

  it.each([
    ["[prod]", []],
    ["[prod, dev]", ["CD101 when <Env>: dev"]],
  ])("AllowedValues %s: the other Fn::If branch is %s", async (allowed, want) => {
    const text = topic(
      "!If [IsProd, {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}, !Ref AWS::NoValue]",
      `Parameters: { Env: { Type: String, AllowedValues: ${allowed}, Default: prod } }
Conditions: { IsProd: !Equals [!Ref Env, prod] }`,
    );
    expect(await findings(text)).toEqual(want);
  });
});

// From a review: a copy of Fn::ForEach that only one choice makes was analysed with the other
// choice too, and a resource with a Condition had its own Fn::If on that condition analysed in the
// branch where the resource does not exist: high findings for combinations no deploy has.
describe("choices a resource exists under", () => {
  it("a ForEach copy is resolved with the choice that makes it; a resource with its own Condition, with it holding", async () => {
    const text = `Transform: AWS::LanguageExtensions
Parameters:
  Env: { Type: String, AllowedValues: [prod, dev], Default: prod }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Fn::ForEach::Pols:
    - Name
    - !If [IsProd, [Orders], [Sandbox]]
    - \${Name}Policy:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [!Ref Topic]
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: { Service: s3.amazonaws.com }
                Action: sns:Publish
                Resource: !Ref Topic
                Condition: { StringEquals: { aws:SourceAccount: !If [IsProd, !Ref AWS::AccountId, "987654321098"] } }
  Guarded:
    Type: AWS::SNS::TopicPolicy
    Condition: IsProd
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: !Ref Topic
            Condition: !If [IsProd, { StringEquals: { aws:SourceAccount: !Ref AWS::AccountId } }, !Ref AWS::NoValue]
`;
    const r = await checkCloudFormation("t.yaml", text, { accounts: ["210987654321"] });
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.variant])).toEqual([
      ["CD102", "SandboxPolicy", "a copy made when <Env>: dev"],
    ]);
  });
});

// From a CloudFormation hunt: (1) a FindInMap key computed from a parameter with a Default (an
// Fn::If, an Fn::Sub) opened every entry of the map, though only the computed keys can occur (a
// regression of the Default-decided keys above); (2) a region map without one region's second-level
// key was an error (exit 2), though the template deploys in the other regions.
describe("FindInMap keys, second look", () => {
  it("a computed key opens no entry beyond what it computes", async () => {
    const text = topic(
      "{ StringLike: { aws:SourceAccount: !FindInMap [EnvMap, !If [IsProd, prod, dev], SourceAccount] } }",
      `Parameters:
  Env: { Type: String, Default: prod }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  EnvMap: { prod: { SourceAccount: "210987654321" }, dev: { SourceAccount: "210987654321" }, sandbox: { SourceAccount: "*" } }`,
    );
    expect(await findings(text)).toEqual([]);
  });

  it("a region map without the key for some region: no error", async () => {
    const text = topic(
      "{ StringEquals: { aws:SourceAccount: !FindInMap [RegionMap, !Ref AWS::Region, LogAccount] } }",
      `Mappings:
  RegionMap: { us-east-1: { LogAccount: "210987654321", ElbAccount: "127311923021" }, eu-west-1: { ElbAccount: "156460612806" } }`,
    );
    const r = await checkCloudFormation("t.yaml", text, { accounts: ["210987654321"] });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
