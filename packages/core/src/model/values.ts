import type { SourceRange } from "./source.js";

/**
 * Symbols stand for values that are fixed at deploy time but not written in the source.
 * They are never guessed: `self-account` is the deploying account, `self-org` its organization.
 */
export type SymbolKind = "self-account" | "self-org" | "region" | "partition" | "url-suffix" | "unknown";

/** Where an unresolved value comes from and why it could not be resolved. */
export interface Provenance {
  /** What the value refers to, e.g. `parameter AuditAccountId`, `var.account_id`, `Fn::ImportValue Shared-Arn`. */
  source: string;
  /** Why it is unknown, e.g. `parameter has no Default and no value was given`. */
  reason: string;
}

/** A value fixed at deploy time but not written in the source, with where it comes from. */
export interface ValueSymbol {
  kind: SymbolKind;
  /** Display name, e.g. `SELF`, `REGION`, `AuditAccountId`. */
  name: string;
  provenance: Provenance;
}

/** A piece of a policy value: literal text or a symbol. */
export type ValuePart = string | ValueSymbol;

/**
 * A policy value: a known string (one string part), an unknown (one symbol part) or a template
 * mixing both, e.g. `arn:aws:logs:<REGION>:<SELF>:log-group:*`.
 */
export interface PolicyValue {
  parts: ValuePart[];
  range?: SourceRange;
}

/** A literal value. */
export function knownValue(text: string, range?: SourceRange): PolicyValue {
  return range ? { parts: [text], range } : { parts: [text] };
}

/** A value that is one symbol. */
export function symbolValue(symbol: ValueSymbol, range?: SourceRange): PolicyValue {
  return range ? { parts: [symbol], range } : { parts: [symbol] };
}

/** The deploying account, as a symbol. */
export const SELF_ACCOUNT: ValueSymbol = {
  kind: "self-account",
  name: "SELF",
  provenance: { source: "deploying account", reason: "the account is chosen at deploy time" },
};

/** The deploying account's organization, as a symbol (`--org-id` gives its value). */
export const SELF_ORG: ValueSymbol = {
  kind: "self-org",
  name: "ORG",
  provenance: {
    source: "deploying account's organization",
    reason: "the organization is known at deploy time",
  },
};

/** Merges adjacent string parts and drops empty ones. */
export function normalizeParts(parts: readonly ValuePart[]): ValuePart[] {
  const out: ValuePart[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      if (part === "") continue;
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + part;
      else out.push(part);
    } else {
      out.push(part);
    }
  }
  return out;
}

/** Whether a value has no symbols. */
export function isKnown(value: PolicyValue): boolean {
  return value.parts.every((p) => typeof p === "string");
}

/** The text of a fully known value, or undefined. */
export function knownText(value: PolicyValue): string | undefined {
  if (!isKnown(value)) return undefined;
  return (value.parts as string[]).join("");
}

export function symbolsOf(value: PolicyValue): ValueSymbol[] {
  return value.parts.filter((p): p is ValueSymbol => typeof p !== "string");
}

/**
 * The symbols of a value with no literal text at all (it may stand for any JSON value, not only a
 * string), or undefined when it has literal text or no parts.
 */
export function wholeUnknown(value: PolicyValue): ValueSymbol[] | undefined {
  if (value.parts.length === 0 || value.parts.some((p) => typeof p === "string")) return undefined;
  return symbolsOf(value);
}

/** Where symbols come from, for messages: `source: reason`, separated by "; ". */
export function provenanceText(symbols: readonly ValueSymbol[]): string {
  return symbols.map((s) => `${s.provenance.source}: ${s.provenance.reason}`).join("; ");
}

/**
 * A symbol's name for a message: on one line, at most 60 characters (names of expressions can be
 * long). A longer one keeps its start and its end, which tell names apart (`….source_arn`,
 * `….source_account`).
 */
export function shortName(name: string): string {
  const flat = name.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 24)}…${flat.slice(-35)}` : flat;
}

/** Renders a value for messages: symbols as `<NAME>`. */
export function displayValue(value: PolicyValue): string {
  return value.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
}
