// Promise forms of the few file-system calls the CLI makes, built on the callback API of `node:fs`
// (loaded at start-up anyway). Importing `node:fs/promises` costs a few milliseconds of every cold
// `check-iac` run (it loads Node's stream internals), a measurable share of the start-up goal.
import {
  access as accessCb,
  close as closeCb,
  type Dirent,
  open as openCb,
  read as readCb,
  readdir as readdirCb,
  readFile as readFileCb,
  realpath as realpathCb,
  type Stats,
  stat as statCb,
  write as writeCb,
  writeFile as writeFileCb,
} from "node:fs";

function settle<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null, value: T) => (err ? reject(err) : resolve(value));
}

/** Reads a whole file as text, or as bytes without an encoding. */
export function readFile(path: string): Promise<Buffer>;
export function readFile(path: string, encoding: "utf8"): Promise<string>;
export function readFile(path: string, encoding?: "utf8"): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    if (encoding) readFileCb(path, encoding, settle<string>(resolve, reject));
    else readFileCb(path, settle<Buffer>(resolve, reject));
  });
}

/**
 * Reads a pipe or a device chunk by chunk, up to `max` bytes: undefined when it holds more (the
 * rest is not read). A FIFO blocks until a writer opens it, as `cat` would.
 */
export function readUpTo(path: string, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    openCb(path, "r", (err, fd) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (e: unknown, value?: Buffer) => closeCb(fd, () => (e ? reject(e) : resolve(value)));
      const next = () => {
        const buf = Buffer.allocUnsafe(1 << 16);
        readCb(fd, buf, 0, buf.length, null, (e, n) => {
          if (e) return finish(e);
          if (n === 0) return finish(undefined, Buffer.concat(chunks, size));
          chunks.push(buf.subarray(0, n));
          size += n;
          if (size > max) return finish(undefined, undefined);
          next();
        });
      };
      next();
    });
  });
}

/** The first `max` bytes of a file (fewer when it is shorter). */
export function readHead(path: string, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    openCb(path, "r", (err, fd) => {
      if (err) return reject(err);
      const buf = Buffer.alloc(max);
      readCb(fd, buf, 0, max, 0, (e, n) => closeCb(fd, () => (e ? reject(e) : resolve(buf.subarray(0, n)))));
    });
  });
}

/** The path with every link resolved (one system call). */
export function realpath(path: string): Promise<string> {
  return new Promise((resolve, reject) => realpathCb.native(path, settle<string>(resolve, reject)));
}

/** Lists a directory with entry types. */
export function readdir(path: string, _options: { withFileTypes: true }): Promise<Dirent[]> {
  return new Promise((resolve, reject) =>
    readdirCb(path, { withFileTypes: true }, settle<Dirent[]>(resolve, reject)),
  );
}

/** Stats a path (following links). */
export function stat(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(path, settle<Stats>(resolve, reject)));
}

/** Resolves when the path exists. */
export function access(path: string): Promise<void> {
  return new Promise((resolve, reject) => accessCb(path, (err) => (err ? reject(err) : resolve())));
}

/** Writes a whole file. */
export function writeFile(path: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => writeFileCb(path, data, (err) => (err ? reject(err) : resolve())));
}

/** A failure while making the pieces {@link writeFileChunks} writes, not while writing them. */
export class PieceError extends Error {
  constructor(readonly reason: unknown) {
    super("making the text to write failed");
  }
}

/**
 * Writes text given in pieces (created or truncated, as {@link writeFile}), one piece at a time, so that
 * a large report is never held whole as a string nor as a buffer. A piece that cannot be made rejects
 * with a {@link PieceError} (the file then holds the pieces before it).
 */

export function writeFileChunks(path: string, pieces: Iterable<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    openCb(path, "w", (err, fd) => {
      if (err) return reject(err);
      const it = pieces[Symbol.iterator]();
      const finish = (e: unknown) =>
        closeCb(fd, (closeErr) => (e || closeErr ? reject(e ?? closeErr) : resolve()));
      const writeAll = (text: string, done: (e: unknown) => void) => {
        // A write may take fewer bytes than given (a full disk takes some, then fails the rest).
        const buf = Buffer.from(text, "utf8");
        let offset = 0;
        const step = () => {
          if (offset >= buf.length) return done(undefined);
          writeCb(fd, buf, offset, buf.length - offset, null, (e, n) => {
            if (e) return done(e);
            offset += n;
            step();
          });
        };
        step();
      };
      const next = () => {
        let item: IteratorResult<string>;
        try {
          item = it.next();
        } catch (e) {
          return finish(new PieceError(e));
        }
        if (item.done) return finish(undefined);
        writeAll(item.value, (e) => (e ? finish(e) : next()));
      };
      next();
    });
  });
}
