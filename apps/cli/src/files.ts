import { dirname, join, relative, resolve, sep } from "node:path";
import { wideTextProblem } from "@deputyguard/core";
import ignore, { type Ignore } from "ignore";
import { access, readdir, readFile, readHead, readUpTo, stat } from "./fs-async.js";

/** Directories a walk never enters. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".turbo", "dist"]);

export interface WalkOptions {
  extensions: readonly string[];
  /** Config globs: a file must match `include` (when given) and not `exclude`. */
  keep?: (file: string) => boolean;
  /** Told of a directory that cannot be read (permissions): the walk goes on without it. */
  unreadable?: (dir: string, reason: string) => void;
  /** Told of a link the walk does not follow (to a directory, or to nothing). */
  notFollowed?: (path: string, reason: string) => void;
}

/**
 * Files under a directory whose name ends in one of the extensions, sorted, then the links to files
 * among them, sorted. `.gitignore` files are honoured (each applies below its own folder; those of
 * the folders above `dir` in its git work tree too, see enclosingRules). A link to
 * a directory is not entered (it may lead out of the tree, or back into it): `notFollowed` is told.
 */
export async function walk(dir: string, options: WalkOptions): Promise<string[]> {
  const out: string[] = [];
  const links: string[] = [];
  const stack: Array<{ path: string; rules: Array<{ base: string; ig: Ignore }> }> = [
    { path: dir, rules: await enclosingRules(dir) },
  ];
  while (stack.length > 0) {
    const current = stack.pop() as { path: string; rules: Array<{ base: string; ig: Ignore }> };
    let entries: Awaited<ReturnType<typeof readdir>>;
    try {
      entries = await readdir(current.path, { withFileTypes: true });
    } catch (e) {
      options.unreadable?.(current.path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
      continue;
    }
    let rules = current.rules;
    if (entries.some((e) => !e.isDirectory() && e.name === ".gitignore")) {
      const text = await readFile(join(current.path, ".gitignore"), "utf8").catch(() => "");
      rules = [...rules, { base: current.path, ig: ignore().add(text) }];
    }
    // As git does: the deepest .gitignore with a matching pattern decides, so that a nested file can
    // re-include (`!name`) what a parent's excludes.
    const ignored = (path: string, isDir: boolean): boolean => {
      for (let i = rules.length - 1; i >= 0; i--) {
        const r = rules[i] as { base: string; ig: Ignore };
        const rel = relative(r.base, path).split(sep).join("/");
        if (rel === "") continue;
        const t = r.ig.test(isDir ? `${rel}/` : rel);
        if (t.ignored) return true;
        if (t.unignored) return false;
      }
      return false;
    };
    const named = (name: string) => options.extensions.some((x) => name.toLowerCase().endsWith(x));
    for (const e of entries) {
      const path = join(current.path, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !ignored(path, true)) stack.push({ path, rules });
      } else if (e.isFile() && named(e.name)) {
        if (ignored(path, false) || (options.keep && !options.keep(path))) continue;
        out.push(path);
      } else if (e.isSymbolicLink()) {
        let target: Awaited<ReturnType<typeof stat>> | NodeJS.ErrnoException;
        try {
          target = await stat(path);
        } catch (err) {
          target = err as NodeJS.ErrnoException;
        }
        if (!(target instanceof Error) && target.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name) && !ignored(path, true))
            options.notFollowed?.(path, "a link to a directory, not entered; name the directory to scan it");
        } else if (named(e.name) && !ignored(path, false) && (!options.keep || options.keep(path))) {
          if (target instanceof Error)
            options.notFollowed?.(
              path,
              `a link whose target cannot be read (${target.code ?? target.message}); not scanned`,
            );
          else if (target.isFile()) links.push(path);
        }
      }
    }
  }
  // Links last: a caller that reads a file once goes by its own name when the walk meets it too.
  return [...out.sort(), ...links.sort()];
}

/**
 * The `.gitignore` files of the folders above `dir` up to the root of the git work tree it is in (a
 * folder holding `.git`), root first: git applies them below `dir` too. None outside a work tree.
 * A file whose patterns leave out `dir` itself is not used: naming the directory asks for it.
 */
async function enclosingRules(dir: string): Promise<Array<{ base: string; ig: Ignore }>> {
  const start = resolve(dir);
  const above: string[] = [];
  let root: string | undefined;
  if (!(await exists(join(start, ".git"))))
    for (let d = dirname(start), prev = start; d !== prev; prev = d, d = dirname(d)) {
      above.push(d);
      if (await exists(join(d, ".git"))) {
        root = d;
        break;
      }
    }
  if (root === undefined) return [];
  const rules: Array<{ base: string; ig: Ignore }> = [];
  for (const base of above.reverse()) {
    const text = await readFile(join(base, ".gitignore"), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const ig = ignore().add(text);
    if (ig.test(`${relative(base, start).split(sep).join("/")}/`).ignored) continue;
    rules.push({ base, ig });
  }
  return rules;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; message: string; line?: number; column?: number; tooLarge?: boolean };

/** Reads a file as UTF-8 text, refusing binaries and files over the size limit. */
export async function readText(path: string, maxBytes: number): Promise<ReadOutcome> {
  let size: number;
  try {
    const st = await stat(path);
    // A file named on the command line that is a pipe (`check-iac <(terraform show -json plan)`) or
    // a device is read chunk by chunk, up to the limit: /dev/zero must not fill the memory.
    if (!st.isFile()) {
      const buf = await readUpTo(path, maxBytes);
      if (!buf)
        return {
          ok: false,
          message: `the input is over the limit of ${formatBytes(maxBytes)} (--max-file-size); it is not read`,
        };
      return decode(buf);
    }
    size = st.size;
  } catch (e) {
    return {
      ok: false,
      message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    };
  }
  if (size > maxBytes) {
    return {
      ok: false,
      message: `file is ${formatBytes(size)}, over the limit of ${formatBytes(maxBytes)} (--max-file-size)`,
      tooLarge: true,
    };
  }
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    return {
      ok: false,
      message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    };
  }
  return decode(buf);
}

export function decode(buf: Buffer): ReadOutcome {
  const wide = wideTextProblem(buf);
  if (wide) return { ok: false, message: wide };
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const before = buf.subarray(0, nul);
    let line = 1;
    let lastNl = -1;
    for (let i = 0; i < before.length; i++)
      if (before[i] === 10) {
        line++;
        lastNl = i;
      }
    return { ok: false, message: "binary content (NUL byte), not a text file", line, column: nul - lastNl };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(buf) };
  } catch {
    const bad = firstInvalidUtf8(buf);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < bad; i++)
      if (buf[i] === 10) {
        line++;
        lineStart = i + 1;
      }
    // Columns count UTF-16 code units of the valid text before the offending byte, as everywhere else.
    const column = buf.toString("utf8", lineStart, bad).length + 1;
    return {
      ok: false,
      message: `not UTF-8 text (invalid byte 0x${(buf[bad] ?? 0).toString(16).padStart(2, "0")})`,
      line,
      column,
    };
  }
}

/** Extensions that name an infrastructure input whatever the file holds. */
const INPUT_EXTENSIONS = [".tf", ".tf.json", ".tofu", ".tofu.json", ".template", ".cfn"];
/** Words a policy, a template or a plan has near its start (keys, resource types). */
const INPUT_WORDS = /Statement|Effect|AWSTemplateFormatVersion|AWS::|format_version/;

/**
 * Whether a file too large to read may be an input all the same: its extension names one, or its first
 * 64 KB hold a word of a policy, a template or a plan. A file that cannot be read counts as one.
 */
export async function mayBeInput(path: string): Promise<boolean> {
  const name = path.toLowerCase();
  if (INPUT_EXTENSIONS.some((x) => name.endsWith(x))) return true;
  const head = await readHead(path, 64 * 1024).catch(() => undefined);
  return !head || INPUT_WORDS.test(head.toString("latin1"));
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (buf.length if none). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return buf.length;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${n} bytes`;
}

/** Parses `64MB`, `512k`, `1048576`. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = unit.startsWith("g")
    ? 1024 ** 3
    : unit.startsWith("m")
      ? 1024 ** 2
      : unit.startsWith("k")
        ? 1024
        : 1;
  return Math.floor(n * mult);
}
