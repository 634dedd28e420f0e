import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkCloudFormation,
  cloudFormationFormat,
  extractCloudFormation,
  findCloudAssembly,
} from "../src/index.js";
import { show } from "./helpers.js";

describe("SAM event sources (what the transform generates)", () => {
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads: { Type: AWS::S3::Bucket }
  Alerts: { Type: AWS::SNS::Topic }
  Jobs: { Type: AWS::SQS::Queue }
  Api: { Type: AWS::Serverless::Api, Properties: { StageName: prod } }
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => {};"
      Policies: [AWSLambdaBasicExecutionRole]
      Events:
        OnUpload: { Type: S3, Properties: { Bucket: !Ref Uploads, Events: s3:ObjectCreated:* } }
        OnAlert: { Type: SNS, Properties: { Topic: !Ref Alerts } }
        OnJob: { Type: SQS, Properties: { Queue: !GetAtt Jobs.Arn } }
        OnRule: { Type: EventBridgeRule, Properties: { Pattern: { source: [aws.ec2] } } }
        Nightly: { Type: Schedule, Properties: { Schedule: rate(1 day), Name: nightly } }
        Get: { Type: Api, Properties: { RestApiId: !Ref Api, Path: "/items/{id}", Method: get } }
        Skill: { Type: AlexaSkill }
        OwnSkill: { Type: AlexaSkill, Properties: { SkillId: amzn1.ask.skill.3f8a2c1e-7b4d-4e9a-9c61-0d5e2b7f4a18 } }
`;
  it("generates one permission per push event, none for SQS, with SAM's logical ids", async () => {
    const r = await extractCloudFormation("sam.yaml", template);
    const perms = r.sites.filter((s) => s.kind === "lambda-permission");
    expect(perms.map((s) => s.resource)).toEqual([
      "HandlerOnUploadPermission",
      "HandlerOnAlertPermission",
      "HandlerOnRulePermission",
      "HandlerNightlyPermission",
      "HandlerGetPermissionprod",
      "HandlerSkillPermission",
      "HandlerOwnSkillPermission",
    ]);
    const byId = new Map(perms.map((s) => [s.resource, s.permission]));
    const text = (v: { parts: unknown[] } | undefined) =>
      v ? show({ kind: "value", value: v as never }) : undefined;
    expect(text(byId.get("HandlerOnUploadPermission")?.principal)).toBe("s3.amazonaws.com");
    expect(text(byId.get("HandlerOwnSkillPermission")?.eventSourceToken)).toBe(
      "amzn1.ask.skill.3f8a2c1e-7b4d-4e9a-9c61-0d5e2b7f4a18",
    );
    expect(text(byId.get("HandlerOnUploadPermission")?.sourceAccount)).toBe("<SELF>");
    expect(byId.get("HandlerOnUploadPermission")?.sourceArn).toBeUndefined();
    expect(text(byId.get("HandlerOnAlertPermission")?.sourceArn)).toBe(
      "arn:<PARTITION>:sns:<REGION>:<SELF>:<Alerts.Name>",
    );
    expect(text(byId.get("HandlerOnRulePermission")?.sourceArn)).toBe(
      "arn:<PARTITION>:events:<REGION>:<SELF>:rule/<HandlerOnRule.Name>",
    );
    expect(text(byId.get("HandlerNightlyPermission")?.sourceArn)).toBe(
      "arn:<PARTITION>:events:<REGION>:<SELF>:rule/nightly",
    );
    expect(text(byId.get("HandlerGetPermissionprod")?.sourceArn)).toBe(
      "arn:<PARTITION>:execute-api:<REGION>:<SELF>:<Api.Ref>/*/GET/items/{id}",
    );
    // The permission points at the event that generates it.
    expect(perms[0]?.range?.start).toEqual({ line: 16, column: 9 });
  });

  // From a hunt: the permission with SkillId (EventSourceToken) was reported too, and both got the
  // advice to set SourceAccount, which Alexa does not send.
  it("reports only the Alexa skill event without SkillId (anyone's skill may invoke)", async () => {
    const r = await checkCloudFormation("sam.yaml", template);
    const weaknesses = r.findings.filter((f) => f.ruleId !== "CD301");
    expect(weaknesses.map((f) => [f.ruleId, f.resource, f.line, f.column])).toEqual([
      ["CD101", "HandlerSkillPermission", 22, 9],
    ]);
    // The session-12 hunt on SAM: the fix said to set EventSourceToken on a permission the template
    // does not hold; SAM sets it from the event's SkillId.
    expect(weaknesses[0]?.fix?.text).toBe('SkillId: "SKILL_ID"');
    expect(weaknesses[0]?.fix?.description).toMatch(
      /^Set SkillId on the AlexaSkill event Skill to your skill's ID/,
    );
    // Generated names and ids of this stack are unknowns with provenance (info only).
    for (const f of r.findings.filter((x) => x.ruleId === "CD301")) {
      expect(f.severity).toBe("info");
      expect(f.message).toMatch(/of this stack|generates the name/);
    }
  });
});

describe("the fix of a permission SAM generates is written in its event", () => {
  // An SNS event's Topic becomes the permission's SourceArn, and no event property sets
  // SourceAccount: a Topic leaving the account open is fixed in the Topic, with our account.
  it("an SNS event's Topic gets our account; a Topic naming a parameter gets a word, not a guess", async () => {
    const r = await checkCloudFormation(
      "sam-sns.yaml",
      `Transform: AWS::Serverless-2016-10-31
Parameters:
  Name: { Type: String }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler=()=>1"
      Events:
        Orders:
          Type: SNS
          Properties:
            Topic: !Sub "arn:\${AWS::Partition}:sns:eu-west-1:*:orders"
        Other:
          Type: SNS
          Properties:
            Topic: !Sub "arn:aws:sns:eu-west-1:*:\${Name}"
`,
      { accounts: ["731234567890"] },
    );
    const fixes = Object.fromEntries(
      r.findings.map((f) => [f.resource, [f.ruleId, f.fix?.text, f.fix?.description]]),
    );
    expect(fixes.FnOrdersPermission).toEqual([
      "CD102",
      'Topic: "arn:<PARTITION>:sns:eu-west-1:731234567890:orders"',
      expect.stringMatching(/^Set Topic on the SNS event Orders so that only your own resources/),
    ]);
    expect(fixes.FnOtherPermission).toEqual([
      "CD102",
      'Topic: "<an ARN in account 731234567890>"',
      expect.stringMatching(
        /^The SNS event Other sets no SourceAccount on the permission it generates: name a resource of your own account in Topic there, or write the Lambda permission yourself/,
      ),
    ]);
  });
});

describe("logical ids of the permissions SAM generates", () => {
  // Expected ids are what aws-sam-translator 1.110.0 gives for this template (run once by hand,
  // not a test dependency): Api permissions carry the stage as a suffix (Prod for the implicit
  // API, the StageName when it is a string, "Stage" for an intrinsic, a SHA-1 prefix when the
  // name is not alphanumeric), and Cognito events share one `<Function>CognitoPermission`, of which
  // the last event's is kept.
  it("names them as the SAM transform does", async () => {
    const r = await extractCloudFormation(
      "ids.yaml",
      `Transform: AWS::Serverless-2016-10-31
Parameters:
  StageParam: { Type: String, Default: beta }
Resources:
  Pool: { Type: AWS::Cognito::UserPool }
  Pool2: { Type: AWS::Cognito::UserPool }
  Dev: { Type: AWS::Serverless::Api, Properties: { StageName: dev } }
  Hyphen: { Type: AWS::Serverless::Api, Properties: { StageName: v1-x } }
  ByParam: { Type: AWS::Serverless::Api, Properties: { StageName: !Ref StageParam } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      InlineCode: x
      Events:
        Implicit: { Type: Api, Properties: { Path: /a, Method: get } }
        OnDev: { Type: Api, Properties: { RestApiId: !Ref Dev, Path: /b, Method: post } }
        OnHyphen: { Type: Api, Properties: { RestApiId: !Ref Hyphen, Path: /c, Method: any } }
        OnParam: { Type: Api, Properties: { RestApiId: !Ref ByParam, Path: /d, Method: any } }
        Http: { Type: HttpApi }
        Cog1: { Type: Cognito, Properties: { UserPool: !Ref Pool, Trigger: PreSignUp } }
        Cog2: { Type: Cognito, Properties: { UserPool: !Ref Pool2, Trigger: PostConfirmation } }
`,
    );
    const perms = r.sites.filter((s) => s.kind === "lambda-permission");
    expect(perms.map((s) => s.resource)).toEqual([
      "FnImplicitPermissionProd",
      "FnOnDevPermissiondev",
      "FnOnHyphenPermission9507903632",
      "FnOnParamPermissionStage",
      "FnHttpPermission",
      "FnCognitoPermission",
    ]);
    const cognito = perms.find((s) => s.resource === "FnCognitoPermission");
    expect(cognito?.propertyPath).toBe("Properties.Events.Cog2");
  });
});

describe("roles the SAM transform generates", () => {
  // From a hunt: SAM generates roles trusting states, events and scheduler with no condition (the
  // same trust written out gets CD101 medium), but they were not modelled: "0 policies".
  it("checks the trust of a state machine's role and of its event and ScheduleV2 roles", async () => {
    const r = await checkCloudFormation(
      "sm.yaml",
      `Transform: AWS::Serverless-2016-10-31
Resources:
  SM:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
      Events:
        Nightly: { Type: Schedule, Properties: { Schedule: rate(1 day) } }
        Own: { Type: EventBridgeRule, Properties: { Pattern: { source: [x] }, RoleArn: arn:aws:iam::210987654321:role/r } }
  Given:
    Type: AWS::Serverless::StateMachine
    Properties:
      Role: arn:aws:iam::210987654321:role/r
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      Events:
        V2: { Type: ScheduleV2, Properties: { ScheduleExpression: rate(1 day) } }
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.resource, f.line])).toEqual([
      ["CD101", "medium", "SMRole", 3],
      ["CD101", "medium", "SMNightlyRole", 8],
      ["CD101", "medium", "FnV2Role", 22],
    ]);
    expect(r.findings[0]?.message).toContain("the execution role SAM generates for SM, as no Role is given");
    expect(r.findings[2]?.message).toContain("scheduler.amazonaws.com");
  });
});

describe("suppressions of SAM resources", () => {
  // From a hunt: an ignore in a state machine's Metadata did not cover the roles SAM generates for it
  // (they have logical ids of their own) and was reported unused.
  it("cover what SAM generates for the resource, and nothing after it", async () => {
    const r = await checkCloudFormation(
      "sm.yaml",
      `Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Metadata:
      deputyguard:
        ignore:
          - { id: CD101, reason: accepted for the machine }
    Properties:
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
      Events:
        Sched: { Type: Schedule, Properties: { Schedule: rate(1 hour) } }
  Other:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
`,
    );
    const { applySuppressions } = await import("@deputyguard/core");
    const suppressions = r.sites.flatMap((s) => s.suppressions ?? []);
    const outcome = applySuppressions(r.findings, [...new Set(suppressions)], "2026-11-27");
    expect(outcome.findings.map((f) => [f.resource, !!f.suppressed])).toEqual([
      ["MachineRole", true],
      ["MachineSchedRole", true],
      ["OtherRole", false],
    ]);
    expect(outcome.unused).toEqual([]);
  });
});

describe("SAM API resource policies", () => {
  // From a hunt: SAM writes Auth.ResourcePolicy.CustomStatements into the API's execute-api policy,
  // but AWS::Serverless::Api's Auth was skipped as an identity policy and Globals were not read: an
  // unguarded statement there gave no finding and no warning.
  it("checks CustomStatements of an AWS::Serverless::Api and of Globals.Api", async () => {
    const r = await checkCloudFormation(
      "api.yaml",
      `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Auth:
      ResourcePolicy:
        CustomStatements:
          - Effect: Allow
            Principal: { Service: sns.amazonaws.com }
            Action: execute-api:Invoke
            Resource: execute-api:/*
Resources:
  MyApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        ResourcePolicy:
          CustomStatements:
            - Effect: Allow
              Principal: { Service: events.amazonaws.com }
              Action: execute-api:Invoke
              Resource: execute-api:/*
            - Effect: Allow
              Principal: { Service: events.amazonaws.com }
              Action: execute-api:Invoke
              Resource: execute-api:/*
              Condition: { StringEquals: { aws:SourceAccount: !Ref AWS::AccountId } }
`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.resource, f.line, f.statement?.index])).toEqual([
      ["CD101", "high", "Globals.Api", 7, 0],
      ["CD101", "high", "MyApi", 19, 0],
    ]);
  });
});

/** A new `cdk.out` directory (in a temporary folder) whose manifest.json lists `artifacts`. */
function cloudAssembly(artifacts: Record<string, unknown>): string {
  const out = join(mkdtempSync(join(tmpdir(), "cdk-")), "cdk.out");
  mkdirSync(out);
  writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "36.0.0", artifacts }));
  return out;
}

describe("CDK cloud assembly", () => {
  it("reads manifest.json, names stacks' templates and the construct path", async () => {
    const out = cloudAssembly({
      App: { type: "aws:cloudformation:stack", properties: { templateFile: "App.template.json" } },
      Tree: { type: "cdk:tree", properties: { file: "tree.json" } },
    });
    const dir = join(out, "..");
    writeFileSync(
      join(out, "App.template.json"),
      JSON.stringify(
        {
          Resources: {
            TopicPolicyA1B2C3: {
              Type: "AWS::SNS::TopicPolicy",
              Properties: {
                Topics: ["arn:aws:sns:us-east-1:210987654321:t"],
                PolicyDocument: {
                  Statement: [
                    {
                      Effect: "Allow",
                      Principal: { Service: "events.amazonaws.com" },
                      Action: "sns:Publish",
                      Resource: "*",
                    },
                  ],
                },
              },
              Metadata: { "aws:cdk:path": "App/Alerts/Policy/Resource" },
            },
          },
        },
        null,
        2,
      ),
    );
    expect(findCloudAssembly(dir)).toBe(out);
    const r = await cloudFormationFormat.scanDirectory?.(dir, {});
    expect(r?.files.map((f) => f.slice(out.length + 1))).toEqual(["manifest.json", "App.template.json"]);
    expect(r?.sites[0]?.resource).toBe("TopicPolicyA1B2C3");
    expect(r?.sites[0]?.variant).toBe("App/Alerts/Policy/Resource");
    expect(r?.sites[0]?.range?.start).toEqual({ line: 9, column: 27 });
  });
});

describe("CDK cloud assemblies in a tree, and templates their manifest does not name", () => {
  // From the session-11 hunt on real aws-cdk-lib output: `cdk synth` leaves the template of a stack
  // taken out of the app in cdk.out (aws/aws-cdk#2869: cdk.out is never cleaned), and it was
  // scanned as if deployed; a cdk.out below the scanned directory was read file by file, not
  // through its manifest.
  const policy = (service: string) =>
    JSON.stringify({
      Resources: {
        TP: {
          Type: "AWS::SNS::TopicPolicy",
          Properties: {
            Topics: ["x"],
            PolicyDocument: {
              Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sns:Publish" }],
            },
          },
        },
      },
    });

  function app(): { root: string; out: string } {
    const out = cloudAssembly({
      Live: { type: "aws:cloudformation:stack", properties: { templateFile: "Live.template.json" } },
    });
    writeFileSync(join(out, "Live.template.json"), policy("events.amazonaws.com"));
    writeFileSync(join(out, "Removed.template.json"), policy("s3.amazonaws.com"));
    return { root: join(out, ".."), out };
  }

  it.each([
    ["the app directory", (a: { root: string }) => a.root],
    ["the cdk.out directory", (a: { out: string }) => a.out],
  ])("scanning %s: a stale template is not scanned, with a warning", async (_what, pick) => {
    const a = app();
    const r = await cloudFormationFormat.scanDirectory?.(pick(a), {});
    expect(r?.sites.map((s) => s.file)).toEqual([join(a.out, "Live.template.json")]);
    expect(r?.files).toContain(join(a.out, "Removed.template.json"));
    expect(r?.recognisedFiles).toBe(1);
    expect(r?.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ["TemplateNotInManifest", "warning", join(a.out, "Removed.template.json")],
    ]);
  });

  it("finds an assembly deeper in the tree, and one per app", async () => {
    const a = app();
    const b = app();
    const repo = mkdtempSync(join(tmpdir(), "cdk-repo-"));
    mkdirSync(join(repo, "infra"));
    renameSync(a.root, join(repo, "infra", "one"));
    renameSync(b.root, join(repo, "two"));
    const r = await cloudFormationFormat.scanDirectory?.(repo, {});
    expect(r?.sites.map((s) => relative(repo, s.file)).sort()).toEqual([
      join("infra", "one", "cdk.out", "Live.template.json"),
      join("two", "cdk.out", "Live.template.json"),
    ]);
    expect(r?.diagnostics.map((d) => d.code)).toEqual(["TemplateNotInManifest", "TemplateNotInManifest"]);
  });

  it("a manifest the walk leaves out (.gitignore) is not read", async () => {
    const a = app();
    const repo = mkdtempSync(join(tmpdir(), "cdk-repo-"));
    renameSync(a.root, join(repo, "app"));
    expect(await cloudFormationFormat.scanDirectory?.(repo, { includeFile: () => false })).toBeUndefined();
    // Nor is an assembly below one left out looked for (its assets can be large).
    const inner = join(repo, "app", "cdk.out", "asset.1", "cdk.out");
    mkdirSync(inner, { recursive: true });
    writeFileSync(
      join(inner, "manifest.json"),
      JSON.stringify({
        version: "36.0.0",
        artifacts: {
          S: { type: "aws:cloudformation:stack", properties: { templateFile: "S.template.json" } },
        },
      }),
    );
    writeFileSync(join(inner, "S.template.json"), policy("events.amazonaws.com"));
    const r = await cloudFormationFormat.scanDirectory?.(repo, { includeFile: (f) => f.includes("asset.1") });
    expect(r).toBeUndefined();
  });

  it("a nested stack's template is read through its parent, not warned of", async () => {
    const out = cloudAssembly({
      Parent: { type: "aws:cloudformation:stack", properties: { templateFile: "Parent.template.json" } },
    });
    writeFileSync(
      join(out, "Parent.template.json"),
      JSON.stringify({
        Resources: {
          Child: {
            Type: "AWS::CloudFormation::Stack",
            Properties: { TemplateURL: "https://example.com/x" },
            Metadata: { "aws:asset:path": "ParentChild.nested.template.json" },
          },
        },
      }),
    );
    writeFileSync(join(out, "ParentChild.nested.template.json"), policy("events.amazonaws.com"));
    const r = await cloudFormationFormat.scanDirectory?.(out, {});
    expect(r?.sites.map((s) => relative(out, s.file))).toEqual(["ParentChild.nested.template.json"]);
    expect(r?.diagnostics.filter((d) => d.code === "TemplateNotInManifest")).toEqual([]);
  });
});

describe("CDK nested stacks", () => {
  // CDK writes a NestedStack's template as an asset beside the parent's in cdk.out; the parent's
  // AWS::CloudFormation::Stack has an S3 TemplateURL built at deploy time and names the file in
  // `aws:asset:path` metadata (aws-cdk's own nested-stack tests assert this metadata). Before, a
  // parent template checked on its own passed over the nested stack in silence.
  function assembly(): { out: string; parent: string } {
    const out = cloudAssembly({
      Parent: { type: "aws:cloudformation:stack", properties: { templateFile: "Parent.template.json" } },
    });
    const parent = join(out, "Parent.template.json");
    writeFileSync(
      parent,
      JSON.stringify({
        Resources: {
          ChildNestedStackResource: {
            Type: "AWS::CloudFormation::Stack",
            Properties: {
              TemplateURL: {
                "Fn::Join": [
                  "",
                  ["https://s3.", { Ref: "AWS::Region" }, ".amazonaws.com/assets/0123abcd.json"],
                ],
              },
              Parameters: { referencetoAccount: { Ref: "AWS::AccountId" } },
            },
            Metadata: {
              "aws:cdk:path": "Parent/Child.NestedStack/Child.NestedStackResource",
              "aws:asset:path": "ParentChild1234ABCD.nested.template.json",
              "aws:asset:property": "TemplateURL",
            },
          },
        },
      }),
    );
    const statement = (sid: string, condition?: unknown) => ({
      Sid: sid,
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: "*",
      ...(condition ? { Condition: condition } : {}),
    });
    writeFileSync(
      join(out, "ParentChild1234ABCD.nested.template.json"),
      JSON.stringify({
        Parameters: { referencetoAccount: { Type: "String" } },
        Resources: {
          TopicPolicy: {
            Type: "AWS::SNS::TopicPolicy",
            Properties: {
              Topics: ["arn:aws:sns:us-east-1:210987654321:t"],
              PolicyDocument: {
                Statement: [
                  statement("Open"),
                  statement("Pinned", {
                    StringEquals: { "aws:SourceAccount": { Ref: "referencetoAccount" } },
                  }),
                ],
              },
            },
            Metadata: { "aws:cdk:path": "Parent/Child/TopicPolicy/Resource" },
          },
        },
      }),
    );
    return { out, parent };
  }

  it("are followed from the parent through aws:asset:path, with the parent's parameters", async () => {
    const { parent } = assembly();
    const { readFileSync } = await import("node:fs");
    const r = await checkCloudFormation(parent, readFileSync(parent, "utf8"));
    expect(
      r.findings.map((f) => [
        f.file.endsWith("ParentChild1234ABCD.nested.template.json"),
        f.ruleId,
        f.statement,
      ]),
    ).toEqual([[true, "CD101", { index: 0, sid: "Open" }]]);
    // The parent passes its own account: the pinned statement is closed without a CD301 assumption.
    expect(r.findings.filter((f) => f.ruleId === "CD301")).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it("are read once in a cloud assembly, counted as files", async () => {
    const { out } = assembly();
    const r = await cloudFormationFormat.scanDirectory?.(join(out, ".."), {});
    expect(r?.files.map((f) => f.slice(out.length + 1))).toEqual([
      "manifest.json",
      "Parent.template.json",
      "ParentChild1234ABCD.nested.template.json",
    ]);
    expect(r?.recognisedFiles).toBe(2);
    expect(r?.sites.map((s) => s.resource)).toEqual(["TopicPolicy"]);
  });
});

describe("CDK stages", () => {
  // From a hunt: stacks of a stage (a nested cloud assembly) were named by absolute paths while the
  // other stacks kept the relative form they were given in, which changes baselines and SARIF.
  it("reads a stage's assembly and names its templates like the other stacks'", async () => {
    const out = cloudAssembly({
      Prod: { type: "cdk:cloud-assembly", properties: { directoryName: "assembly-Prod" } },
    });
    const stage = join(out, "assembly-Prod");
    mkdirSync(stage);
    writeFileSync(
      join(stage, "manifest.json"),
      JSON.stringify({
        version: "36.0.0",
        artifacts: {
          ProdApp: {
            type: "aws:cloudformation:stack",
            properties: { templateFile: "ProdApp.template.json" },
          },
        },
      }),
    );
    writeFileSync(
      join(stage, "ProdApp.template.json"),
      JSON.stringify({
        Resources: {
          TP: {
            Type: "AWS::SNS::TopicPolicy",
            Properties: {
              Topics: ["x"],
              PolicyDocument: {
                Statement: [
                  { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish" },
                ],
              },
            },
          },
        },
      }),
    );
    const before = process.cwd();
    process.chdir(join(out, ".."));
    try {
      const r = await cloudFormationFormat.scanDirectory?.("cdk.out", {});
      expect(r?.sites.map((s) => s.file)).toEqual([
        join("cdk.out", "assembly-Prod", "ProdApp.template.json"),
      ]);
    } finally {
      process.chdir(before);
    }
  });
});

describe("nested stack paths (review of the first version)", () => {
  it("resolves a TemplateURL or Location from a parameter, and names the nested file relative to the parent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nested-param-"));
    writeFileSync(
      join(dir, "child.yaml"),
      `Resources:
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
`,
    );
    const text = `Transform: AWS::Serverless-2016-10-31
Parameters:
  ChildPath: { Type: String }
Resources:
  Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Ref ChildPath
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: !Ref ChildPath
`;
    const parent = join(dir, "parent.yaml");
    writeFileSync(parent, text);
    const unknown = await extractCloudFormation(parent, text);
    expect(unknown.diagnostics.map((d) => d.message)).toEqual([
      "nested stack Stack: its TemplateURL is not known before deployment; its policies are not checked (scan its template on its own)",
      "nested application App: its Location is not known before deployment; its policies are not checked (scan its template on its own)",
    ]);
    const given = await extractCloudFormation(parent, text, { parameters: { ChildPath: "child.yaml" } });
    expect(given.diagnostics).toEqual([]);
    expect(given.sites.map((s) => s.file)).toEqual([join(dir, "child.yaml"), join(dir, "child.yaml")]);
    expect(given.nestedFiles).toEqual([join(dir, "child.yaml")]);
    const relativeParent = join(relative(process.cwd(), dir), "parent.yaml");
    const rel = await extractCloudFormation(relativeParent, text, {
      parameters: { ChildPath: "child.yaml" },
    });
    expect(rel.sites[0]?.file).toBe(join(relative(process.cwd(), dir), "child.yaml"));
  });

  it("does not follow an asset path out of the cloud assembly, nor read a file that is not a regular file", async () => {
    const out = cloudAssembly({});
    const stack = (name: string, metadata: Record<string, string>, url: unknown = "https://x/y.json") => ({
      [name]: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url }, Metadata: metadata },
    });
    const text = JSON.stringify(
      {
        Resources: {
          ...stack("Absolute", { "aws:asset:path": "/etc/hostname" }),
          ...stack("Up", { "aws:asset:path": "../elsewhere.nested.template.json" }),
          ...stack("Device", {}, "/dev/zero"),
        },
      },
      null,
      1,
    );
    const parent = join(out, "Parent.template.json");
    writeFileSync(parent, text);
    const r = await extractCloudFormation(parent, text);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "NestedStackNotChecked nested stack Absolute: its aws:asset:path /etc/hostname is outside the cloud assembly; it is not followed, and its policies are not checked",
      "NestedStackNotChecked nested stack Up: its aws:asset:path ../elsewhere.nested.template.json is outside the cloud assembly; it is not followed, and its policies are not checked",
      "ReadError nested stack Device: cannot read /dev/zero (not a regular file); its policies are not checked",
    ]);
  });
});

describe("nested stacks that are not followed", () => {
  it("say so: a remote template, an unknown TemplateURL and a Serverless Application Repository app", async () => {
    const r = await extractCloudFormation(
      "t.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Url: { Type: String }
Resources:
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
  FromParameter:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Ref Url
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x
        SemanticVersion: 1.0.0
`,
    );
    expect(r.diagnostics.map((d) => `${d.code} ${d.line} ${d.message}`)).toEqual([
      "NestedStackNotChecked 8 nested stack Remote: its template is at https://s3.amazonaws.com/bucket/child.yaml, which is not downloaded; its policies are not checked (scan its template on its own)",
      "NestedStackNotChecked 12 nested stack FromParameter: its TemplateURL is not known before deployment; its policies are not checked (scan its template on its own)",
      "NestedStackNotChecked 17 nested application App: it comes from the Serverless Application Repository, which is not downloaded; its policies are not checked (scan its template on its own)",
    ]);
  });
});

describe("nested stacks, Fn::ForEach, string policies", () => {
  it("follows a local TemplateURL with the parent's parameters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nested-"));
    writeFileSync(
      join(dir, "child.yaml"),
      `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TrustedAccount: { Type: String }
Resources:
  Policy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition: { StringEquals: { aws:SourceAccount: !Ref TrustedAccount } }
`,
    );
    const parent = join(dir, "parent.yaml");
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
      Parameters: { TrustedAccount: !Ref AWS::AccountId }
  Loop:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: ./parent.yaml }
`;
    writeFileSync(parent, text);
    const r = await extractCloudFormation(parent, text);
    const site = r.sites.find((s) => s.file.endsWith("child.yaml"));
    expect(site).toBeDefined();
    expect(JSON.stringify(show(site?.document))).toContain('"aws:SourceAccount":"<SELF>"');
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: "CircularReference", line: 10 }));
    const checked = await checkCloudFormation(parent, text);
    expect(checked.findings).toEqual([]);
  });

  it("expands Fn::ForEach over a known collection", async () => {
    const r = await checkCloudFormation(
      "each.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList, Default: "orders,refunds" }
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Policy\${Name}:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [!Sub "arn:aws:sns:us-east-1:210987654321:\${Name}"]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: { Service: events.amazonaws.com }
                Action: sns:Publish
                Resource: !Sub "arn:aws:sns:us-east-1:210987654321:\${Name}"
`,
    );
    expect(r.sites.map((s) => s.resource)).toEqual(["Policyorders", "Policyrefunds"]);
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.line, f.column])).toEqual([
      ["CD101", "Policyorders", 15, 17],
      ["CD101", "Policyrefunds", 15, 17],
    ]);
  });

  // Before, a loop over a collection unknown before deploy (a parameter without a default) was not
  // expanded, and an unguarded statement in it gave "0 findings" with only a warning.
  it("checks Fn::ForEach over a collection unknown before deploy once, the item unknown", async () => {
    const r = await checkCloudFormation(
      "each.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList }
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Open\${Name}:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [!Sub "arn:aws:sns:us-east-1:210987654321:\${Name}"]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: { Service: events.amazonaws.com }
                Action: sns:Publish
                Resource: !Sub "arn:aws:sns:us-east-1:210987654321:&{Name}"
      Pinned\${Name}:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [x]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: { Service: events.amazonaws.com }
                Action: sns:Publish
                Resource: "*"
                Condition:
                  ArnLike:
                    aws:SourceArn: !Sub ["arn:aws:events:us-east-1:\${AWS::AccountId}:rule/\${Name}-\${Suffix}", { Suffix: x }]
      ByItem\${Name}:
        Type: AWS::SNS::TopicPolicy
        Properties:
          Topics: [x]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Principal: { Service: events.amazonaws.com }
                Action: sns:Publish
                Resource: "*"
                Condition: { StringEquals: { aws:SourceAccount: !Ref Name } }
`,
    );
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(["UnsupportedConstruct 6:3"]);
    expect(r.diagnostics[0]?.message).toContain("the loop is checked once, with Name standing for any item");
    const resources = r.sites.map((s) => s.resource);
    expect(resources).toEqual(["Open${Name}", "Pinned${Name}", "ByItem${Name}"]);
    const open = r.sites[0]?.document;
    expect(JSON.stringify(show(open))).toContain('"Resource":"arn:aws:sns:us-east-1:210987654321:<Name>"');
    // The open copy is reported whatever the item is; the pinned one is closed by our account in its
    // ARN; the one whose guard is the item is an assumption (CD301), as for any unknown guard value.
    expect(r.findings.map((f) => [f.ruleId, f.resource])).toEqual([
      ["CD101", "Open${Name}"],
      ["CD301", "ByItem${Name}"],
    ]);
  });

  it("reads a policy written as a JSON string in a !Sub block, lines mapped to the template", async () => {
    const r = await checkCloudFormation(
      "logs.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeliveryPolicy:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: delivery
      PolicyDocument: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": { "Service": "delivery.logs.amazonaws.com" },
              "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
              "Resource": "arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/vendedlogs/*"
            }
          ]
        }
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([["CD101", 11, 13]]);
  });

  // From a hunt: with a variable map (the list form) the finding pointed at the `Fn::Sub:` line.
  it("maps lines of a !Sub block in the list form, with variables, to the template", async () => {
    const r = await checkCloudFormation(
      "logs.yaml",
      `Resources:
  DeliveryPolicy:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyName: delivery
      PolicyDocument:
        Fn::Sub:
          - |
            {
              "Statement": [
                {
                  "Effect": "Allow",
                  "Principal": { "Service": "\${Svc}" },
                  "Action": "logs:PutLogEvents",
                  "Resource": "*"
                }
              ]
            }
          - Svc: events.amazonaws.com
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column, f.element?.line])).toEqual([
      ["CD101", 11, 17, 13],
    ]);
  });

  it("names the Fn::If branch a finding comes from", async () => {
    const r = await checkCloudFormation(
      "if.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Strict: { Type: String, AllowedValues: ["yes", "no"] }
Conditions:
  IsStrict: !Equals [!Ref Strict, "yes"]
Resources:
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceAccount: !If [IsStrict, !Ref AWS::AccountId, !Ref AWS::NoValue]
`,
    );
    expect(r.findings.map((f) => [f.ruleId, f.resource, f.line, f.column])).toEqual([
      ["CD101", "Permission", 7, 3],
    ]);
    expect(r.findings[0]?.message).toContain("(<Strict>: no)");
  });

  // From a hunt: each branch of a policy repeated its diagnostics (two identical UnresolvedCondition warnings).
  it("gives a diagnostic the branches share once", async () => {
    const r = await checkCloudFormation(
      "ifs.yaml",
      `Parameters:
  UseGuard: { Type: String, AllowedValues: ["true", "false"] }
  CondParam: { Type: String }
Conditions:
  Guard: !Equals [!Ref UseGuard, "true"]
Resources:
  QP:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement:
          - Effect: !If [Guard, Deny, Allow]
            Principal: { Service: sns.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
          - Effect: Allow
            Principal: { Service: config.amazonaws.com }
            Action: sqs:SendMessage
            Resource: "*"
            Condition: !Ref CondParam
`,
    );
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([["UnresolvedCondition", 21]]);
  });

  it("skips a resource only when the given values make its condition false", async () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Parameters: { Env: { Type: String, Default: dev } }
Conditions: { IsProd: !Equals [!Ref Env, prod] }
Resources:
  Permission:
    Type: AWS::Lambda::Permission
    Condition: IsProd
    Properties: { FunctionName: fn, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com }
`;
    expect((await extractCloudFormation("cond.yaml", text, { parameters: { Env: "dev" } })).sites).toEqual(
      [],
    );
    // With the Default alone, the resource is still checked, and its findings say when it exists.
    const r = await checkCloudFormation("cond.yaml", text);
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD101"]);
    expect(r.findings[0]?.message).toContain(
      "only if condition IsProd holds (false with the parameter defaults)",
    );
    const prod = await checkCloudFormation("cond.yaml", text, { parameters: { Env: "prod" } });
    expect(prod.findings[0]?.message).not.toContain("condition IsProd");
  });
});

// From a CloudFormation hunt (never miss): a nested stack's parameters were the parent's first
// choice (or its Default), passed as given, so the child's conditions were decided and the branch
// other deploys of the parent reach was never analysed.
describe("nested stack parameters that depend on the parent's choices", () => {
  const child = `Parameters:
  GuardMode: { Type: String, Default: strict }
Conditions:
  Strict: !Equals [!Ref GuardMode, strict]
Resources:
  TP:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [x]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: "*"
            Condition: !If [Strict, { StringEquals: { aws:SourceAccount: !Ref AWS::AccountId } }, !Ref AWS::NoValue]
`;
  it.each([
    [
      "an Fn::If on an undecided parent condition",
      "Stage: { Type: String, AllowedValues: [prod, dev] }",
      "!If [IsProd, strict, open]",
    ],
    ["a parent parameter with a Default", "GuardMode: { Type: String, Default: strict }", "!Ref GuardMode"],
  ])("%s: the child's other branch is analysed", async (_what, parameter, value) => {
    const dir = mkdtempSync(join(tmpdir(), "nested-choice-"));
    writeFileSync(join(dir, "child.yaml"), child);
    const text = `Parameters:
  ${parameter}
Conditions:
  IsProd: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child.yaml
      Parameters:
        GuardMode: ${value}
`;
    const parent = join(dir, "parent.yaml");
    writeFileSync(parent, text);
    const r = await checkCloudFormation(parent, text);
    expect(r.findings.map((f) => f.ruleId)).toContain("CD101");
  });
});

// A parent that passes AWS::NoValue in some of its deploys leaves the child's Default in force
// there: it was an unknown (CD301 with the guard trusted) for every deploy, so the Default's
// foreign account was never seen.
describe("nested stack parameters the parent passes as AWS::NoValue in some deploys", () => {
  const child = (defaultLine: string) => `Parameters:
  Caller: { Type: String${defaultLine} }
Resources:
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: fn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: arn:aws:s3:::uploads
      SourceAccount: !Ref Caller
`;
  const parent = `Parameters:
  Strict: { Type: String, AllowedValues: ["yes", "no"] }
Conditions:
  IsStrict: !Equals [!Ref Strict, "yes"]
Resources:
  Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child.yaml
      Parameters:
        Caller: !If [IsStrict, !Ref AWS::AccountId, !Ref AWS::NoValue]
`;
  async function scan(childText: string) {
    const dir = mkdtempSync(join(tmpdir(), "nested-novalue-"));
    writeFileSync(join(dir, "child.yaml"), childText);
    const file = join(dir, "parent.yaml");
    writeFileSync(file, parent);
    return checkCloudFormation(file, parent, { accounts: ["246813579135"] });
  }

  it("the child's foreign Default is analysed where the parent passes nothing", async () => {
    const r = await scan(child(", Default: '210987654321'"));
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.findings[0]?.message).toContain("(<Caller>: 210987654321)");
    expect(r.findings.filter((f) => f.ruleId === "CD301")).toEqual([]);
  });

  it("no finding when the child's Default is our account", async () => {
    const r = await scan(child(", Default: '246813579135'"));
    expect(r.findings).toEqual([]);
  });

  it("a deploy-time value beside a text one is passed as itself, not as an unknown", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nested-self-"));
    writeFileSync(join(dir, "child.yaml"), child(""));
    const file = join(dir, "parent.yaml");
    const text = parent.replace("!Ref AWS::NoValue", '"210987654321"');
    writeFileSync(file, text);
    const r = await checkCloudFormation(file, text, { accounts: ["246813579135"] });
    expect(r.findings.map((f) => f.ruleId)).toEqual(["CD102"]);
    expect(r.findings[0]?.message).toContain("(<Caller>: 210987654321)");
  });

  it("a child parameter without a Default fails that deploy: only the passed value is analysed", async () => {
    const r = await scan(child(""));
    expect(r.findings).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
