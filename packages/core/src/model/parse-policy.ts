import { parseConditionOperator } from "./operators.js";
import type {
  ConditionEntry,
  ConditionOperator,
  Policy,
  PrincipalEntry,
  PrincipalSpec,
  Statement,
  ValueList,
} from "./policy.js";
import type { Diagnostic, SourceRange } from "./source.js";
import { diagnosticAt } from "./source.js";
import type { ObjectNode, SourceEntry, SourceNode, ValueNode } from "./tree.js";
import { knownValue, type PolicyValue, provenanceText, type ValueSymbol, wholeUnknown } from "./values.js";

/** The result of `parsePolicy`: the policy (when the input is shaped like one) and shape diagnostics. */
export interface ParsedPolicy {
  /** Undefined when the input is not shaped like a policy at all. */
  policy?: Policy;
  diagnostics: Diagnostic[];
}

/** Element names, lower-cased: a name in another case is still the element (with a warning). */
const STATEMENT_ELEMENTS: ReadonlySet<string> = lowerCased([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);
const DOCUMENT_ELEMENTS: ReadonlySet<string> = lowerCased(["Version", "Id", "Statement"]);

function lowerCased(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map((n) => n.toLowerCase()));
}

/** True when a node looks like a policy document, a statement or a list of statements. */
export function looksLikePolicy(node: SourceNode): boolean {
  if (node.kind === "object") {
    return node.entries.some((e) => e.key === "Statement" || e.key === "Effect");
  }
  if (node.kind === "array") {
    return (
      node.items.length > 0 &&
      node.items.every((item) => item.kind === "object" && item.entries.some((e) => e.key === "Effect"))
    );
  }
  return false;
}

/** Parsed operators by text: a template repeats the same few in every statement (never mutated). */
const operators = new Map<string, ConditionOperator>();

function operatorFor(text: string): ConditionOperator {
  let op = operators.get(text);
  if (!op) {
    if (operators.size >= 1024) operators.clear();
    op = parseConditionOperator(text);
    operators.set(text, op);
  }
  return op;
}

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(["AWS", "Service", "Federated", "CanonicalUser"]);

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly file: string) {}

  error(message: string, range: SourceRange | undefined): void {
    this.diagnostics.push(diagnosticAt("PolicyShape", "error", message, this.file, range));
  }

  warn(message: string, range: SourceRange | undefined, code = "PolicyShape"): void {
    this.diagnostics.push(diagnosticAt(code, "warning", message, this.file, range));
  }

  /** Finds a policy element by name; a different case is accepted with a warning. */
  element(node: ObjectNode, name: string): SourceEntry | undefined {
    let found: SourceEntry | undefined;
    for (const entry of node.entries) {
      if (entry.key === name) found = entry;
    }
    if (found) return found;
    const lower = name.toLowerCase();
    for (const entry of node.entries) {
      if (entry.key.toLowerCase() === lower) {
        this.warn(`element "${entry.key}" should be written "${name}"`, entry.keyRange);
        found = entry;
      }
    }
    return found;
  }

  unknownElements(node: ObjectNode, known: ReadonlySet<string>, where: string): void {
    for (const entry of node.entries) {
      if (!known.has(entry.key.toLowerCase())) {
        this.warn(`"${entry.key}" is not a ${where} element`, entry.keyRange);
      }
    }
  }

  /**
   * `unknownElements`, then `element` for many names of one object: its keys are lower-cased once.
   * Same answers and warnings as those two.
   */
  elementsOf(
    node: ObjectNode,
    known: ReadonlySet<string>,
    where: string,
  ): (name: string) => SourceEntry | undefined {
    const byLower = new Map<string, SourceEntry[]>();
    for (const entry of node.entries) {
      const lower = entry.key.toLowerCase();
      if (!known.has(lower)) this.warn(`"${entry.key}" is not a ${where} element`, entry.keyRange);
      const list = byLower.get(lower);
      if (list) list.push(entry);
      else byLower.set(lower, [entry]);
    }
    return (name) => {
      const list = byLower.get(name.toLowerCase());
      if (!list) return undefined;
      let found: SourceEntry | undefined;
      for (const entry of list) if (entry.key === name) found = entry;
      if (found) return found;
      for (const entry of list) {
        this.warn(`element "${entry.key}" should be written "${name}"`, entry.keyRange);
        found = entry;
      }
      return found;
    };
  }

  scalarText(node: SourceNode, what: string): PolicyValue | undefined {
    if (node.kind === "value") return node.value;
    if (node.kind === "scalar") {
      if (node.value === null) {
        this.error(`${what} is null; expected a string`, node.range);
        return undefined;
      }
      return knownValue(String(node.value), node.range);
    }
    this.error(`${what} is ${describe(node)}; expected a string`, node.range);
    return undefined;
  }

  stringOrList(node: SourceNode, what: string): ValueList | undefined {
    if (node.kind === "array") {
      const values: PolicyValue[] = [];
      for (const item of node.items) {
        const v = this.scalarText(item, `an item of ${what}`);
        if (v) values.push(v);
      }
      return node.range ? { values, range: node.range } : { values };
    }
    const v = this.scalarText(node, what);
    if (!v) return undefined;
    return node.range ? { values: [v], range: node.range } : { values: [v] };
  }

  principal(node: SourceNode, what: string): PrincipalSpec | undefined {
    const withRange = (spec: PrincipalSpec): PrincipalSpec => {
      if (node.range) spec.range = node.range;
      return spec;
    };
    const unknown = this.unknownOf(node);
    if (unknown) {
      // Not known before deployment: it may name any principal, a service included. As Principal it
      // is analysed as a possible service principal; as NotPrincipal it excludes nothing for sure.
      this.warn(
        `${what} is not known before deployment (${unknown.why}); ${what === "Principal" ? "it is analysed as a service principal that may be any" : "it is analysed as excluding no principal"}`,
        node.range,
        "UnresolvedPrincipal",
      );
      if (what !== "Principal") return withRange({ star: false, entries: [], unknown: unknown.symbols });
      const value = (node as ValueNode).value;
      return withRange({
        star: false,
        entries: [{ type: "Service", values: [value] }],
        unknown: unknown.symbols,
      });
    }
    if (node.kind === "scalar" || node.kind === "value") {
      const v = this.scalarText(node, what);
      if (!v) return undefined;
      if (v.parts.length === 1 && v.parts[0] === "*") return withRange({ star: true, entries: [] });
      this.error(`${what} must be "*" or an object such as {"Service": "..."}`, node.range);
      return undefined;
    }
    if (node.kind !== "object") {
      this.error(`${what} is ${describe(node)}; expected "*" or an object`, node.range);
      return undefined;
    }
    const entries: PrincipalEntry[] = [];
    for (const entry of node.entries) {
      const list = this.stringOrList(entry.value, `${what}.${entry.key}`);
      if (!list) continue;
      const pe: PrincipalEntry = { type: entry.key, values: list.values };
      if (entry.value.range) pe.range = entry.value.range;
      entries.push(pe);
      if (!PRINCIPAL_TYPES.has(entry.key)) {
        this.warn(
          `"${entry.key}" is not a principal type (AWS, Service, Federated, CanonicalUser)`,
          entry.keyRange,
        );
      }
      // A wildcard names no service: AWS rejects such a policy or matches no principal with it
      // (only "*" or {"AWS": "*"} is every principal). Said, not silently skipped.
      if (entry.key === "Service")
        for (const v of list.values)
          if (v.parts.length === 1 && typeof v.parts[0] === "string" && /[*?]/.test(v.parts[0]))
            this.warn(
              `"Service": "${v.parts[0]}" names no service principal (a wildcard is not allowed in a service principal name); AWS rejects the policy or matches no service with it, so it is not analysed as any`,
              v.range ?? entry.value.range,
            );
    }
    return withRange({ star: false, entries });
  }

  conditions(
    node: SourceNode,
    index: number,
    unknowns: ValueSymbol[],
    deny: boolean,
  ): ConditionEntry[] | undefined {
    if (node.kind !== "object") {
      this.error(`Condition is ${describe(node)}; expected an object of operators`, node.range);
      return undefined;
    }
    const out: ConditionEntry[] = [];
    const unknownKeys = (object: ObjectNode, subject: string, range: SourceRange | undefined) => {
      if (!object.unknownKeys?.length) return;
      unknowns.push(...object.unknownKeys);
      this.warn(
        `${subject} not known before deployment (${provenanceText(object.unknownKeys)}); ${conditionConsequence(deny)}`,
        range,
        "UnresolvedCondition",
      );
    };
    unknownKeys(node, `the Condition of statement ${index} has an operator`, node.range);
    for (const opEntry of node.entries) {
      const operator = operatorFor(opEntry.key);
      const unknown = this.unknownOf(opEntry.value);
      if (unknown) {
        // The keys under this operator are not known: they may be none, so they are not counted on.
        unknowns.push(...unknown.symbols);
        this.warn(
          `the "${opEntry.key}" block of statement ${index}'s Condition is not known before deployment (${unknown.why}); ${conditionConsequence(deny)}`,
          opEntry.value.range ?? opEntry.keyRange,
          "UnresolvedCondition",
        );
        continue;
      }
      if (opEntry.value.kind === "object")
        unknownKeys(
          opEntry.value,
          `the "${opEntry.key}" block of statement ${index}'s Condition has a key`,
          opEntry.value.range ?? opEntry.keyRange,
        );
      if (opEntry.value.kind !== "object") {
        this.error(
          `the value of condition operator "${opEntry.key}" is ${describe(opEntry.value)}; expected an object of condition keys`,
          opEntry.value.range,
        );
        return undefined;
      }
      for (const keyEntry of opEntry.value.entries) {
        const list = this.stringOrList(keyEntry.value, `the value of condition key "${keyEntry.key}"`);
        if (!list) return undefined;
        const ce: ConditionEntry = {
          operator,
          key: keyEntry.key,
          keyLower: keyEntry.key.toLowerCase(),
          values: list.values,
        };
        if (opEntry.keyRange) ce.operatorRange = opEntry.keyRange;
        if (keyEntry.keyRange) ce.keyRange = keyEntry.keyRange;
        if (keyEntry.keyRange && keyEntry.value.range) {
          ce.range = {
            file: keyEntry.keyRange.file,
            start: keyEntry.keyRange.start,
            end: keyEntry.value.range.end,
          };
        }
        out.push(ce);
      }
    }
    return out;
  }

  /**
   * The symbols of a value node that is wholly unknown (no literal text: it may be any JSON value,
   * not only a string), with a text saying where they come from.
   */
  unknownOf(node: SourceNode): { symbols: ValueSymbol[]; why: string } | undefined {
    const symbols = node.kind === "value" ? wholeUnknown(node.value) : undefined;
    return symbols ? { symbols, why: provenanceText(symbols) } : undefined;
  }

  statement(node: SourceNode, index: number): Statement | undefined {
    const unknown = this.unknownOf(node);
    if (unknown) {
      this.warn(
        `statement ${index} is not known before deployment (${unknown.why}); it is not analysed`,
        node.range,
        "UnresolvedStatement",
      );
      return undefined;
    }
    if (node.kind !== "object") {
      this.error(`statement ${index} is ${describe(node)}; expected an object`, node.range);
      return undefined;
    }
    // Warns of unknown elements first, as `unknownElements` does.
    const element = this.elementsOf(node, STATEMENT_ELEMENTS, "statement");
    let ok = true;
    const effectEntry = element("Effect");
    let effect: "Allow" | "Deny" | undefined;
    let effectUnknown: ValueSymbol[] | undefined;
    if (!effectEntry) {
      this.error(`statement ${index} has no Effect`, node.range);
      ok = false;
    } else {
      const unknown = this.unknownOf(effectEntry.value);
      const v = unknown ? undefined : this.scalarText(effectEntry.value, "Effect");
      const text = v?.parts.length === 1 && typeof v.parts[0] === "string" ? v.parts[0] : undefined;
      if (text === "Allow" || text === "Deny") effect = text;
      else if (unknown) {
        // Not known before deployment: as an Allow it is the case that can let a foreign account in
        // (and as a Deny it would only narrow other statements, which is not counted on either).
        effect = "Allow";
        effectUnknown = unknown.symbols;
        this.warn(
          `the Effect of statement ${index} is not known before deployment (${unknown.why}); it is analysed as an Allow`,
          effectEntry.value.range,
          "UnresolvedEffect",
        );
      } else {
        if (v)
          this.error(
            `Effect is ${JSON.stringify(text ?? "an unresolved value")}; it must be exactly "Allow" or "Deny"`,
            effectEntry.value.range,
          );
        ok = false;
      }
    }
    const stmt: Statement = { index, effect: effect ?? "Allow", conditions: [] };
    if (effectUnknown) stmt.effectUnknown = effectUnknown;
    if (node.range) stmt.range = node.range;
    const sid = element("Sid");
    if (sid) {
      const v = this.scalarText(sid.value, "Sid");
      if (v) stmt.sid = v.parts.map((p) => (typeof p === "string" ? p : `<${p.name}>`)).join("");
    }
    const principal = element("Principal");
    const notPrincipal = element("NotPrincipal");
    if (principal && notPrincipal)
      this.error("a statement cannot have both Principal and NotPrincipal", notPrincipal.keyRange);
    if (principal) {
      const p = this.principal(principal.value, "Principal");
      if (p) stmt.principal = p;
      else ok = false;
    }
    if (notPrincipal) {
      const p = this.principal(notPrincipal.value, "NotPrincipal");
      if (p) stmt.notPrincipal = p;
      else ok = false;
    }
    for (const [name, field] of [
      ["Action", "action"],
      ["NotAction", "notAction"],
      ["Resource", "resource"],
      ["NotResource", "notResource"],
    ] as const) {
      const e = element(name);
      if (!e) continue;
      const list = this.stringOrList(e.value, name);
      if (list) stmt[field] = list;
      else ok = false;
    }
    if (stmt.action && stmt.notAction)
      this.error("a statement cannot have both Action and NotAction", node.range);
    if (stmt.resource && stmt.notResource)
      this.error("a statement cannot have both Resource and NotResource", node.range);
    const condition = element("Condition");
    const conditionUnknown = condition ? this.unknownOf(condition.value) : undefined;
    if (condition && conditionUnknown) {
      stmt.conditionUnknown = conditionUnknown.symbols;
      this.warn(
        `the Condition of statement ${index} is not known before deployment (${conditionUnknown.why}); ${conditionConsequence(stmt.effect === "Deny" && !effectUnknown)}`,
        condition.value.range ?? condition.keyRange,
        "UnresolvedCondition",
      );
    } else if (condition) {
      const unknowns: ValueSymbol[] = [];
      const c = this.conditions(condition.value, index, unknowns, stmt.effect === "Deny" && !effectUnknown);
      if (unknowns.length > 0) stmt.conditionUnknown = unknowns;
      if (c) {
        stmt.conditions = c;
        if (condition.value.range) stmt.conditionRange = condition.value.range;
        if (condition.keyRange) stmt.conditionKeyRange = condition.keyRange;
      } else ok = false;
    }
    if (ok && stmt.effect === "Deny" && !effectUnknown) {
      const uncertain = uncertainDeny(stmt);
      if (uncertain.length > 0) stmt.uncertain = uncertain;
    }
    return ok ? stmt : undefined;
  }
}

/** What an unknown part of a Condition means for the statement (a guard of an Allow, or what a Deny applies to). */
function conditionConsequence(deny: boolean): string {
  return deny
    ? "the Deny may then apply to no request, so it is not counted on"
    : "it may hold no guard, so the statement is judged without it";
}

/**
 * What a Deny's reach depends on, when a part not known before deployment may make it apply to
 * fewer requests than its known form: its Condition (or keys of it), a whole Principal or
 * NotPrincipal, or a wholly unknown value of NotAction or NotResource.
 */
function uncertainDeny(stmt: Statement): ValueSymbol[] {
  const out = new Set<ValueSymbol>(stmt.conditionUnknown ?? []);
  for (const s of stmt.principal?.unknown ?? []) out.add(s);
  for (const s of stmt.notPrincipal?.unknown ?? []) out.add(s);
  // A wholly unknown Action or Resource value only narrows the Deny (the analysis matches it as an
  // opaque value, the same one an Allow with that value names); NotAction and NotResource widen it.
  for (const list of [stmt.notAction, stmt.notResource])
    for (const v of list?.values ?? []) for (const s of wholeUnknown(v) ?? []) out.add(s);
  return [...out];
}

function describe(node: SourceNode): string {
  switch (node.kind) {
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "value":
      return "a value";
    case "scalar":
      if (node.value === null) return "null";
      return typeof node.value === "string"
        ? `a string (${JSON.stringify(node.value.slice(0, 40))})`
        : `a ${typeof node.value}`;
  }
}

/**
 * Parses a policy document, a single statement, or a list of statements. Wrong shapes become
 * diagnostics with positions; a statement that is not valid is left out of `policy.statements`
 * (AWS would reject the policy), and the error says why.
 */
export function parsePolicy(node: SourceNode, file: string): ParsedPolicy {
  const p = new Parser(file);
  const statements: Statement[] = [];
  let form: Policy["form"];
  let version: string | undefined;
  let id: string | undefined;
  let statementList: SourceNode[] = [];

  if (node.kind === "array") {
    form = "statements";
    statementList = node.items;
  } else if (node.kind === "object" && (p.element(node, "Statement") || !p.element(node, "Effect"))) {
    form = "document";
    p.unknownElements(node, DOCUMENT_ELEMENTS, "policy");
    const st = p.element(node, "Statement");
    if (!st) {
      p.error("the policy has no Statement", node.range);
      return { diagnostics: p.diagnostics };
    }
    if (st.value.kind === "array") statementList = st.value.items;
    else if (st.value.kind === "object") statementList = [st.value];
    else {
      const unknown = p.unknownOf(st.value);
      if (unknown)
        p.warn(
          `the statements are not known before deployment (${unknown.why}); they are not analysed`,
          st.value.range,
          "UnresolvedStatement",
        );
      else
        p.error(
          `Statement is ${describe(st.value)}; expected an object or an array of objects`,
          st.value.range,
        );
      return { diagnostics: p.diagnostics };
    }
    const v = p.element(node, "Version");
    if (v) {
      const text = p.scalarText(v.value, "Version");
      const known = text?.parts.length === 1 && typeof text.parts[0] === "string" ? text.parts[0] : undefined;
      if (known === "2012-10-17" || known === "2008-10-17") version = known;
      else if (text)
        p.error(
          `Version is ${JSON.stringify(known ?? "unresolved")}; IAM accepts only "2012-10-17" or "2008-10-17"`,
          v.value.range,
        );
    }
    const idEntry = p.element(node, "Id");
    if (idEntry) {
      const text = p.scalarText(idEntry.value, "Id");
      if (text) id = text.parts.map((x) => (typeof x === "string" ? x : `<${x.name}>`)).join("");
    }
  } else if (node.kind === "object") {
    form = "statement";
    statementList = [node];
  } else {
    p.error(
      `expected a policy document, a statement or a list of statements, found ${describe(node)}`,
      node.range,
    );
    return { diagnostics: p.diagnostics };
  }

  statementList.forEach((s, i) => {
    const stmt = p.statement(s, i);
    if (stmt) statements.push(stmt);
  });
  const policy: Policy = { statements, form };
  if (version) policy.version = version;
  if (id !== undefined) policy.id = id;
  if (node.range) policy.range = node.range;
  return { policy, diagnostics: p.diagnostics };
}
