import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PieceError, writeFileChunks } from "../src/fs-async.js";

// The JSON and SARIF reports are written in pieces (session 16): the file must hold exactly the
// pieces, a write problem must reject as before, and a piece that cannot be made must not pass for
// a write problem (the CLI reports it as an internal error).
describe("writeFileChunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "dg-chunks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the pieces in order, over what the file held, multi-byte text included", async () => {
    const file = join(dir, "out.json");
    await writeFileChunks(file, ["old text that is longer than the new one"]);
    const pieces = ["{", '"é": "😀"', ...Array.from({ length: 1000 }, (_, i) => `,"k${i}": ${i}`), "}\n"];
    await writeFileChunks(file, pieces);
    expect(readFileSync(file, "utf8")).toBe(pieces.join(""));
  });

  it("rejects with the file system's error for a missing folder", async () => {
    await expect(writeFileChunks(join(dir, "missing", "out.json"), ["x"])).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("rejects with a PieceError holding the cause when a piece cannot be made", async () => {
    const file = join(dir, "partial.json");
    function* pieces() {
      yield "first";
      throw new RangeError("Invalid string length");
    }
    const e = await writeFileChunks(file, pieces()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PieceError);
    expect((e as PieceError).reason).toBeInstanceOf(RangeError);
    expect(readFileSync(file, "utf8")).toBe("first");
  });
});
