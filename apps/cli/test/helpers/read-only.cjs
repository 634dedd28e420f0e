// Preloaded by tests (`node --require`): fs.writeFile of the paths listed in DEPUTYGUARD_TEST_READ_ONLY
// (separated by path.delimiter) fails with EACCES, as a read-only file does for a normal user. File
// permissions do not stop root, which a test run may be; this does.
const fs = require("node:fs");
const { delimiter, resolve } = require("node:path");

const denied = new Set(
  (process.env.DEPUTYGUARD_TEST_READ_ONLY ?? "")
    .split(delimiter)
    .filter((p) => p !== "")
    .map((p) => resolve(p)),
);
const writeFile = fs.writeFile;
fs.writeFile = function (path, ...rest) {
  if (typeof path === "string" && denied.has(resolve(path))) {
    const done = rest[rest.length - 1];
    const e = Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
      code: "EACCES",
      syscall: "open",
      path,
    });
    process.nextTick(done, e);
    return;
  }
  return writeFile.call(this, path, ...rest);
};
