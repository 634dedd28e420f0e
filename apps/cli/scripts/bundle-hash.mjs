// Writes dist/bundle.cjs.sha256: the SHA-256 of the bundle's text and its length in characters,
// which bin/launch.js puts in the key of its V8 code cache without hashing 600 KB on every run.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const bundle = join(import.meta.dirname, "..", "dist", "bundle.cjs");
const source = readFileSync(bundle, "utf8");
const hash = createHash("sha256").update(source).digest("hex");
writeFileSync(`${bundle}.sha256`, `${hash} ${source.length}\n`);
