import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCloudFormation } from "../src/index.js";

// From the session-8 SAM hunt (fixtures-sam-hunt8), each compared with what aws-sam-translator
// 1.110.0 generates for the template (the hunt translated them once; the translator is not a
// dependency of these tests).
const DIR = join(import.meta.dirname, "fixtures-sam-hunt8");

async function findings(name: string, parameters?: Record<string, string>) {
  const file = join(DIR, name);
  const r = await checkCloudFormation(file, readFileSync(file, "utf8"), {
    accounts: ["246813579024"],
    ...(parameters ? { parameters } : {}),
  });
  return r.findings.map((f) => `${f.ruleId} ${f.resource}`);
}

describe("SAM's CodeDeployServiceRole", () => {
  it("Enabled from a parameter: reported, saying when; not when the deploy gives false", async () => {
    const file = join(DIR, "sam-dp.yaml");
    const r = await checkCloudFormation(file, readFileSync(file, "utf8"), { accounts: ["246813579024"] });
    expect(r.findings.map((f) => `${f.ruleId} ${f.resource}`)).toEqual(["CD101 CodeDeployServiceRole"]);
    expect(r.findings[0]?.message).toContain("if DeploymentPreference.Enabled is true in the deploy");
    // The translator makes no role for Enabled false (given, or written in any case).
    expect(await findings("sam-dp.yaml", { Canary: "false" })).toEqual([]);
    expect(await findings("sam-dp3.yaml")).toEqual([]);
  });

  it("a Role or Enabled in Globals holds for a function's own DeploymentPreference (SAM merges them)", async () => {
    expect(await findings("sam-dp-globals.yaml")).toEqual([]);
    expect(await findings("sam-dp-globals2.yaml")).toEqual([]);
  });
});

describe("SAM API resource policies", () => {
  it("Globals.Api custom statements apply to no API when the template has none (an HttpApi is not one)", async () => {
    expect((await findings("sam-globals-noapi.yaml")).filter((f) => f.includes("Globals.Api"))).toEqual([]);
  });

  it("an Api event's own Auth.ResourcePolicy.CustomStatements are checked (a miss)", async () => {
    expect(await findings("sam-evauth.yaml")).toEqual(["CD101 Api"]);
    expect(await findings("sam-sm-evauth.yaml")).toContain("CD101 Api");
  });
});

describe("SAM GraphQLApi", () => {
  it("the roles SAM generates trusting appsync.amazonaws.com are checked, as in the translation", async () => {
    expect(await findings("sam-gql.yaml")).toEqual([
      "CD101 GqlCloudWatchRole",
      "CD101 GqlTodoDynamoDBDataSourceRole",
      "CD101 GqlLamLambdaDataSourceRole",
    ]);
  });

  it("no role is generated with Logging false and ServiceRoleArn given", async () => {
    const text = readFileSync(join(DIR, "sam-gql.yaml"), "utf8")
      .replace("Logging: { FieldLogLevel: ALL }", "Logging: false")
      .replace(
        "TableArn: !GetAtt Table.Arn }",
        "TableArn: !GetAtt Table.Arn, ServiceRoleArn: arn:aws:iam::246813579024:role/r }",
      )
      .replace(
        "FunctionArn: !GetAtt Fn.Arn }",
        "FunctionArn: !GetAtt Fn.Arn, ServiceRoleArn: arn:aws:iam::246813579024:role/r }",
      );
    const r = await checkCloudFormation("gql.yaml", text, { accounts: ["246813579024"] });
    expect(r.findings).toEqual([]);
  });
});

describe("SAM SNS events with SqsSubscription", () => {
  it("the queue policy SAM writes is checked, not a Lambda permission it does not generate", async () => {
    expect(await findings("sam-sqssub.yaml")).toEqual(["CD102 FnTQueuePolicy"]);
    const own = readFileSync(join(DIR, "sam-sqssub.yaml"), "utf8")
      .replace("Topic: !Ref Topic,", "Topic: !Ref Mine,")
      .replace("Resources:\n", "Resources:\n  Mine: { Type: AWS::SNS::Topic }\n");
    const r = await checkCloudFormation("own.yaml", own, { accounts: ["246813579024"] });
    expect(r.findings).toEqual([]);
  });
});
