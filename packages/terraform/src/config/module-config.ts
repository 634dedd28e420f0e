import type { Diagnostic } from "@deputyguard/core";
import type { LineMap } from "../hcl/line-map.js";
import type { Attribute, Block, Body } from "../hcl/syntax.js";
import { suppressionIndex } from "../policy/suppressions.js";

/** One configuration file of a module, parsed. */
export interface SourceFile {
  path: string;
  text: string;
  map: LineMap;
  body: Body;
}

/** A top-level block with the file it was written in. */
export interface ConfigBlock {
  block: Block;
  file: SourceFile;
}

export interface LocalValue {
  attr: Attribute;
  file: SourceFile;
}

/** A module directory: its blocks indexed the way Terraform addresses them. */
export interface ModuleConfig {
  dir: string;
  files: SourceFile[];
  /** Managed resources by `type.name`. */
  resources: Map<string, ConfigBlock>;
  /** Data sources by `type.name`. */
  data: Map<string, ConfigBlock>;
  variables: Map<string, ConfigBlock>;
  locals: Map<string, LocalValue>;
  outputs: Map<string, ConfigBlock>;
  moduleCalls: Map<string, ConfigBlock>;
  diagnostics: Diagnostic[];
  /** The file each attribute and nested block was written in (override files replace attributes). */
  fileOf: WeakMap<Attribute | Block, SourceFile>;
}

export function isOverrideFile(name: string): boolean {
  const base = name.replace(/\.(tf|tofu|tf\.json|tofu\.json)$/, "");
  return base === "override" || base.endsWith("_override");
}

function key(b: Block): string | undefined {
  if ((b.type === "resource" || b.type === "data") && b.labels.length === 2)
    return `${b.labels[0]}.${b.labels[1]}`;
  if ((b.type === "variable" || b.type === "output" || b.type === "module") && b.labels.length === 1)
    return b.labels[0];
  return undefined;
}

function indexFor(config: ModuleConfig, type: string): Map<string, ConfigBlock> | undefined {
  switch (type) {
    case "resource":
      return config.resources;
    case "data":
      return config.data;
    case "variable":
      return config.variables;
    case "output":
      return config.outputs;
    case "module":
      return config.moduleCalls;
    default:
      return undefined;
  }
}

function registerFile(fileOf: ModuleConfig["fileOf"], body: Body, file: SourceFile, depth = 0): void {
  if (depth > 64) return;
  for (const a of body.attributes.values()) fileOf.set(a, file);
  for (const b of body.blocks) {
    fileOf.set(b, file);
    registerFile(fileOf, b.body, file, depth + 1);
  }
}

/**
 * Indexes the files of one module. Override files are merged as Terraform does: an attribute
 * replaces the one of the same name, a nested block type replaces all original blocks of that type
 * (https://developer.hashicorp.com/terraform/language/files/override).
 */
export function buildModuleConfig(dir: string, files: SourceFile[], diagnostics: Diagnostic[]): ModuleConfig {
  const config: ModuleConfig = {
    dir,
    files,
    resources: new Map(),
    data: new Map(),
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    moduleCalls: new Map(),
    diagnostics,
    fileOf: new WeakMap(),
  };
  const primary = files.filter((f) => !isOverrideFile(f.path.split(/[\\/]/).pop() ?? ""));
  const overrides = files.filter((f) => isOverrideFile(f.path.split(/[\\/]/).pop() ?? ""));
  for (const f of files) registerFile(config.fileOf, f.body, f);
  for (const f of primary) {
    for (const b of f.body.blocks) {
      if (b.type === "locals") {
        for (const a of b.body.attributes.values()) {
          if (config.locals.has(a.name))
            diagnostics.push(dup(f, a.nameSpan.start, `local value "${a.name}" is defined twice`));
          config.locals.set(a.name, { attr: a, file: f });
        }
        continue;
      }
      const index = indexFor(config, b.type);
      const k = key(b);
      if (index && k === undefined) {
        // Terraform rejects it ("Missing name for resource", "Extraneous label"): it is not read.
        const want = b.type === "resource" || b.type === "data" ? "a type and a name" : "a name";
        const p = f.map.position(b.span.start);
        diagnostics.push({
          code: "ConfigError",
          severity: "error",
          file: f.path,
          line: p.line,
          column: p.column,
          message: `a ${b.type} block takes ${want} (${b.type === "resource" || b.type === "data" ? 2 : 1} label${b.type === "resource" || b.type === "data" ? "s" : ""}); this one has ${b.labels.length}, so Terraform rejects it and it is not checked`,
        });
        continue;
      }
      if (!index || k === undefined) continue;
      if (index.has(k)) diagnostics.push(dup(f, b.span.start, `${b.type} "${k}" is defined twice`));
      else index.set(k, { block: b, file: f });
    }
  }
  for (const f of files) misplacedSuppressions(f, diagnostics);
  for (const f of overrides) {
    for (const b of f.body.blocks) {
      if (b.type === "locals") {
        for (const a of b.body.attributes.values()) config.locals.set(a.name, { attr: a, file: f });
        continue;
      }
      const index = indexFor(config, b.type);
      const k = key(b);
      if (!index || k === undefined) continue;
      const original = index.get(k);
      if (!original) {
        diagnostics.push(dup(f, b.span.start, `override for ${b.type} "${k}" has no original block`));
        continue;
      }
      index.set(k, { block: mergeBlock(original.block, b), file: original.file });
    }
  }
  return config;
}

/**
 * The block type a nested block stands for in an override: a `dynamic "statement"` block is a
 * `statement` block (Terraform's internal/configs/module_merge_body.go keys it by its label), so
 * either form in an override replaces the original's static and dynamic blocks of that type.
 */
function mergedType(b: Block): string {
  return b.type === "dynamic" ? (b.labels[0] ?? b.type) : b.type;
}

function mergeBlock(original: Block, override: Block): Block {
  const attributes = new Map(original.body.attributes);
  for (const [n, a] of override.body.attributes) attributes.set(n, a);
  const overridden = new Set(override.body.blocks.map(mergedType));
  const blocks = [
    ...original.body.blocks.filter((b) => !overridden.has(mergedType(b))),
    ...override.body.blocks,
  ];
  return { ...original, body: { attributes, blocks, span: original.body.span } };
}

/**
 * A `deputyguard:ignore` comment that no finding can ever be matched with: outside every `resource`
 * and `data` block and every local of a `locals` block (a comment on a `module` call, a variable or an output, or between
 * blocks with a blank line before the next one). It would silently do nothing, so it is a warning.
 */
function misplacedSuppressions(f: SourceFile, diagnostics: Diagnostic[]): void {
  if (!f.text.includes("deputyguard:ignore")) return;
  // In a locals block a comment covers the local it is on or above (see documentSuppressions).
  const blocks = f.body.blocks
    .filter((b) => b.type === "resource" || b.type === "data" || b.type === "locals")
    .flatMap((b) =>
      (b.type === "locals" ? [...b.body.attributes.values()].map((a) => a.span) : [b.span]).map((span) => {
        const r = f.map.range(span);
        return { first: r.start.line, last: r.end.line };
      }),
    );
  for (const c of suppressionIndex(f.map).outside(blocks)) {
    diagnostics.push({
      code: "SuppressionMisplaced",
      severity: "warning",
      file: f.path,
      line: c.line,
      column: c.column,
      message:
        "this deputyguard:ignore comment covers nothing: write it on a resource block, alone on the line above it or inside it, or inside the data source or locals block that holds the policy statement",
    });
  }
}

function dup(f: SourceFile, offset: number, message: string): Diagnostic {
  const p = f.map.position(offset);
  return { code: "ConfigError", severity: "warning", message, file: f.path, line: p.line, column: p.column };
}
