// Session-16 Terraform hunt: a statement read from another file than its site's (a source document
// given with file() to an aws_iam_policy_document) was reported at its own line and column applied
// to the site's file, pointing at unrelated text there.
import { describe, expect, it } from "vitest";
import {
  checkSite,
  nodeFromPlain,
  type PolicySite,
  type SourceNode,
  type SourceRange,
} from "../src/index.js";

const range = (file: string, line: number): SourceRange => ({
  file,
  start: { line, column: 5 },
  end: { line, column: 60 },
});

function site(statementFile: string, kind: PolicySite["kind"] = "resource-policy"): PolicySite {
  const statement = {
    ...nodeFromPlain({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: "*",
    }),
    range: range(statementFile, 7),
  } as SourceNode;
  const at = { file: "main.tf", start: { line: 1, column: 1 }, end: { line: 8, column: 2 } };
  return {
    file: "main.tf",
    resource: "aws_sns_topic.t",
    kind,
    propertyPath: "policy",
    range: at,
    document: {
      kind: "object",
      entries: [{ key: "Statement", value: { kind: "array", items: [statement], range: at } }],
      range: at,
    },
  };
}

describe("a statement written in another file than its site's", () => {
  it("is reported at the site, in the site's file", () => {
    const f = checkSite(site("base.json"), {}).findings;
    expect(f.map((x) => [x.ruleId, x.file, x.line, x.column])).toEqual([["CD101", "main.tf", 1, 1]]);
  });

  it("one in the site's file keeps its own place", () => {
    const f = checkSite(site("main.tf"), {}).findings;
    expect(f.map((x) => [x.ruleId, x.file, x.line, x.column])).toEqual([["CD101", "main.tf", 7, 5]]);
  });

  it("a trust policy's Resource warning is at the site too", () => {
    const d = checkSite(site("base.json", "trust-policy"), {}).diagnostics;
    expect(d.filter((x) => x.code === "PolicyShape").map((x) => [x.file, x.line, x.column])).toEqual([
      ["main.tf", 1, 1],
    ]);
  });
});
