import { setFlagsFromString } from "node:v8";

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
 * Checks a file with Terraform's own HCL parser (hcl2json wraps hashicorp/hcl). Returns the first
 * error, with its line and column, or undefined when the file is valid.
 */
export async function validateHcl(file: string, text: string): Promise<HclSyntaxProblem | undefined> {
  const h = await loadHcl2json();
  try {
    await h.parse(file, text);
    return undefined;
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    // "parse config: [main.tf:2,7-3,1: Invalid expression; Expected the start of an expression...]"
    const m = /:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: ([^\]]*)/.exec(raw);
    if (!m) return { message: raw };
    return { message: (m[3] ?? raw).trim(), line: Number(m[1]), column: Number(m[2]) };
  }
}
