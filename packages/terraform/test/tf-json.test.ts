import type { SourceNode } from "@deputyguard/core";
import { describe, expect, it } from "vitest";
import { elementText, plainDocument, scan } from "./helpers.js";

/** 1-based line and column of the `nth` occurrence of `needle` (lines end at \r\n, \r or \n, as in JSON). */
function pos(text: string, needle: string, nth = 0): [number, number] {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not found`);
  }
  const before = text.slice(0, at).split(/\r\n|\r|\n/);
  return [before.length, (before[before.length - 1]?.length ?? 0) + 1];
}

/** Position of the `{` of the object in which `needle` is written. */
function objectOf(text: string, needle: string): [number, number] {
  const at = text.lastIndexOf("{", text.indexOf(needle));
  return pos(text, text.slice(at, text.indexOf(needle) + needle.length));
}

function nodeAt(node: SourceNode | undefined, ...path: Array<string | number>): SourceNode | undefined {
  let cur = node;
  for (const p of path) {
    if (typeof p === "number") cur = cur?.kind === "array" ? cur.items[p] : undefined;
    else cur = cur?.kind === "object" ? cur.entries.find((e) => e.key === p)?.value : undefined;
  }
  return cur;
}

const start = (n: SourceNode | undefined): [number, number] | undefined =>
  n?.range ? [n.range.start.line, n.range.start.column] : undefined;

const hcl = (o: unknown): string => JSON.stringify(o, null, 2);

describe(".tf.json (Terraform's JSON syntax)", () => {
  it("finds policies in jsonencode, JSON strings and policy documents, with positions inside the strings", async () => {
    const text = hcl({
      "//": "generated: do not edit",
      data: {
        aws_caller_identity: { me: {} },
        aws_iam_policy_document: {
          topic: {
            "//": { metadata: { path: "stack/topic" } },
            statement: [
              {
                sid: "Events",
                actions: ["sns:Publish"],
                resources: ["*"],
                principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
              },
              {
                sid: "Logs",
                actions: ["sns:Publish"],
                resources: ["*"],
                principals: [{ type: "Service", identifiers: ["logs.amazonaws.com"] }],
                condition: [
                  {
                    test: "StringEquals",
                    variable: "aws:SourceAccount",
                    values: ["${data.aws_caller_identity.me.account_id}"],
                  },
                ],
              },
            ],
          },
        },
      },
      resource: {
        aws_sns_topic_policy: {
          doc: { arn: "x", policy: "${data.aws_iam_policy_document.topic.json}" },
          enc: {
            arn: "x",
            policy:
              '${jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sns:Publish", Condition = { StringEquals = { "aws:SourceAccount" = "135792468024" } } }] })}',
          },
          str: {
            arn: "x",
            policy: JSON.stringify({
              Statement: [
                { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish" },
              ],
            }),
          },
        },
      },
    });
    const r = await scan({ "main.tf.json": text }, { accounts: ["210987654321"] });
    expect(r.diagnostics).toEqual([]);
    const site = (name: string) => r.sites.find((s) => s.resource === `aws_sns_topic_policy.${name}`);
    // The document's statements point at their objects in the data source.
    const doc = site("doc")?.document;
    expect(start(nodeAt(doc, "Statement", 0))).toEqual(objectOf(text, '"sid": "Events"'));
    expect(start(nodeAt(doc, "Statement", 1))).toEqual(objectOf(text, '"sid": "Logs"'));
    expect(elementText(doc, "Statement", 1, "Condition", "StringEquals", "aws:SourceAccount")).toBe(
      '["<SELF>"]',
    );
    // jsonencode inside a JSON string: `\"` escapes are counted.
    const enc = site("enc")?.document;
    expect(start(nodeAt(enc, "Statement", 0))).toEqual(pos(text, '{ Effect = \\"Allow\\"'));
    expect(start(nodeAt(enc, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount"))).toEqual(
      pos(text, '\\"135792468024\\"'),
    );
    // A JSON policy written as a JSON string.
    const str = site("str")?.document;
    expect(start(nodeAt(str, "Statement", 0))).toEqual(pos(text, '{\\"Effect\\":\\"Allow\\"'));
    expect(start(nodeAt(str, "Statement", 0, "Principal", "Service"))).toEqual(
      pos(text, '\\"events.amazonaws.com\\"', 0),
    );
    expect(
      r.findings
        .map((f) => [f.ruleId, f.resource, f.line, f.column])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual(
      [
        ["CD101", "aws_sns_topic_policy.doc", ...objectOf(text, '"sid": "Events"')],
        ["CD101", "aws_sns_topic_policy.str", ...pos(text, '{\\"Effect\\":\\"Allow\\"')],
        ["CD102", "aws_sns_topic_policy.enc", ...pos(text, '{ Effect = \\"Allow\\"')],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
  });

  it("reads labels as arrays of objects, locals as arrays, and a Lambda permission at its name", async () => {
    const text = hcl({
      locals: [{ account: "210987654321" }, { source: "${local.account}" }],
      resource: [
        {
          aws_lambda_permission: [
            {
              events: {
                function_name: "f",
                principal: "events.amazonaws.com",
                action: "lambda:InvokeFunction",
              },
            },
          ],
        },
        {
          aws_lambda_permission: {
            s3: {
              function_name: "f",
              principal: "s3.amazonaws.com",
              action: "lambda:InvokeFunction",
              source_account: "${local.source}",
            },
          },
        },
      ],
    });
    const r = await scan({ "main.tf.json": text });
    expect(r.diagnostics).toEqual([]);
    expect(r.sites.map((s) => [s.resource, s.range?.start.line, s.range?.start.column])).toEqual([
      ["aws_lambda_permission.events", ...pos(text, '"events": {')],
      ["aws_lambda_permission.s3", ...pos(text, '"s3": {')],
    ]);
    const s3 = r.sites[1]?.permission?.sourceAccount;
    expect(s3?.parts).toEqual(["210987654321"]);
  });

  it("takes variable defaults, module sources and descriptions literally, and follows modules", async () => {
    const child = hcl({
      variable: { account: { type: "string" } },
      resource: {
        aws_sns_topic_policy: {
          t: {
            arn: "x",
            policy:
              '${jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Condition = { StringEquals = { "aws:SourceAccount" = var.account } } }] })}',
          },
        },
      },
    });
    const root = hcl({
      variable: { literal: { type: "string", default: "${not.a.reference}", description: "${x}" } },
      module: { topic: { source: "./topic", account: "${var.literal}" } },
    });
    const r = await scan({ "main.tf.json": root, "topic/main.tf.json": child });
    expect(r.diagnostics).toEqual([]);
    // Analysed once, in its caller's context (not again on its own).
    expect(r.sites.map((s) => s.resource)).toEqual(["module.topic.aws_sns_topic_policy.t"]);
    expect(
      elementText(r.sites[0]?.document, "Statement", 0, "Condition", "StringEquals", "aws:SourceAccount"),
    ).toBe("${not.a.reference}");
  });

  it("reads dynamic blocks with a JSON iterator, and keys computed by interpolation", async () => {
    const text = hcl({
      variable: {
        services: { default: ["events.amazonaws.com", "s3.amazonaws.com"] },
        key: { default: "aws:SourceAccount" },
      },
      locals: { guard: { "${var.key}": "210987654321", "//": "a real key here" } },
      data: {
        aws_iam_policy_document: {
          d: {
            dynamic: {
              statement: {
                for_each: "${var.services}",
                iterator: "svc",
                content: {
                  actions: ["sns:Publish"],
                  principals: { type: "Service", identifiers: ["${svc.value}"] },
                },
              },
            },
          },
        },
      },
      resource: {
        aws_sns_topic_policy: {
          t: {
            arn: "x",
            policy:
              '${jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "sqs.amazonaws.com" }, Action = "sns:Publish", Condition = { StringEquals = local.guard } }] })}',
          },
        },
      },
    });
    const r = await scan({ "main.tf.json": text });
    expect(r.diagnostics).toEqual([]);
    const doc = r.sites.find((s) => s.resource === "data.aws_iam_policy_document.d");
    expect(
      (plainDocument(doc) as { Statement: Array<{ Principal: unknown }> }).Statement.map((s) => s.Principal),
    ).toEqual([{ Service: ["events.amazonaws.com"] }, { Service: ["s3.amazonaws.com"] }]);
    const t = r.sites.find((s) => s.resource === "aws_sns_topic_policy.t");
    expect(
      (plainDocument(t) as { Statement: Array<{ Condition: unknown }> }).Statement[0]?.Condition,
    ).toEqual({
      StringEquals: { "aws:SourceAccount": "210987654321", "//": "a real key here" },
    });
  });

  it("reports a template syntax error inside a JSON string at its place, and does not analyse the file", async () => {
    const text = hcl({
      resource: { aws_sns_topic_policy: { t: { arn: "x", policy: "${jsonencode({ a = })}" } } },
    });
    const r = await scan({ "main.tf.json": text });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["ParseError", ...pos(text, "})}")],
    ]);
    expect(r.diagnostics[0]?.message).toContain("template syntax error");
    expect(r.sites).toEqual([]);
  });

  // Regression: lines were counted at \n only, while the JSON parser also ends lines at a lone \r,
  // so every position after one pointed at the wrong line.
  it("counts lines as JSON does (a lone \\r ends a line)", async () => {
    const text = hcl({
      resource: {
        aws_sns_topic_policy: {
          t: {
            arn: "x",
            policy:
              '${jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish" }] })}',
          },
        },
      },
    }).replace(/\n/g, "\r");
    const r = await scan({ "main.tf.json": text });
    expect(r.findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ["CD101", ...pos(text, '{ Effect = \\"Allow\\"')],
    ]);
  });
});
