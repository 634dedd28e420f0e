// Writes docs/services.md from the service knowledge table.
// Run after a build: `node packages/core/scripts/gen-services-doc.js`. A test fails when the file drifts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderServicesDoc } from "../dist/knowledge/render.js";
import { SERVICES } from "../dist/knowledge/services.js";

const dir = join(import.meta.dirname, "../../../docs");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "services.md"), renderServicesDoc(SERVICES));
console.log(`wrote ${join(dir, "services.md")} (${SERVICES.length} services)`);
