import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { checkSites } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { cloudFormationFormat, scanCloudAssembly } from "../src/index.js";

// Session-16 hunt (R1), on aws-cdk's own integ.nested-stack snapshot: CDK writes the
// `aws:asset:path` metadata that named a nested stack's template file only when asked to (`cdk synth
// --no-asset-metadata` drops it; every aws-cdk integ snapshot is written without it). The nested
// template was then never scanned: "TemplateURL is not known", a TemplateNotInManifest warning
// calling it "probably left from an earlier synth", the parent's queue policy reading the nested
// stack's Outputs as unknowns (CD301 only), exit 0. The stack's asset manifest links the two: the
// TemplateURL ends in the object key of the file asset made from the nested template.
// The shapes below are those of the snapshot (trimmed), with an unguarded topic policy added.

const HASH = "1b6e7c3ef49e73924db2a960d1e71802a2f45e9b83aec318ae50c311ffcd93bf";
const NESTED = "nestedstackstestNestedStack1C289F6D5.nested.template.json";
const NESTED_ID = "NestedStack1NestedStackNestedStack1NestedStackResource7E64AD52";
const OUTPUT = "nestedstackstestNestedStack1topic02C2D1254Ref";

/** CDK's TemplateURL of a nested stack's template uploaded as `<objectKey>`. */
const templateUrl = (objectKey: string) => ({
  "Fn::Join": [
    "",
    [
      "https://s3.",
      { Ref: "AWS::Region" },
      ".",
      { Ref: "AWS::URLSuffix" },
      "/",
      { "Fn::Sub": "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}" },
      `/${objectKey}`,
    ],
  ],
});

const nestedStack = (objectKey: string, metadata?: Record<string, string>) => ({
  Type: "AWS::CloudFormation::Stack",
  Properties: {
    Parameters: { TopicNamePrefix: "Prefix1", referencetoAccount: { Ref: "AWS::AccountId" } },
    TemplateURL: templateUrl(objectKey),
  },
  UpdateReplacePolicy: "Delete",
  DeletionPolicy: "Delete",
  ...(metadata ? { Metadata: metadata } : {}),
});

const parentTemplate = (stacks: Record<string, unknown>) => ({
  Resources: {
    SubscriberQueueC193DC66: { Type: "AWS::SQS::Queue" },
    SubscriberQueuePolicy25A0799E: {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        PolicyDocument: {
          Statement: [
            {
              Action: "sqs:SendMessage",
              Condition: {
                ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [NESTED_ID, `Outputs.${OUTPUT}`] } },
              },
              Effect: "Allow",
              Principal: { Service: "sns.amazonaws.com" },
              Resource: { "Fn::GetAtt": ["SubscriberQueueC193DC66", "Arn"] },
            },
          ],
          Version: "2012-10-17",
        },
        Queues: [{ Ref: "SubscriberQueueC193DC66" }],
      },
    },
    ...stacks,
  },
});

const statement = (condition?: unknown) => ({
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: "sns:Publish",
  Resource: { Ref: "topic096865AFD" },
  ...(condition ? { Condition: condition } : {}),
});

/** The nested template: an open statement, and one pinned to the account the parent passes. */
const nestedTemplate = (stacks: Record<string, unknown> = {}) => ({
  Parameters: { TopicNamePrefix: { Type: "String" }, referencetoAccount: { Type: "String" } },
  Resources: {
    topic096865AFD: {
      Type: "AWS::SNS::Topic",
      Properties: { DisplayName: { "Fn::Join": ["", [{ Ref: "TopicNamePrefix" }, "-0"]] } },
    },
    topicPolicy: {
      Type: "AWS::SNS::TopicPolicy",
      Properties: {
        Topics: [{ Ref: "topic096865AFD" }],
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            statement(),
            statement({ StringEquals: { "aws:SourceAccount": { Ref: "referencetoAccount" } } }),
          ],
        },
      },
    },
    ...stacks,
  },
  Outputs: { [OUTPUT]: { Value: { Ref: "topic096865AFD" } } },
});

const fileAsset = (path: string, objectKey: string) => ({
  displayName: "NestedStack1 Nested Stack Template",
  source: { path, packaging: "file" },
  destinations: {
    "current_account-current_region-d8faf24c": {
      bucketName: "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}",
      objectKey,
    },
  },
});

interface AssemblyShape {
  parent?: Record<string, unknown>;
  files?: Record<string, unknown>;
  /** Whether the stack names its asset manifest among its dependencies (as CDK writes it). */
  dependsOnAssets?: boolean;
  assetManifest?: string;
  extra?: Record<string, unknown>;
}

function assembly(shape: AssemblyShape = {}): string {
  const out = join(mkdtempSync(join(tmpdir(), "cdk-assets-")), "cdk.out");
  mkdirSync(out);
  const dependencies = shape.dependsOnAssets === false ? [] : ["nested-stacks-test.assets"];
  const manifest = {
    version: "52.0.0",
    artifacts: {
      "nested-stacks-test.assets": {
        type: "cdk:asset-manifest",
        properties: { file: "nested-stacks-test.assets.json", requiresBootstrapStackVersion: 6 },
      },
      "nested-stacks-test": {
        type: "aws:cloudformation:stack",
        environment: "aws://unknown-account/unknown-region",
        properties: {
          templateFile: "nested-stacks-test.template.json",
          additionalDependencies: dependencies,
        },
        dependencies,
        displayName: "nested-stacks-test",
      },
    },
  };
  const write = (name: string, value: unknown) =>
    writeFileSync(join(out, name), typeof value === "string" ? value : JSON.stringify(value, null, 1));
  write("manifest.json", manifest);
  write(
    "nested-stacks-test.assets.json",
    shape.assetManifest ?? {
      version: "52.0.0",
      files: shape.files ?? {
        [HASH]: fileAsset(NESTED, `${HASH}.json`),
        "2f00410f0c4cade59c904f967ca645859bec11666e246895f77c4f29ac036ba2": {
          source: { path: "nested-stacks-test.template.json", packaging: "file" },
          destinations: {},
        },
      },
      dockerImages: {},
    },
  );
  write(
    "nested-stacks-test.template.json",
    shape.parent ?? parentTemplate({ [NESTED_ID]: nestedStack(`${HASH}.json`) }),
  );
  write(NESTED, nestedTemplate());
  for (const [name, value] of Object.entries(shape.extra ?? {})) write(name, value);
  return out;
}

async function scan(out: string) {
  const r = await scanCloudAssembly(out, {});
  if (!r) throw new Error("not read as a cloud assembly");
  const { findings } = checkSites(r.sites, {});
  return {
    ...r,
    findings: findings.map((f) => [relative(out, f.file), f.ruleId, f.resource, f.line, f.column]),
    codes: r.diagnostics.map((d) => [d.code, relative(out, d.file ?? ""), d.message]),
  };
}

describe("CDK nested stacks without aws:asset:path metadata", () => {
  it("are read through the stack's asset manifest, with the parent's parameters and Outputs", async () => {
    const out = assembly();
    const r = await scan(out);
    // The open statement is reported where it is; the pinned one is closed by the account the
    // parent passes; the parent's queue policy reads the nested stack's Output (no CD301).
    expect(r.findings).toEqual([[NESTED, "CD101", "topicPolicy", 38, 7]]);
    expect(r.codes).toEqual([]);
    expect(r.files.map((f) => relative(out, f))).toEqual([
      "manifest.json",
      "nested-stacks-test.template.json",
      NESTED,
    ]);
    expect(r.recognisedFiles).toBe(2);
  });

  it("give what the same assembly with the metadata gives", async () => {
    const withMetadata = await scan(
      assembly({
        parent: parentTemplate({
          [NESTED_ID]: nestedStack(`${HASH}.json`, {
            "aws:asset:path": NESTED,
            "aws:asset:property": "TemplateURL",
          }),
        }),
      }),
    );
    const without = await scan(assembly());
    expect(without.findings).toEqual(withMetadata.findings);
    expect(without.codes).toEqual(withMetadata.codes);
  });

  it("are followed from a stack's template named by itself, through the manifest beside it", async () => {
    const out = assembly();
    const file = join(out, "nested-stacks-test.template.json");
    const r = await cloudFormationFormat.extract({ file, text: readFileSync(file, "utf8") }, {});
    const { findings } = checkSites(r.sites, {});
    expect(findings.map((f) => [relative(out, f.file), f.ruleId, f.line, f.column])).toEqual([
      [NESTED, "CD101", 38, 7],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it("follow a nested stack's own nested stacks through the same asset manifest", async () => {
    const innerHash = "9f9659202ccc2bb279918da510b11586ae01bee77af0729c8a1f313489d7cc29";
    const inner = "nestedstackstestNestedStack1InnerABCD1234.nested.template.json";
    const out = assembly({
      files: {
        [HASH]: fileAsset(NESTED, `${HASH}.json`),
        [innerHash]: fileAsset(inner, `${innerHash}.json`),
      },
      extra: {
        [NESTED]: nestedTemplate({
          InnerStack: {
            Type: "AWS::CloudFormation::Stack",
            Properties: {
              Parameters: { TopicNamePrefix: "inner", referencetoAccount: { Ref: "referencetoAccount" } },
              TemplateURL: templateUrl(`${innerHash}.json`),
            },
          },
        }),
        [inner]: nestedTemplate(),
      },
    });
    const r = await scan(out);
    expect(r.findings).toEqual([
      [NESTED, "CD101", "topicPolicy", 38, 7],
      [inner, "CD101", "topicPolicy", 38, 7],
    ]);
    expect(r.codes).toEqual([]);
  });

  it("are not linked by a name or a key that only looks alike: the object key must be the URL's end", async () => {
    // The TemplateURL names another object; the asset's key ends like it, but is not it.
    const out = assembly({
      parent: parentTemplate({ [NESTED_ID]: nestedStack(`${HASH.slice(1)}.json`) }),
    });
    const r = await scan(out);
    expect(r.findings.map((f) => f[1])).toEqual(["CD301"]);
    expect(r.codes).toEqual([
      [
        "NestedStackNotChecked",
        "nested-stacks-test.template.json",
        `nested stack ${NESTED_ID}: its TemplateURL is not known before deployment (it has no aws:asset:path metadata, and no file asset of the stack's asset manifest has the object key it ends in); its policies are not checked (scan its template on its own)`,
      ],
      [
        "TemplateNotInManifest",
        NESTED,
        "a stack's asset manifest in the cloud assembly lists this template as a file asset (a nested stack's template), but no stack read links a nested stack to it, by aws:asset:path metadata or by a TemplateURL ending in its object key: it is not scanned (name the file to scan it on its own)",
      ],
    ]);
  });

  it("keep today's messages when no asset manifest links them", async () => {
    const r = await scan(assembly({ dependsOnAssets: false }));
    expect(r.findings.map((f) => f[1])).toEqual(["CD301"]);
    expect(r.codes).toEqual([
      [
        "NestedStackNotChecked",
        "nested-stacks-test.template.json",
        `nested stack ${NESTED_ID}: its TemplateURL is not known before deployment; its policies are not checked (scan its template on its own)`,
      ],
      [
        "TemplateNotInManifest",
        NESTED,
        "the cloud assembly's manifest.json names no stack with this template, and no stack read refers to it as a nested stack: it is not scanned (probably left from an earlier synth; synthesize again or delete it, or name the file to scan it anyway)",
      ],
    ]);
  });

  it("do not follow a file asset outside the cloud assembly, nor decide between two keys", async () => {
    const outside = await scan(assembly({ files: { [HASH]: fileAsset(`../${NESTED}`, `${HASH}.json`) } }));
    expect(outside.codes[0]?.slice(0, 2)).toEqual([
      "NestedStackNotChecked",
      "nested-stacks-test.template.json",
    ]);
    expect(outside.codes[0]?.[2]).toBe(
      `nested stack ${NESTED_ID}: the file asset its TemplateURL names, ../${NESTED}, is outside the cloud assembly; it is not followed, and its policies are not checked`,
    );
    const two = await scan(
      assembly({
        files: {
          [HASH]: fileAsset(NESTED, `${HASH}.json`),
          other: fileAsset("Other.nested.template.json", `x/${HASH}.json`),
        },
        parent: parentTemplate({ [NESTED_ID]: nestedStack(`x/${HASH}.json`) }),
      }),
    );
    expect(two.findings.map((f) => f[1])).toEqual(["CD301"]);
    expect(two.codes[0]?.[2]).toBe(
      `nested stack ${NESTED_ID}: its TemplateURL ends in the object keys of several file assets (${NESTED}, Other.nested.template.json); none is followed, and its policies are not checked`,
    );
  });

  it("an asset manifest that cannot be read is a warning, and the nested stack is not followed", async () => {
    const r = await scan(assembly({ assetManifest: "{ not json" }));
    expect(r.findings.map((f) => f[1])).toEqual(["CD301"]);
    expect(r.codes.map((c) => c.slice(0, 2))).toEqual([
      ["ReadError", "nested-stacks-test.assets.json"],
      ["NestedStackNotChecked", "nested-stacks-test.template.json"],
      ["TemplateNotInManifest", NESTED],
    ]);
  });
});
