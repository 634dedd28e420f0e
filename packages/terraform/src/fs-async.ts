// Promise forms of the file-system calls the Terraform reader makes, on the callback API of
// `node:fs` (loaded at start-up anyway). Importing `node:fs/promises` loads Node's stream
// internals, about a millisecond of every cold `check-iac` run, which walks every scanned
// directory with these (apps/cli/src/fs-async.ts does the same for the CLI).
import { type Dirent, readdir as readdirCb, readFile as readFileCb } from "node:fs";

function settle<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null, value: T) => (err ? reject(err) : resolve(value));
}

/** The names in a directory, or its entries with their types. */
export function readdir(path: string): Promise<string[]>;
export function readdir(path: string, options: { withFileTypes: true }): Promise<Dirent[]>;
export function readdir(path: string, options?: { withFileTypes: true }): Promise<string[] | Dirent[]> {
  return new Promise((resolve, reject) => {
    if (options?.withFileTypes) readdirCb(path, { withFileTypes: true }, settle<Dirent[]>(resolve, reject));
    else readdirCb(path, settle<string[]>(resolve, reject));
  });
}

/** A whole file as text, or as bytes without an encoding. */
export function readFile(path: string): Promise<Buffer>;
export function readFile(path: string, encoding: "utf8"): Promise<string>;
export function readFile(path: string, encoding?: "utf8"): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    if (encoding) readFileCb(path, encoding, settle<string>(resolve, reject));
    else readFileCb(path, settle<Buffer>(resolve, reject));
  });
}
