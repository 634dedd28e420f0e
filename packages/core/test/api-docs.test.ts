import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../src");

/** Every name `src/index.ts` re-exports, with the file that declares it. */
function publicApi(): Array<{ name: string; file: string }> {
  const index = readFileSync(join(SRC, "index.ts"), "utf8");
  const out: Array<{ name: string; file: string }> = [];
  for (const m of index.matchAll(/export (?:type )?\{([^}]*)\} from "\.\/([^"]+)\.js"/g)) {
    for (const raw of (m[1] ?? "").split(",")) {
      const name = raw.replace(/\btype\b/, "").trim();
      if (name) out.push({ name, file: `${m[2]}.ts` });
    }
  }
  return out;
}

describe("public API", () => {
  const api = publicApi();
  it("has many exports", () => expect(api.length).toBeGreaterThan(100));
  // The semver promise in README.md covers these names: each one says what it is.
  for (const { name, file } of api) {
    it(`${name} has a TSDoc comment`, () => {
      const text = readFileSync(join(SRC, file), "utf8");
      const decl = new RegExp(
        `export (?:async )?(?:function\\*?|const|interface|type|class) ${name}\\b`,
      ).exec(text);
      expect(decl, `${name} is declared in ${file}`).not.toBeNull();
      const before = text.slice(0, decl?.index ?? 0).trimEnd();
      expect(before.endsWith("*/"), `${name} in ${file} has no /** ... */ comment`).toBe(true);
    });
  }
});
