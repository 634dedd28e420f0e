// Writes docs/rules/<ID>.md and docs/rules/README.md from the rules' metadata.
// Run after a build: `pnpm --filter @deputyguard/core docs`. A test fails when the files drift.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RULES, renderRuleDoc, renderRuleIndex } from "../dist/index.js";

const dir = join(import.meta.dirname, "../../../docs/rules");
mkdirSync(dir, { recursive: true });
for (const rule of RULES) writeFileSync(join(dir, `${rule.meta.id}.md`), renderRuleDoc(rule));
writeFileSync(join(dir, "README.md"), renderRuleIndex(RULES));
console.log(`wrote ${RULES.length + 1} files to ${dir}`);
