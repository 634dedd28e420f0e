import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import type { Worker } from "node:worker_threads";

/** The part of @cdktf/hcl2json we use (its own types pull in DOM typings, so they are not imported). */
interface Hcl2Json {
  parse(filename: string, contents: string): Promise<unknown>;
}

let loading: Promise<Hcl2Json> | undefined;

/**
 * Loads hcl2json on first use only, so that runs without Terraform never pay for its 9 MB WASM
 * module. Liftoff-only compilation halves the start-up of a short run: without it V8 spends about
 * 200 ms optimising the Go module with TurboFan, and the process waits for that
 * (../shared/research/toolchain.md §4). The flag must be set before the module is compiled.
 */
export function loadHcl2json(): Promise<Hcl2Json> {
  if (!loading) {
    setFlagsFromString("--liftoff-only");
    loading = import("@cdktf/hcl2json").then((m) => {
      const mod = m as unknown as Hcl2Json & { default?: Hcl2Json };
      return typeof mod.parse === "function" ? mod : (mod.default as Hcl2Json);
    });
  }
  return loading;
}

export interface HclSyntaxProblem {
  message: string;
  line?: number;
  column?: number;
}

/**
 * hcl2json's rejection as a problem with Terraform's own line and column: the first of its errors,
 * "parse config: [main.tf:2,7-3,1: Invalid expression; Expected ... main.tf:4,1-2: ...]".
 */
export function problemOf(raw: string, file: string): HclSyntaxProblem {
  const m = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(raw);
  if (!m) return { message: raw };
  let message = m[3] ?? raw;
  for (let at = message.indexOf(` ${file}:`); at >= 0; at = message.indexOf(` ${file}:`, at + 1)) {
    const next = message.charCodeAt(at + file.length + 2);
    if (next >= 48 && next <= 57) {
      message = message.slice(0, at);
      break;
    }
  }
  return { message: message.trim(), line: Number(m[1]), column: Number(m[2]) };
}

/**
 * hcl2json's failure as Terraform's verdict: undefined when it is no verdict on the file but a
 * failure of the run (a write that got EAGAIN on a non-blocking pipe, a stack overflow).
 */
export function verdictOf(raw: string, file: string): HclSyntaxProblem | undefined {
  if (/\bE[A-Z]{3,}\b: |Maximum call stack size exceeded/.test(raw)) return undefined;
  return problemOf(raw, file);
}

async function validateHere(file: string, text: string): Promise<HclSyntaxProblem | undefined> {
  const h = await loadHcl2json();
  try {
    await h.parse(file, text);
    return undefined;
  } catch (e) {
    return verdictOf(e instanceof Error ? e.message : String(e), file);
  }
}

/**
 * Files at least this long (UTF-16 code units) are checked in a worker thread. hcl2json's parse is
 * synchronous WebAssembly (about 1.5 ms per KB with liftoff); in a worker it runs on another core
 * while this thread parses, evaluates and finds the policies of the same files. Starting the worker
 * (its own isolate and its own copy of the WASM module, 100+ MB) costs about as much as loading
 * hcl2json here, so small files, and the cold start on one small file, stay on this thread.
 */
export const WORKER_MIN_LENGTH = 64 * 1024;

/** The worker, in CommonJS (its code is given inline: the CLI ships as one bundle). */
const WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
require("node:v8").setFlagsFromString("--liftoff-only");
const hcl2json = require(workerData.hcl2json);
parentPort.on("message", (m) => {
  hcl2json.parse(m.file, m.text).then(
    () => parentPort.postMessage({ id: m.id }),
    (e) => parentPort.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
  );
});`;

interface Pending {
  file: string;
  text: string;
  resolve: (p: HclSyntaxProblem | undefined) => void;
  reject: (e: unknown) => void;
}

/**
 * One worker thread running hcl2json. It does not keep the process alive while idle. If it fails
 * (the WASM module does not load, the thread dies), the files it had are checked on this thread.
 */
class Hcl2JsonWorker {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  get usable(): boolean {
    return !this.failed;
  }

  get started(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Started synchronously, and each file is posted at once: the caller goes on with its own
   * synchronous work on the file, and the worker must already be parsing it by then.
   */
  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const require = createRequire(import.meta.url);
      const { Worker: WorkerThread } = require("node:worker_threads") as typeof import("node:worker_threads");
      const w = new WorkerThread(WORKER_SOURCE, {
        eval: true,
        workerData: { hcl2json: require.resolve("@cdktf/hcl2json") },
      });
      w.unref();
      w.on("message", (m: { id: number; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) w.unref();
        p.resolve(m.error === undefined ? undefined : verdictOf(m.error, p.file));
      });
      const fail = (): void => this.fail();
      w.on("error", fail);
      w.on("exit", fail);
      this.worker = w;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
    const left = [...this.pending.values()];
    this.pending.clear();
    for (const p of left) validateHere(p.file, p.text).then(p.resolve, p.reject);
  }

  validate(file: string, text: string): Promise<HclSyntaxProblem | undefined> {
    const w = this.start();
    if (!w) return validateHere(file, text);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) w.ref();
      this.pending.set(id, { file, text, resolve, reject });
      w.postMessage({ id, file, text });
    });
  }

  /** Ends the worker (and frees its memory); the next large file starts a new one. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failed = false;
    if (w) {
      w.removeAllListeners("exit");
      w.removeAllListeners("error");
      await w.terminate();
    }
  }
}

const worker = new Hcl2JsonWorker();

/**
 * Checks a file with Terraform's own HCL parser (hcl2json wraps hashicorp/hcl). Resolves to the
 * first error, with its line and column, or undefined when the file is valid. Large files (and every
 * file once the worker runs) are checked in a worker thread, so the caller can start this, do its
 * own work on the file, and wait for the verdict afterwards.
 */
export function validateHcl(file: string, text: string): Promise<HclSyntaxProblem | undefined> {
  // Deep nesting overflows hcl2json's stack, and its Go runtime may then exit ("exit code: 4"),
  // after which no later file gets an answer: such a file gets no verdict (our own parser's
  // nesting limit, 200, reports it).
  if (nestingBeyond(text, MAX_HCL2JSON_NESTING) || silent) return Promise.resolve(undefined);
  const verdict =
    worker.usable && (worker.started || text.length >= WORKER_MIN_LENGTH)
      ? worker.validate(file, text)
      : validateHere(file, text);
  // A verdict that never comes (hcl2json's runtime exited) must not hold the run: after
  // VERDICT_TIMEOUT_MS it is no verdict, and later files are not given to hcl2json at all.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      silent = true;
      resolve(undefined);
    }, VERDICT_TIMEOUT_MS);
    // Kept referenced: with a verdict that never comes, it is what keeps the run alive until then.
    verdict.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** How long a verdict is waited for (a 20 KB file of `$` characters takes hcl2json about 8 s). */
const VERDICT_TIMEOUT_MS = 30_000;
/** Set once a verdict never came: hcl2json is not asked again in this process. */
let silent = false;

/** Nesting given to hcl2json at most (brackets and braces, counted outside nothing: an over-estimate). */
const MAX_HCL2JSON_NESTING = 256;

/** Whether brackets, braces or parentheses nest deeper than `limit` anywhere in the text. */
export function nestingBeyond(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123 || c === 40) {
      if (++depth > limit) return true;
    } else if ((c === 93 || c === 125 || c === 41) && depth > 0) depth--;
  }
  return false;
}

/** Whether the hcl2json worker thread runs. */
export function hcl2jsonWorkerRunning(): boolean {
  return worker.started;
}

/** Stops the hcl2json worker thread, if one runs (for long-lived processes and tests). */
export function closeHcl2jsonWorker(): Promise<void> {
  return worker.close();
}
