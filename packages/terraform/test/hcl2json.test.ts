import { afterAll, describe, expect, it } from "vitest";
import {
  closeHcl2jsonWorker,
  hcl2jsonWorkerRunning,
  nestingBeyond,
  problemOf,
  verdictOf,
  WORKER_MIN_LENGTH,
} from "../src/load/hcl2json.js";
import { scan, topicPolicy } from "./helpers.js";

afterAll(() => closeHcl2jsonWorker());

/** A valid file of at least `length` characters: topic policies, each 13 lines long. */
function largeModule(length: number): { text: string; blocks: number } {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const block = topicPolicy('"210987654321"').replace('"orders"', `"t${i}"`);
    parts.push(block);
    size += block.length;
  }
  return { text: parts.join(""), blocks: parts.length };
}

describe("Terraform's parser (hcl2json) checks every file", () => {
  it("keeps the first of hcl2json's errors, with its line and column", () => {
    const raw =
      "parse config: [/m/main.tf:4,10-11: Invalid character; This character is not used within the language. /m/main.tf:4,10-11: Invalid expression; Expected the start of an expression.]";
    expect(problemOf(raw, "/m/main.tf")).toEqual({
      message: "Invalid character; This character is not used within the language.",
      line: 4,
      column: 10,
    });
  });

  // Our parser reads `name = ☃` as a reference; Terraform rejects the character. The file is not
  // analysed (the module is analysed again without it) and the other file still is.
  it("does not analyse a file only our parser accepts, and analyses the others", async () => {
    const bad = topicPolicy('"210987654321"').replace('arn = "', 'name = ☃\n  arn = "');
    const good = topicPolicy('"210987654321"').replace('"orders"', '"audit"');
    const r = await scan({ "bad.tf": bad, "good.tf": good });
    expect(r.sites.map((s) => s.resource)).toEqual(["aws_sns_topic_policy.audit"]);
    expect(r.diagnostics.map((d) => [d.code, d.file.split("/").pop(), d.line, d.column, d.message])).toEqual([
      [
        "ParseError",
        "bad.tf",
        3,
        10,
        "HCL syntax error: Invalid character; This character is not used within the language.",
      ],
    ]);
  });

  // Large files go to a worker thread, which parses them while this thread analyses them.
  it("checks large files in a worker: errors keep their position, other files are analysed", async () => {
    const { text, blocks } = largeModule(WORKER_MIN_LENGTH * 2);
    const broken = `${text}resource "aws_sqs_queue" "q" {\n  name = \n}\n`;
    const brokenLine = text.split("\n").length + 1;
    await closeHcl2jsonWorker();
    const small = await scan({ "small.tf": 'locals {\n  a = "b"\n}\n' });
    expect([small.diagnostics, hcl2jsonWorkerRunning()]).toEqual([[], false]);
    const r = await scan({ "big.tf": text, "broken.tf": broken, "small.tf": 'locals {\n  a = "b"\n}\n' });
    expect(r.sites).toHaveLength(blocks);
    expect(r.diagnostics.map((d) => [d.code, d.file.split("/").pop(), d.line, d.column])).toEqual([
      ["ParseError", "broken.tf", brokenLine, 10],
    ]);
    expect(hcl2jsonWorkerRunning()).toBe(true);
  });
});

// From a test run: after a large error, hcl2json's own write to a non-blocking pipe failed with
// EAGAIN, and that failure was taken for Terraform's verdict ("HCL syntax error: EAGAIN: ..."), so a
// valid file was rejected. A failure of the run is no verdict.
describe("verdictOf", () => {
  it("takes failures of the run for no verdict, syntax errors for a verdict", () => {
    expect(verdictOf("EAGAIN: resource temporarily unavailable, write", "main.tf")).toBeUndefined();
    expect(verdictOf("Maximum call stack size exceeded", "main.tf")).toBeUndefined();
    expect(
      verdictOf("main.tf:2,3-4: Invalid expression; Expected the start of an expression", "main.tf"),
    ).toEqual({
      message: "Invalid expression; Expected the start of an expression",
      line: 2,
      column: 3,
    });
  });
});

// From a CI run: after hcl2json met 2,000 nested brackets its Go runtime exited ("exit code: 4")
// and every later file waited for ever for its verdict. Such text is not given to hcl2json.
it("text nested deeper than hcl2json can take gets no verdict, and later files still get theirs", async () => {
  expect(nestingBeyond(`${"[".repeat(300)}${"]".repeat(300)}`, 256)).toBe(true);
  expect(nestingBeyond('locals { a = [{ b = ["c"] }] }', 256)).toBe(false);
  const deep = await scan({ "main.tf": `locals {\n  a = ${"[".repeat(2000)}${"]".repeat(2000)}\n}\n` });
  expect(deep.diagnostics.map((d) => d.code)).toEqual(["UnsupportedConstruct"]);
  const next = await scan({ "main.tf": "locals {\n  a = \n}\n" });
  expect(next.diagnostics.map((d) => d.code)).toEqual(["ParseError"]);
});
