// Writes test-fixtures/terraform/rules/<rule>/<case>/<form>/ from the policy JSON rule fixtures:
// the same policy as jsonencode, heredoc, aws_iam_policy_document, a module argument, `.tf.json`
// (a JSON string, and a policy document in JSON syntax) and a plan (terraform show -json,
// format_version 1.2). Expected positions are computed here from where each
// statement is written, independently of the adapter. Run: node packages/terraform/scripts/gen-rule-fixtures.js
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonSource } from "@deputyguard/core";

const ROOT = join(import.meta.dirname, "../../../test-fixtures");
const SRC = join(ROOT, "policy-json/rules");
const OUT = join(ROOT, "terraform/rules");
const CASES_PER_KIND = { invalid: 2, valid: 1 };

const ident = (k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k);
const hclString = (s) =>
  `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$\{/g, "$${").replace(/%\{/g, "%%{").replace(/\n/g, "\\n")}"`;
const hclKey = (k) => (ident(k) ? k : hclString(k));

/**
 * HCL lines for a JSON value (the first line continues `key = `), with the position of each
 * statement object relative to the first line.
 */
function hcl(value, indent, path) {
  const pad = "  ".repeat(indent);
  const marks = [];
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null))
      return { lines: [`[${value.map((v) => hcl(v, 0, []).lines[0]).join(", ")}]`], marks };
    const lines = ["["];
    value.forEach((v, i) => {
      const child = hcl(v, indent + 1, [...path, i]);
      const at = lines.length;
      if (path.length === 1 && path[0] === "Statement")
        marks.push({ index: i, line: at, column: pad.length + 3 });
      for (const m of child.marks) marks.push({ ...m, line: m.line + at });
      child.lines[0] = `${pad}  ${child.lines[0]}`;
      child.lines[child.lines.length - 1] += ",";
      lines.push(...child.lines);
    });
    lines.push(`${pad}]`);
    return { lines, marks };
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const width = Math.max(...keys.map((k) => hclKey(k).length));
    const lines = ["{"];
    for (const k of keys) {
      const child = hcl(value[k], indent + 1, [...path, k]);
      const at = lines.length;
      for (const m of child.marks) marks.push({ ...m, line: m.line + at });
      child.lines[0] = `${pad}  ${hclKey(k).padEnd(width)} = ${child.lines[0]}`;
      lines.push(...child.lines);
    }
    lines.push(`${pad}}`);
    return { lines, marks };
  }
  if (typeof value === "string") return { lines: [hclString(value)], marks };
  return { lines: [JSON.stringify(value)], marks };
}

/** Renders `prefix = <policy>` at the end of `lines`; returns statement positions (1-based lines). */
function emit(lines, prefix, policy, suffix = "") {
  const r = hcl(policy, 1, []);
  const at = lines.length;
  r.lines[0] = `${prefix}${r.lines[0]}`;
  r.lines[r.lines.length - 1] += suffix;
  lines.push(...r.lines);
  const pos = [];
  for (const m of r.marks) pos[m.index] = { line: at + m.line + 1, column: m.column };
  return pos;
}

/** Positions of statement objects in a policy JSON text. */
function statementPositions(text) {
  const node = parseJsonSource(text, "x").node;
  const st = node?.kind === "object" ? node.entries.find((e) => e.key === "Statement")?.value : undefined;
  const items = st?.kind === "array" ? st.items : st ? [st] : [];
  return items.map((i) => i.range.start);
}

function isTrust(policy) {
  const stmts = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return stmts.every((s) =>
    [s.Action ?? []].flat().every((a) => String(a).toLowerCase().startsWith("sts:assumerole")),
  );
}

function resourceFor(policy) {
  return isTrust(policy)
    ? { type: "aws_iam_role", name: "this", attr: "assume_role_policy", extra: [] }
    : { type: "aws_s3_bucket_policy", name: "this", attr: "policy", extra: ['  bucket = "fixture-bucket"'] };
}

function policyDocument(policy) {
  const lines = ['data "aws_iam_policy_document" "this" {'];
  const positions = [];
  const stmts = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  if (policy.Version) lines.push(`  version = ${hclString(policy.Version)}`);
  if (policy.Id) lines.push(`  policy_id = ${hclString(policy.Id)}`);
  for (const s of stmts) {
    positions.push({ line: lines.length + 1, column: 3 });
    lines.push("  statement {");
    if (s.Sid !== undefined) lines.push(`    sid    = ${hclString(s.Sid)}`);
    if (s.Effect !== undefined) lines.push(`    effect = ${hclString(s.Effect)}`);
    const list = (v) =>
      `[${[v]
        .flat()
        .map((x) => hclString(String(x)))
        .join(", ")}]`;
    for (const [el, arg] of [
      ["Action", "actions"],
      ["NotAction", "not_actions"],
      ["Resource", "resources"],
      ["NotResource", "not_resources"],
    ])
      if (s[el] !== undefined) lines.push(`    ${arg} = ${list(s[el])}`);
    for (const [el, block] of [
      ["Principal", "principals"],
      ["NotPrincipal", "not_principals"],
    ]) {
      const p = s[el];
      if (p === undefined) continue;
      const entries = p === "*" ? [["*", "*"]] : Object.entries(p);
      for (const [type, ids] of entries) {
        lines.push(
          `    ${block} {`,
          `      type        = ${hclString(type)}`,
          `      identifiers = ${list(ids)}`,
          "    }",
        );
      }
    }
    for (const [op, keys] of Object.entries(s.Condition ?? {}))
      for (const [k, v] of Object.entries(keys))
        lines.push(
          "    condition {",
          `      test     = ${hclString(op)}`,
          `      variable = ${hclString(k)}`,
          `      values   = ${list(v)}`,
          "    }",
        );
    lines.push("  }");
  }
  lines.push("}", "");
  return { lines, positions };
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  return v;
}

function plan(policy, res) {
  const minified = JSON.stringify(sortKeys(policy));
  const values =
    res.type === "aws_iam_role"
      ? { assume_role_policy: minified, name: "fixture-role", path: "/" }
      : { bucket: "fixture-bucket", policy: minified };
  const address = `${res.type}.${res.name}`;
  const doc = {
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: {
      root_module: {
        resources: [
          {
            address,
            mode: "managed",
            type: res.type,
            name: res.name,
            provider_name: "registry.terraform.io/hashicorp/aws",
            schema_version: 0,
            values,
            sensitive_values: {},
          },
        ],
      },
    },
    resource_changes: [
      {
        address,
        mode: "managed",
        type: res.type,
        name: res.name,
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: {
          actions: ["create"],
          before: null,
          after: values,
          after_unknown: { id: true, arn: true },
          before_sensitive: false,
          after_sensitive: {},
        },
      },
    ],
    configuration: {
      provider_config: { aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws" } },
      root_module: {
        resources: [
          {
            address,
            mode: "managed",
            type: res.type,
            name: res.name,
            provider_config_key: "aws",
            expressions: Object.fromEntries(
              Object.keys(values).map((k) => [k, k === res.attr ? {} : { constant_value: values[k] }]),
            ),
            schema_version: 0,
          },
        ],
      },
    },
    timestamp: "2026-11-27T10:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  // Findings point at the policy string of the resource change (the first occurrence after "resource_changes").
  const rc = text.indexOf('"resource_changes"');
  const at = text.indexOf(`"${res.attr}": "`, rc) + `"${res.attr}": `.length;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  return { text, position: { line, column } };
}

/** The template text of a literal string: `${` and `%{` escaped (IAM policy variables are literal). */
const templateText = (s) => s.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");

/** 1-based line and column of an offset of `text`. */
function positionAt(text, offset) {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/**
 * `.tf.json`: the policy as a JSON string (a string template in JSON syntax). Positions: each
 * statement's `{` inside the string, found through the string's escapes.
 */
function tfJson(source, policy, res) {
  const policyText = JSON.stringify(policy);
  const body = { [res.attr]: templateText(policyText) };
  if (res.type !== "aws_iam_role") body.bucket = "fixture-bucket";
  const doc = { "//": source, resource: { [res.type]: { [res.name]: body } } };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const literal = JSON.stringify(templateText(policyText));
  const at = text.indexOf(literal);
  const positions = statementPositions(policyText).map((p) => {
    // The statement's offset in the policy text, then in the file through template and JSON escapes.
    const inFile = JSON.stringify(templateText(policyText.slice(0, p.column - 1))).length - 1;
    return positionAt(text, at + inFile);
  });
  return { text, positions };
}

/** `.tf.json`: an aws_iam_policy_document in JSON syntax; positions from the file's own JSON tree. */
function tfJsonDocument(source, policy, res) {
  const stmts = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const list = (v) => [v].flat().map((x) => templateText(String(x)));
  const statement = stmts.map((s) => {
    const out = {};
    if (s.Sid !== undefined) out.sid = templateText(s.Sid);
    if (s.Effect !== undefined) out.effect = s.Effect;
    for (const [el, arg] of [
      ["Action", "actions"],
      ["NotAction", "not_actions"],
      ["Resource", "resources"],
      ["NotResource", "not_resources"],
    ])
      if (s[el] !== undefined) out[arg] = list(s[el]);
    for (const [el, block] of [
      ["Principal", "principals"],
      ["NotPrincipal", "not_principals"],
    ]) {
      const p = s[el];
      if (p === undefined) continue;
      const entries = p === "*" ? [["*", "*"]] : Object.entries(p);
      out[block] = entries.map(([type, ids]) => ({ type, identifiers: list(ids) }));
    }
    const condition = [];
    for (const [op, keys] of Object.entries(s.Condition ?? {}))
      for (const [k, v] of Object.entries(keys)) condition.push({ test: op, variable: k, values: list(v) });
    if (condition.length > 0) out.condition = condition;
    return out;
  });
  const document = { statement };
  if (policy.Version) document.version = policy.Version;
  if (policy.Id) document.policy_id = templateText(policy.Id);
  const body = { [res.attr]: "${data.aws_iam_policy_document.this.json}" };
  if (res.type !== "aws_iam_role") body.bucket = "fixture-bucket";
  const doc = {
    "//": source,
    data: { aws_iam_policy_document: { this: document } },
    resource: { [res.type]: { [res.name]: body } },
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const node = parseJsonSource(text, "x").node;
  const find = (n, ...path) => {
    let cur = n;
    for (const k of path)
      cur =
        typeof k === "number"
          ? cur?.items?.[k]
          : cur?.kind === "object"
            ? cur.entries.find((e) => e.key === k)?.value
            : undefined;
    return cur;
  };
  const items = find(node, "data", "aws_iam_policy_document", "this", "statement")?.items ?? [];
  return { text, positions: items.map((i) => i.range.start) };
}

function expected(source, exp, mapPos) {
  return `${JSON.stringify(
    {
      source,
      options: exp.options ?? {},
      findings: exp.findings.map((f) => ({ ...f, ...mapPos(f) })),
    },
    null,
    2,
  )}\n`;
}

rmSync(OUT, { recursive: true, force: true });
for (const rule of readdirSync(SRC).sort()) {
  const files = readdirSync(join(SRC, rule))
    .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
    .sort();
  const taken = { invalid: 0, valid: 0 };
  for (const f of files) {
    const kind = f.startsWith("invalid") ? "invalid" : "valid";
    if (taken[kind] >= CASES_PER_KIND[kind]) continue;
    const text = readFileSync(join(SRC, rule, f), "utf8");
    let policy;
    try {
      policy = JSON.parse(text);
    } catch {
      continue;
    }
    if (!policy || Array.isArray(policy) || !policy.Statement) continue;
    taken[kind]++;
    const exp = JSON.parse(readFileSync(join(SRC, rule, f.replace(/\.json$/, ".expected.json")), "utf8"));
    const jsonPos = statementPositions(text);
    const stmtIndex = (finding) =>
      jsonPos.findIndex((p) => p.line === finding.line && p.column === finding.column);
    const name = f.replace(/\.json$/, "");
    const dir = join(OUT, rule, name);
    const res = resourceFor(policy);
    const header = (form) =>
      `# ${exp.source} (${form}; generated from test-fixtures/policy-json/rules/${rule}/${f})`;
    const write = (form, file, content, mapPos) => {
      mkdirSync(join(dir, form), { recursive: true });
      writeFileSync(join(dir, form, file), content);
      writeFileSync(
        join(dir, form, file.replace(/(\.tf|\.json)$/, ".expected.json")),
        expected(`${exp.source} (${form})`, exp, mapPos),
      );
    };
    // jsonencode
    {
      const lines = [header("jsonencode"), `resource "${res.type}" "${res.name}" {`, ...res.extra];
      const pos = emit(lines, `  ${res.attr} = jsonencode(`, policy, ")");
      lines.push("}", "");
      write(
        "jsonencode",
        "main.tf",
        lines.join("\n"),
        (fd) => pos[stmtIndex(fd)] ?? { line: -1, column: -1 },
      );
    }
    // heredoc: the JSON as written, with IAM policy variables escaped for the template.
    {
      const lines = [
        header("heredoc"),
        `resource "${res.type}" "${res.name}" {`,
        ...res.extra,
        `  ${res.attr} = <<-EOT`,
      ];
      const offset = lines.length;
      lines.push(...text.replace(/\$\{/g, "$${").trimEnd().split("\n"), "  EOT", "}", "");
      write("heredoc", "main.tf", lines.join("\n"), (fd) => {
        const p = jsonPos[stmtIndex(fd)];
        return p ? { line: p.line + offset, column: p.column } : { line: -1, column: -1 };
      });
    }
    // aws_iam_policy_document
    {
      const doc = policyDocument(policy);
      const lines = [
        header("policy document"),
        ...doc.lines.slice(0, -1),
        "",
        `resource "${res.type}" "${res.name}" {`,
        ...res.extra,
        `  ${res.attr} = data.aws_iam_policy_document.this.json`,
        "}",
        "",
      ];
      write("policy-document", "main.tf", lines.join("\n"), (fd) => {
        const p = doc.positions[stmtIndex(fd)];
        return p ? { line: p.line + 1, column: p.column } : { line: -1, column: -1 };
      });
    }
    // module: the policy object is an argument of a local module call.
    {
      const lines = [header("module"), 'module "policy" {', '  source = "./policy"'];
      const pos = emit(lines, "  policy = ", policy);
      lines.push("}", "");
      write("module", "main.tf", lines.join("\n"), (fd) => pos[stmtIndex(fd)] ?? { line: -1, column: -1 });
      const mod = [
        'variable "policy" {',
        "  type = any",
        "}",
        "",
        `resource "${res.type}" "${res.name}" {`,
        ...res.extra,
        `  ${res.attr} = jsonencode(var.policy)`,
        "}",
        "",
      ];
      mkdirSync(join(dir, "module", "policy"), { recursive: true });
      writeFileSync(join(dir, "module", "policy", "main.tf"), mod.join("\n"));
    }
    // .tf.json: the policy as a JSON string, and as a policy document in JSON syntax.
    {
      const j = tfJson(`${exp.source} (tf-json)`, policy, res);
      write(
        "tf-json",
        "main.tf.json",
        j.text,
        (fd) => j.positions[stmtIndex(fd)] ?? { line: -1, column: -1 },
      );
      const d = tfJsonDocument(`${exp.source} (tf-json document)`, policy, res);
      write(
        "tf-json-document",
        "main.tf.json",
        d.text,
        (fd) => d.positions[stmtIndex(fd)] ?? { line: -1, column: -1 },
      );
    }
    // plan
    {
      const p = plan(policy, res);
      write("plan", "plan.json", p.text, () => p.position);
    }
  }
}
