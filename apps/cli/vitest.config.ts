import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    // Temporary files of the tests go to one directory, removed when the run ends.
    globalSetup: ["../../scripts/vitest-temp-root.mjs"],
    // The JSON report lets .ci/run print one closing "N passed, N failed" line for the whole repository.
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});
