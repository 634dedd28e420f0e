import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Directories a walk never enters. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".turbo", "dist"]);

export interface WalkOptions {
  extensions: readonly string[];
}

/** Files under a directory whose name ends in one of the extensions, sorted, without following links. */
export async function walk(dir: string, options: WalkOptions): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const entries = await readdir(current, { withFileTypes: true });
    for (const e of entries) {
      const path = join(current, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) stack.push(path);
      } else if (e.isFile() && options.extensions.some((x) => e.name.toLowerCase().endsWith(x))) {
        out.push(path);
      }
    }
  }
  return out.sort();
}

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; message: string; line?: number; column?: number };

/** Reads a file as UTF-8 text, refusing binaries and files over the size limit. */
export async function readText(path: string, maxBytes: number): Promise<ReadOutcome> {
  let size: number;
  try {
    size = (await stat(path)).size;
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
    return { ok: false, message: "not UTF-8 text" };
  }
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
