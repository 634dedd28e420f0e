/**
 * `JSON.stringify(value, null, 2)` in pieces: the same text, given as a sequence of strings so that a
 * large report (a 50 MB policy gives 180 MB of JSON) can be written out without first being held as
 * one string and then again as one buffer.
 *
 * Containers down to {@link DESCEND_DEPTH} levels are written piece by piece (so an array of findings
 * gives one piece per finding); anything deeper is one `JSON.stringify` call, re-indented.
 */
const DESCEND_DEPTH = 4;
const INDENT = "  ";

/** The pieces of `JSON.stringify(value, null, 2)`, joined with nothing in between. */
export function* jsonChunks(value: unknown): Generator<string> {
  const v = resolved(value, "");
  if (serializable(v)) yield* piece(v, "", 0);
}

/** `value` as JSON.stringify sees it under `key`: what its `toJSON` gives, if it has one. */
function resolved(value: unknown, key: string): unknown {
  if (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  )
    return (value as { toJSON: (k: string) => unknown }).toJSON(key);
  return value;
}

/** Whether `JSON.stringify` writes anything for `v` (false: an object member is left out, an array item is `null`). */
function serializable(v: unknown): boolean {
  return v !== undefined && typeof v !== "function" && typeof v !== "symbol";
}

/**
 * Yields the text of `v` (already through {@link resolved} and {@link serializable}), whose first
 * line is already indented and whose further lines get `indent`.
 */
function* piece(v: unknown, indent: string, depth: number): Generator<string> {
  if (
    v === null ||
    typeof v !== "object" ||
    depth >= DESCEND_DEPTH ||
    v instanceof Number ||
    v instanceof String ||
    v instanceof Boolean
  ) {
    const text = JSON.stringify(v, null, INDENT);
    yield depth === 0 || !text.includes("\n") ? text : text.replace(/\n/g, `\n${indent}`);
    return;
  }
  const inner = indent + INDENT;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield "[]";
      return;
    }
    yield `[\n${inner}`;
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield `,\n${inner}`;
      const item = resolved(v[i], String(i));
      if (serializable(item)) yield* piece(item, inner, depth + 1);
      else yield "null";
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const k of Object.keys(v)) {
    const member = resolved((v as Record<string, unknown>)[k], k);
    if (!serializable(member)) continue;
    yield `${first ? "{\n" : ",\n"}${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* piece(member, inner, depth + 1);
  }
  yield first ? "{}" : `\n${indent}}`;
}

/**
 * Joins consecutive pieces into strings of at least `size` characters (the last may be shorter), so
 * that a writer makes a few large writes rather than many small ones.
 */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let buffer = "";
  for (const p of pieces) {
    buffer += p;
    if (buffer.length >= size) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer) yield buffer;
}
