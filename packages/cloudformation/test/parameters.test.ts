import { describe, expect, it } from "vitest";
import { parseParameterArgument, parseParametersFile } from "../src/index.js";

describe("--parameters file.json and --parameter Key=Value", () => {
  it.each([
    [
      '[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Ids", "ParameterValue": ["a", "b"]}]',
    ],
    ['{"Parameters": {"Env": "prod", "Ids": ["a", "b"]}}'],
    ['{"Env": "prod", "Ids": "a,b"}'],
  ])("reads %s", (text) => {
    expect({ ...parseParametersFile(text, "p.json") }).toEqual({ Env: "prod", Ids: "a,b" });
  });

  it("says where a bad file is wrong", () => {
    expect(() => parseParametersFile('[{"ParameterKey": "Env"}]', "p.json")).toThrow(
      /p.json: parameter Env has no ParameterValue/,
    );
    expect(() => parseParametersFile("{", "p.json")).toThrowError(
      expect.objectContaining({ code: "ConfigError", line: 1 }),
    );
  });

  it("splits Key=Value at the first =", () => {
    expect(parseParameterArgument("Filter=a=b")).toEqual(["Filter", "a=b"]);
    expect(() => parseParameterArgument("novalue")).toThrow(/Key=Value/);
  });
});

// From a hunt: CommaDelimitedList members were not space trimmed, so "210987654321, 310987654321"
// gave the account " 310987654321" and a CD204 (not an account id) where the guard is sound.
describe("CommaDelimitedList members are space trimmed", () => {
  it("a list of accounts with spaces after the commas is a sound guard", async () => {
    const { checkCloudFormation } = await import("../src/index.js");
    const text = `Parameters:
  Accts: { Type: CommaDelimitedList, Default: "210987654321, 310987654321" }
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
            Condition: { StringEquals: { aws:SourceAccount: !Ref Accts } }
`;
    const r = await checkCloudFormation("t.yaml", text, { accounts: ["210987654321", "310987654321"] });
    expect(r.findings).toEqual([]);
  });
});
