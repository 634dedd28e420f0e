// Starts the CLI from its one-file bundle with a V8 code cache, so that a cold `check-iac` does not
// compile ~600 KB of JavaScript again on every run. Node 20 has no module.enableCompileCache; its
// node:vm Script takes and produces V8 cached data, so the bundle (CommonJS) is run as a script.
// The cache lives in the user's own cache directory (never a shared temporary directory: cached
// bytecode is code), is keyed by a hash of the bundle and the Node version, and is written once
// after a run that had none. DEPUTYGUARD_NO_COMPILE_CACHE=1 turns it off; any error while reading
// or writing it is ignored (the run is the same, only slower). The bundle holds no import(): its
// external packages are loaded with require (tsdown.config.ts), which vm scripts support.
// This file and the bin scripts are CommonJS (bin/package.json): Node starts them without most of
// its ES module loader, and node:crypto is loaded only when the build's hash of the bundle
// (dist/bundle.cjs.sha256, scripts/bundle-hash.mjs) is missing or is for a bundle of another length.
"use strict";
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} = require("node:fs");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { setFlagsFromString } = require("node:v8");
const { Script } = require("node:vm");

const bundle = join(__dirname, "..", "dist", "bundle.cjs");

function cacheDirectory() {
  if (process.env.DEPUTYGUARD_NO_COMPILE_CACHE) return undefined;
  if (process.env.DEPUTYGUARD_CACHE_DIR) return process.env.DEPUTYGUARD_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(require("node:os").homedir(), ".cache");
  return join(base, "deputyguard");
}

const STALE_MS = 30 * 24 * 3600 * 1000;

/**
 * Caches of other versions: removed when untouched for 30 days. A cache in use is never rewritten,
 * so one of a version still in use may go too, and is written again by its next run.
 */
function removeStale(dir, keep) {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!/^cli-[0-9a-f]{32}\.v8cache$/.test(name)) continue;
    const file = join(dir, name);
    if (file === keep) continue;
    try {
      if (now - statSync(file).mtimeMs > STALE_MS) unlinkSync(file);
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

/**
 * The SHA-256 of the bundle's text, in hex: the one the build wrote beside it when it is for a
 * bundle of this length (the build writes both at once), computed otherwise. A bundle edited
 * afterwards may keep its length (and V8 checks only the length of the source its cached data was
 * made from): the key holds the bundle's modification time and size as well.
 */
function bundleHash(source) {
  try {
    const [hash, length] = readFileSync(`${bundle}.sha256`, "utf8").trim().split(" ");
    if (/^[0-9a-f]{64}$/.test(hash) && Number(length) === source.length) return hash;
  } catch {
    // No hash from the build: computed below.
  }
  return require("node:crypto").createHash("sha256").update(source).digest("hex");
}

/** Runs the CLI's main with the given default command; resolves to the exit code. */
async function launch(defaultCommand) {
  // V8 rejects cached data made under other flags. The Terraform reader sets --liftoff-only before
  // it loads hcl2json (a WebAssembly flag, no effect on JavaScript); set it here first so that every
  // run compiles, and writes its cache, under the same flags.
  setFlagsFromString("--liftoff-only");
  const source = readFileSync(bundle, "utf8");
  const dir = cacheDirectory();
  let cacheFile;
  let cachedData;
  if (dir) {
    // V8 rejects cached data made by another V8 or under other flags: key by both, so that two
    // installs or two flag sets each keep their own file instead of rewriting one on every run.
    // The bundle's path too: V8 keeps the file name of the run that made the cache, and a stack
    // trace (DEPUTYGUARD_DEBUG) named another checkout's bundle.
    // And the bundle's content: the build's hash of it, with its modification time and size, so
    // that a bundle changed in place after the build never runs the bytecode of the old one.
    const stat = statSync(bundle);
    const key = fnv128(
      `${process.version}\0${process.execArgv.join(" ")}\0${bundle}\0${bundleHash(source)}\0${stat.mtimeMs}\0${stat.size}`,
    );
    cacheFile = join(dir, `cli-${key.slice(0, 32)}.v8cache`);
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const bundleRequire = createRequire(bundle);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const bundleModule = { exports: {} };
  script
    .runInThisContext()
    .call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, bundle, dirname(bundle));
  const code = await bundleModule.exports.main(process.argv.slice(2), { defaultCommand });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    try {
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      renameSync(tmp, cacheFile);
      removeStale(dirname(cacheFile), cacheFile);
    } catch {
      // A read-only or missing home directory: run without a cache.
    }
  }
  return code;
}

/**
 * A 128-bit FNV-1a hash in hex (four 32-bit lanes with different offsets), for the cache file's
 * name: the bundle's content is already in the key as its SHA-256, so this only has to spread
 * a short text over file names, without loading node:crypto.
 */
function fnv128(text) {
  const lanes = [0x811c9dc5, 0x050c5d1f, 0x6295c58d, 0x1b873593];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l] ^ c ^ (l * 0x9e3779b9), 0x01000193) >>> 0;
  }
  return lanes.map((h) => h.toString(16).padStart(8, "0")).join("");
}

module.exports = { launch };
