// The promise forms of readdir and readFile, loaded from node:fs/promises when first called: importing
// it at start-up loads Node's stream internals, several milliseconds of every cold `check-iac` run,
// also of those that read no Terraform file.
type FsPromises = typeof import("node:fs/promises");

function fsPromises(): FsPromises {
  return process.getBuiltinModule("node:fs/promises") as FsPromises;
}

export const readdir: FsPromises["readdir"] = ((...args: Parameters<FsPromises["readdir"]>) =>
  fsPromises().readdir(...args)) as FsPromises["readdir"];

export const readFile: FsPromises["readFile"] = ((...args: Parameters<FsPromises["readFile"]>) =>
  fsPromises().readFile(...args)) as FsPromises["readFile"];
