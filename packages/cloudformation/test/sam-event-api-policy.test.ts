import { describe, expect, it } from "vitest";
import { checkCloudFormation, extractCloudFormation } from "../src/index.js";

// From a differential test against aws-sam-translator 1.110.0 (run by hand, not a dependency): an
// Api event's Auth.ResourcePolicy goes into the API's policy (findings named the function, and the
// API's suppressions did not hold for it), and SAM drops it when the API has its own DefinitionBody
// and the event does not say OverrideApiAuth: true (it was CD101 high for a policy never deployed).
const template = (api: string, override = "") => `Transform: AWS::Serverless-2016-10-31
Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Metadata:
      deputyguard:
        ignore: [{ id: CD102, reason: "not this one" }]
    Properties:
      StageName: s
${api}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      CodeUri: s3://bkt/code.zip
      Events:
        A:
          Type: Api
          Properties:
            Path: /a
            Method: get
            RestApiId: !Ref MyApi
            Auth:
${override}              ResourcePolicy:
                CustomStatements:
                  - Effect: Allow
                    Principal: {Service: sns.amazonaws.com}
                    Action: execute-api:Invoke
                    Resource: execute-api:/*
`;
const BODY = `      DefinitionBody:
        swagger: "2.0"
        info: {title: x}
        paths: {}`;

async function findings(t: string) {
  const r = await checkCloudFormation("sam.yaml", t);
  return r.findings.map((f) => `${f.ruleId} ${f.resource}${f.suppressed ? " suppressed" : ""}`);
}

describe("an Api event's Auth.ResourcePolicy", () => {
  it("is the API's policy: named after the API", async () => {
    expect(await findings(template(""))).toEqual(["CD101 MyApi"]);
  });

  it("is dropped by SAM when the API has a DefinitionBody", async () => {
    expect(await findings(template(BODY))).toEqual([]);
  });

  it("is kept with OverrideApiAuth: true", async () => {
    expect(await findings(template(BODY, "              OverrideApiAuth: true\n"))).toEqual(["CD101 MyApi"]);
  });

  it("is covered by the API's suppressions", async () => {
    const r = await extractCloudFormation("sam.yaml", template(""));
    const site = r.sites.find((s) => s.propertyPath?.startsWith("Properties.Events.A"));
    expect(JSON.stringify(site?.suppressions)).toContain("not this one");
  });
});
