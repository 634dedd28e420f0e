import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Diagnostic, SourceRange } from "@deputyguard/core";
import { parseJsonSource } from "@deputyguard/core";
import { bodyFromJson } from "../hcl/json-body.js";
import { LineMap } from "../hcl/line-map.js";
import { HclParser } from "../hcl/parser.js";
import type { Block } from "../hcl/syntax.js";
import { parseAddress } from "./addresses.js";

/** Where a block is declared: the start of its header line (`resource "aws_x" "y" {`). */
export interface Declaration {
  file: string;
  line: number;
  column: number;
  /** Nested block types written in the block, `dynamic` ones by their label (`inline_policy`). */
  nested: ReadonlySet<string>;
  /** The block, and its file's text, for the suppression comments written at it. */
  block?: { range: SourceRange; map: LineMap };
}

interface ModuleBlocks {
  /** `aws_x.y` / `data.aws_x.y` → where declared. */
  resources: Map<string, Declaration>;
  /** Module call name → its literal `source`. */
  calls: Map<string, string>;
}

/** The `configuration` part of a plan that says where module calls' code is. */
export interface PlanModuleCalls {
  /** The literal `source` of a call in the module at `path` (call names from the root). */
  source(path: readonly string[]): string | undefined;
}

const MAX_FILE = 16 * 1024 * 1024;
const MAX_MODULE_DEPTH = 24;

/** Header lines like `resource "aws_sqs_queue_policy" "orders" {`: the fallback for files our parser cannot read. */
const HEADER = /^[ \t]*(resource|data)[ \t]+"([^"\n]+)"[ \t]+"([^"\n]+)"/;

function isLocal(source: string): boolean {
  return source === "." || source === ".." || source.startsWith("./") || source.startsWith("../");
}

/**
 * Where the resources of a plan are written in a root module directory and the modules it calls, so
 * that a finding in a plan also points at the `.tf` source. Module calls are followed through their
 * `source` (from the plan's configuration, or the `.tf` files): local paths, and registry or git
 * modules that `terraform init` installed (`.terraform/modules/modules.json`). Nothing is evaluated:
 * this only reads block headers, and costs a parse of the files it needs.
 */
export class ModuleSources {
  private readonly blocks = new Map<string, ModuleBlocks>();
  private installed: Map<string, string> | undefined;

  constructor(
    readonly rootDir: string,
    private readonly planCalls: PlanModuleCalls | undefined,
  ) {}

  /** Whether the directory holds Terraform configuration files at all. */
  static isModuleDir(dir: string): boolean {
    return configFileNames(dir).length > 0;
  }

  /** The declaration of a plan address, in whichever module directory its module calls lead to. */
  declaration(address: string): Declaration | undefined {
    const a = parseAddress(address);
    if (!a) return undefined;
    const dir = this.moduleDir(a.moduleCalls);
    return dir === undefined ? undefined : this.blocksOf(dir).resources.get(a.resource);
  }

  /** How many of these root-module resource addresses and module calls the directory declares. */
  matches(resources: Iterable<string>, calls: Iterable<string>): number {
    const b = this.blocksOf(this.rootDir);
    let n = 0;
    for (const r of resources) if (b.resources.has(r)) n++;
    for (const c of calls) if (b.calls.has(c)) n++;
    return n;
  }

  /** The directory of the module instance reached through these calls from the root. */
  moduleDir(calls: readonly string[]): string | undefined {
    return this.modulePath(calls)?.at(-1);
  }

  /**
   * The directories of the modules from the root to the one these calls reach, absolute, as a
   * module scan's sites name them (`PolicySite.moduleDirs`).
   */
  moduleChain(calls: readonly string[]): string[] | undefined {
    return this.modulePath(calls)?.map((d) => resolve(d));
  }

  private modulePath(calls: readonly string[]): string[] | undefined {
    if (calls.length > MAX_MODULE_DEPTH) return undefined;
    let dir = this.rootDir;
    const chain = [dir];
    for (let i = 0; i < calls.length; i++) {
      const path = calls.slice(0, i + 1);
      const name = calls[i] as string;
      const source = this.planCalls?.source(path) ?? this.blocksOf(dir).calls.get(name);
      if (source === undefined) return undefined;
      if (isLocal(source)) dir = join(dir, source);
      else {
        const installed = this.installedModules().get(path.join("."));
        if (installed === undefined) return undefined;
        dir = installed;
      }
      chain.push(dir);
    }
    return chain;
  }

  /** `terraform init`'s record of the modules it installed: `a.b` → directory. */
  private installedModules(): Map<string, string> {
    if (this.installed) return this.installed;
    this.installed = new Map();
    const path = join(this.rootDir, ".terraform", "modules", "modules.json");
    if (!existsSync(path)) return this.installed;
    try {
      const data = JSON.parse(readFileSync(path, "utf8")) as { Modules?: unknown };
      for (const m of Array.isArray(data.Modules) ? data.Modules : []) {
        const key = (m as { Key?: unknown }).Key;
        const dir = (m as { Dir?: unknown }).Dir;
        if (typeof key === "string" && key !== "" && typeof dir === "string")
          this.installed.set(key, isAbsolute(dir) ? dir : join(this.rootDir, dir));
      }
    } catch {
      // A damaged modules.json only means installed modules are not followed.
    }
    return this.installed;
  }

  private blocksOf(dir: string): ModuleBlocks {
    const key = resolve(dir);
    const cached = this.blocks.get(key);
    if (cached) return cached;
    const found: ModuleBlocks = { resources: new Map(), calls: new Map() };
    this.blocks.set(key, found);
    // Override files change blocks declared elsewhere: a resource is declared where it first appears
    // outside them (https://developer.hashicorp.com/terraform/language/files/override).
    const names = configFileNames(dir);
    const overrides = (n: string) => /(^|_)override\.(tf|tofu)(\.json)?$/.test(n);
    for (const name of [...names.filter((n) => !overrides(n)), ...names.filter(overrides)])
      readBlocks(join(dir, name), found);
    return found;
  }
}

function configFileNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => /\.(tf|tofu)(\.json)?$/.test(n))
      .sort();
  } catch {
    return [];
  }
}

function readBlocks(file: string, into: ModuleBlocks): void {
  let text: string;
  try {
    if (!statSync(file).isFile() || statSync(file).size > MAX_FILE) return;
    text = readFileSync(file, "utf8");
  } catch {
    return;
  }
  const map = new LineMap(file, text);
  let blocks: Block[];
  try {
    if (file.endsWith(".json")) {
      const parsed = parseJsonSource(text, file);
      if (!parsed.node) return;
      const ignored: Diagnostic[] = [];
      blocks = bodyFromJson(parsed.node, map, ignored).blocks;
    } else blocks = HclParser.parseBody(text).blocks;
  } catch {
    headersOnly(file, text, into);
    return;
  }
  for (const b of blocks) {
    if ((b.type === "resource" || b.type === "data") && b.labels.length === 2) {
      const address = `${b.type === "data" ? "data." : ""}${b.labels[0]}.${b.labels[1]}`;
      if (!into.resources.has(address)) {
        const nested = new Set(
          b.body.blocks.map((n) => (n.type === "dynamic" ? (n.labels[0] ?? "") : n.type)),
        );
        into.resources.set(address, {
          file,
          ...map.position(b.span.start),
          nested,
          block: { range: map.range(b.span), map },
        });
      }
    } else if (b.type === "module" && b.labels.length === 1) {
      const src = b.body.attributes.get("source")?.expr;
      const part = src?.type === "template" && src.parts.length === 1 ? src.parts[0] : undefined;
      if (part?.kind === "text" && !into.calls.has(b.labels[0] as string))
        into.calls.set(b.labels[0] as string, part.text);
    }
  }
}

/** Resource headers of a file our parser cannot read (Terraform reports its syntax errors in a module scan). */
function headersOnly(file: string, text: string, into: ModuleBlocks): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i] ?? "");
    if (!m) continue;
    const address = m[1] === "data" ? `data.${m[2]}.${m[3]}` : `${m[2]}.${m[3]}`;
    if (!into.resources.has(address))
      into.resources.set(address, {
        file,
        line: i + 1,
        column: (lines[i]?.indexOf(m[1] as string) ?? 0) + 1,
        nested: new Set(),
      });
  }
}
