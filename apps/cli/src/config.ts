import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import {
  parseJsonSource,
  type Severity,
  type SourceNode,
  type Suppression,
  suggestRule,
} from "@deputyguard/core";
import picomatch from "picomatch";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { access, readFile } from "./fs-async.js";

/** The configuration file, validated, with globs resolved against its folder. */
export interface Config {
  file: string;
  rules: Map<string, Severity | "off">;
  /** Where each key of `rules` is written, for messages. */
  ruleAt: Map<string, { line: number; column: number }>;
  failOn?: Severity;
  accounts: string[];
  orgIds: string[];
  include: string[];
  exclude: string[];
  strict?: boolean;
  parameters: Array<{ matches: (file: string) => boolean; values: Record<string, string> }>;
  variables: Array<{ matches: (file: string) => boolean; values: Record<string, unknown> }>;
  suppressions: Suppression[];
  /** Paths relative to the config's folder match the globs. */
  matcher: (globs: string[]) => (file: string) => boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    message: string,
  ) {
    super(message);
  }
  override toString(): string {
    return `${this.file}${this.line !== undefined ? `:${this.line}:${this.column ?? 1}` : ""}: ${this.message}`;
  }
}

export const CONFIG_NAMES = [
  "deputyguard.config.json",
  ".deputyguardrc.json",
  ".deputyguardrc.yaml",
  ".deputyguardrc.yml",
];

/**
 * Finds the configuration file by walking up from `cwd`: its path relative to `cwd` (as messages
 * show it, like the scanned files), or absolute when `cwd` is not the working directory.
 */
export async function findConfig(cwd: string): Promise<string | undefined> {
  const start = resolve(cwd);
  let dir = start;
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      try {
        await access(p);
        return start === process.cwd() ? relative(start, p) : p;
      } catch {
        // not here
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function yamlToNode(node: Node | null, file: string, lc: LineCounter, depth = 0): SourceNode {
  if (depth > 64) throw new ConfigError(file, undefined, undefined, "nesting is deeper than 64 levels");
  const range = (n: Node | null) => {
    const r = n?.range;
    if (!r) return undefined;
    const s = lc.linePos(r[0]);
    const e = lc.linePos(r[1]);
    return { file, start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
  };
  const withRange = <T extends SourceNode>(n: T, src: Node | null): T => {
    const r = range(src);
    if (r) n.range = r;
    return n;
  };
  if (isAlias(node)) {
    const p = range(node);
    throw new ConfigError(
      file,
      p?.start.line,
      p?.start.column,
      "YAML aliases are not allowed in the configuration",
    );
  }
  if (isMap(node)) {
    return withRange(
      {
        kind: "object",
        entries: node.items.map((pair) => {
          const keyNode = pair.key as Node | null;
          const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
          const keyRange = range(keyNode);
          return {
            key,
            ...(keyRange ? { keyRange } : {}),
            value: yamlToNode(pair.value as Node | null, file, lc, depth + 1),
          };
        }),
      },
      node,
    );
  }
  if (isSeq(node))
    return withRange(
      { kind: "array", items: node.items.map((n) => yamlToNode(n as Node, file, lc, depth + 1)) },
      node,
    );
  if (isScalar(node)) {
    const v = node.value;
    const value =
      v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : String(v);
    return withRange({ kind: "scalar", value }, node);
  }
  return { kind: "scalar", value: null };
}

function plain(node: SourceNode): unknown {
  switch (node.kind) {
    case "object": {
      const o: Record<string, unknown> = Object.create(null);
      for (const e of node.entries) o[e.key] = plain(e.value);
      return o;
    }
    case "array":
      return node.items.map(plain);
    case "scalar":
      return node.value;
    case "value":
      return null;
  }
}

/** The node at a JSON pointer (`/rules/CD101`), for positions in messages. */
function nodeAt(
  root: SourceNode,
  pointer: string,
): { node: SourceNode; keyRange?: SourceNode["range"] } | undefined {
  let node: SourceNode = root;
  let keyRange: SourceNode["range"];
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node.kind === "object") {
      const e = node.entries.find((x) => x.key === seg);
      if (!e) return undefined;
      keyRange = e.keyRange;
      node = e.value;
    } else if (node.kind === "array") {
      const item = node.items[Number(seg)];
      if (!item) return undefined;
      node = item;
    } else return undefined;
  }
  return keyRange ? { node, keyRange } : { node };
}

/** The position of each key of the `rules` object. */
function ruleKeyPositions(root: SourceNode): Map<string, { line: number; column: number }> {
  const out = new Map<string, { line: number; column: number }>();
  const rules = nodeAt(root, "/rules")?.node;
  if (rules?.kind !== "object") return out;
  for (const e of rules.entries) {
    const at = e.keyRange?.start ?? e.value.range?.start;
    if (at) out.set(e.key, { line: at.line, column: at.column });
  }
  return out;
}

type Validator = ((data: unknown) => boolean) & {
  errors?: Array<{
    instancePath: string;
    message?: string;
    keyword: string;
    params: Record<string, unknown>;
    /** Set when the error is about an object's key name (`propertyNames`). */
    propertyName?: string;
  }> | null;
};
let validator: Validator | undefined;

async function getValidator(): Promise<Validator> {
  if (validator) return validator;
  // ajv is CommonJS: its class is the default export's `default`.
  const mod = (await import("ajv")) as unknown as {
    default: { default: new (o: object) => { compile(s: object): unknown } };
  };
  const Ajv = mod.default.default;
  const schema = JSON.parse(readFileSync(new URL("../schemas/config.schema.json", import.meta.url), "utf8"));
  validator = new Ajv({ allErrors: false, strict: false }).compile(schema) as unknown as Validator;
  return validator;
}

/** Reads and validates a configuration file. Unknown keys and wrong types are errors with positions. */
export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(
      file,
      undefined,
      undefined,
      `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let root: SourceNode;
  if (/\.ya?ml$/i.test(file)) {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
    const err = doc.errors[0];
    if (err) {
      const p = lc.linePos(err.pos[0]);
      throw new ConfigError(file, p.line, p.col, err.message.split("\n")[0] ?? "YAML error");
    }
    // Empty, or comments only: no settings (the defaults), as an empty JSON file below.
    // (`---` alone gives a null scalar: no settings either.)
    const none = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
    root = none ? { kind: "object", entries: [] } : yamlToNode(doc.contents as Node, file, lc);
  } else if (text.trim() === "") {
    root = { kind: "object", entries: [] };
  } else {
    const parsed = parseJsonSource(text, file, { maxDepth: 64 });
    const err = parsed.diagnostics.find((d) => d.severity === "error");
    if (err || !parsed.node)
      throw new ConfigError(file, err?.line, err?.column, err?.message ?? "empty configuration");
    root = parsed.node;
  }
  const data = plain(root);
  const validate = await getValidator();
  if (!validate(data)) {
    const e = validate.errors?.[0];
    const at = e ? nodeAt(root, e.instancePath) : undefined;
    let where = at?.node.range?.start;
    let message = `${e?.instancePath || "configuration"} ${e?.message ?? "is not valid"}`;
    if (e?.keyword === "additionalProperties") {
      const key = String(e.params.additionalProperty);
      const child = at?.node.kind === "object" ? at.node.entries.find((x) => x.key === key) : undefined;
      where = child?.keyRange?.start ?? where;
      message = `unknown key "${key}"${e.instancePath ? ` in ${e.instancePath}` : ""}`;
    } else if (e?.instancePath === "/rules" && e.propertyName !== undefined) {
      const key = e.propertyName;
      const child = at?.node.kind === "object" ? at.node.entries.find((x) => x.key === key) : undefined;
      where = child?.keyRange?.start ?? where;
      const near = suggestRule(key);
      message = `rules: "${key}" is not a rule id (CD101) or slug${near ? ` (did you mean "${near}"?)` : ""}`;
    } else if (e?.keyword === "enum") {
      message = `${e.instancePath} must be one of ${(e.params.allowedValues as string[]).map((v) => JSON.stringify(v)).join(", ")}`;
    }
    throw new ConfigError(file, where?.line, where?.column, message);
  }
  const d = data as Record<string, unknown>;
  const base = dirname(resolve(file));
  const matcher = (globs: string[]) => {
    const m = picomatch(globs, { dot: true });
    return (f: string) => m(relative(base, resolve(f)).replaceAll("\\", "/"));
  };
  const suppressions: Suppression[] = ((d.suppressions as Array<Record<string, string>>) ?? []).map(
    (s, i) => {
      const at = nodeAt(root, `/suppressions/${i}`)?.node.range?.start;
      const sup: Suppression = {
        rule: s.rule as string,
        kind: "external",
        origin: { file, ...(at ? { line: at.line, column: at.column } : {}) },
        scope: {
          file: matcher([s.path as string]),
          ...(s.resource !== undefined ? { resource: s.resource } : {}),
        },
      };
      if (s.reason !== undefined) sup.reason = s.reason;
      if (s.until !== undefined) sup.until = s.until;
      return sup;
    },
  );
  const config: Config = {
    file,
    rules: new Map(Object.entries((d.rules as Record<string, Severity | "off">) ?? {})),
    ruleAt: ruleKeyPositions(root),
    accounts: (d.accounts as string[]) ?? [],
    orgIds: (d.orgIds as string[]) ?? [],
    include: (d.include as string[]) ?? [],
    exclude: (d.exclude as string[]) ?? [],
    parameters: ((d.parameters as Array<{ path: string; values: Record<string, string> }>) ?? []).map(
      (p) => ({
        matches: matcher([p.path]),
        values: { ...p.values },
      }),
    ),
    variables: ((d.variables as Array<{ path: string; values: Record<string, unknown> }>) ?? []).map((p) => ({
      matches: matcher([p.path]),
      values: { ...p.values },
    })),
    suppressions,
    matcher,
  };
  if (d.failOn !== undefined) config.failOn = d.failOn as Severity;
  if (d.strict !== undefined) config.strict = d.strict as boolean;
  return config;
}
