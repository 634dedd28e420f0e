import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const PACKAGE = join(import.meta.dirname, "..");

describe("package exports", () => {
  it("lets users import the output schema the README promises (@deputyguard/core/schemas/output.schema.json)", () => {
    // Resolved through the package's own `exports` map (Node's self-reference), as a user's import is.
    const require = createRequire(join(PACKAGE, "package.json"));
    const path = require.resolve("@deputyguard/core/schemas/output.schema.json");
    expect(path).toBe(join(PACKAGE, "schemas", "output.schema.json"));
    const schema = JSON.parse(readFileSync(path, "utf8")) as { $schema?: string };
    expect(schema.$schema).toBeDefined();
  });

  it("publishes the schemas directory", () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("schemas");
  });
});
