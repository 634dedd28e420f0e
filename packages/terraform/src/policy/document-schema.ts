import type { Attribute, Block, Body, Expr } from "../hcl/syntax.js";

/**
 * The arguments and nested block types of the blocks of an `aws_iam_policy_document`
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).
 * Terraform rejects any other name in them, so a typo (`principal {`) never deploys; reading past it
 * in silence would check a policy that is not the one written.
 */
const STATEMENT_BLOCKS = ["principals", "not_principals", "condition"];

const SCHEMA: Readonly<Record<string, { arguments: readonly string[]; blocks: readonly string[] }>> = {
  statement: {
    arguments: ["sid", "effect", "actions", "not_actions", "resources", "not_resources"],
    blocks: STATEMENT_BLOCKS,
  },
  principals: { arguments: ["type", "identifiers"], blocks: [] },
  not_principals: { arguments: ["type", "identifiers"], blocks: [] },
  condition: { arguments: ["test", "variable", "values"], blocks: [] },
};

/** Block types of a policy document that Terraform 0.11 also read written as an argument. */
const ARGUMENT_BLOCKS: ReadonlySet<string> = new Set(["statement", ...STATEMENT_BLOCKS]);

export type Report = (offset: number, message: string) => void;

/** The literal name of an object key (`type = ...`, `"type" = ...`). */
function keyName(e: Expr): string | undefined {
  if (e.type === "variable") return e.name;
  if (e.type === "literal" && typeof e.value === "string") return e.value;
  if (e.type === "template" && e.parts.length === 1 && e.parts[0]?.kind === "text") return e.parts[0].text;
  if (e.type === "paren") return keyName(e.expr);
  return undefined;
}

/** An object constructor as the block body HCL 1 (Terraform 0.11) made of it. */
function objectBody(e: Expr): Body | undefined {
  if (e.type !== "object") return undefined;
  const attributes = new Map<string, Attribute>();
  for (const item of e.items) {
    const name = keyName(item.key);
    if (name === undefined) return undefined;
    attributes.set(name, { name, nameSpan: item.key.span, expr: item.value, span: item.span });
  }
  return { attributes, blocks: [], span: e.span };
}

/**
 * Blocks of `type` written as an argument, `principals = { type = "Service", ... }` (or a list of
 * such objects), in Terraform 0.11 style. Terraform 0.12 and later reject the file ("Unsupported
 * argument"), but 0.11 deployed it as the block, so it is reported as an error and read as the
 * block: a principal without a guard is still found. A value that is no object constructor is only
 * reported.
 */
export function argumentBlocks(body: Body, type: string, report: Report): Block[] {
  if (!ARGUMENT_BLOCKS.has(type)) return [];
  const a = body.attributes.get(type);
  if (!a) return [];
  // `"condition": []` in a .tf.json file is zero blocks (JSON syntax writes blocks as arrays of
  // objects, and the reader cannot tell an empty one from an argument); in native syntax it is an
  // error Terraform reports, but it adds nothing to the policy either way.
  if (a.expr.type === "tuple" && a.expr.items.length === 0) return [];
  const values = a.expr.type === "tuple" ? a.expr.items : [a.expr];
  const bodies = values.map(objectBody);
  const read = bodies.every((b) => b !== undefined);
  report(
    a.nameSpan.start,
    `${type} is written as an argument (${type} = ${a.expr.type === "tuple" ? "[{...}]" : "{...}"}); Terraform 0.12 and later accept only a block: ${type} { ... }. ${read ? "It is analysed as the block Terraform 0.11 made of it" : "Its value is not an object written out, so it is not analysed"}`,
  );
  if (!read) return [];
  return (bodies as Body[]).map((b) => ({ type, labels: [], labelSpans: [], body: b, span: a.span }));
}

/** What a block of a policy document takes, for messages. */
function takes(type: string, schema: { arguments: readonly string[]; blocks: readonly string[] }): string {
  const blocks = schema.blocks.length ? `the blocks ${schema.blocks.join(", ")}` : "no blocks";
  return `${type} takes the arguments ${schema.arguments.join(", ")} and ${blocks}`;
}

/**
 * Reports the arguments and blocks of a `type` block of a policy document that Terraform rejects.
 * Blocks written as arguments are reported as `argumentBlocks` does (the diagnostics are deduplicated).
 */
export function checkDocumentBlock(type: string, body: Body, report: Report): void {
  const schema = SCHEMA[type];
  if (!schema) return;
  for (const a of body.attributes.values()) {
    if (schema.arguments.includes(a.name)) continue;
    // Also where the statement is not read further (its effect is not known): the same report.
    if (schema.blocks.includes(a.name)) {
      argumentBlocks(body, a.name, report);
      continue;
    }
    report(
      a.nameSpan.start,
      `an argument named "${a.name}" is not expected in a ${type} block, so Terraform rejects the configuration; ${takes(type, schema)}`,
    );
  }
  for (const b of body.blocks) {
    const blockType = b.type === "dynamic" ? b.labels[0] : b.type;
    if (blockType !== undefined && schema.blocks.includes(blockType)) continue;
    const written = b.type === "dynamic" ? ` (dynamic "${blockType ?? ""}")` : "";
    const argument =
      blockType !== undefined && schema.arguments.includes(blockType)
        ? ` (${blockType} is an argument: ${blockType} = ...)`
        : "";
    report(
      b.span.start,
      `blocks of type "${blockType ?? b.type}"${written} are not expected in a ${type} block, so Terraform rejects the configuration; ${takes(type, schema)}${argument}`,
    );
  }
}
