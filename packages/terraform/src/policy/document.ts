import type { ObjectNode, SourceEntry, SourceNode, SourceRange, ValueSymbol } from "@deputyguard/core";
import { guardKind, isServicePrincipalName, SERVICES } from "@deputyguard/core";
import type { ResourceInstance, Scope } from "../eval/evaluator.js";
import { byKey, describeUnknown, diag, symbolKey } from "../eval/evaluator.js";
import { parseJsonString, valueToNode } from "../eval/json.js";
import { knownString, list, object, type TfValue, unknown } from "../eval/value.js";
import type { Block, Body } from "../hcl/syntax.js";
import { argumentBlocks, checkDocumentBlock, type Report } from "./document-schema.js";

/** A block as it is finally used: its body and the scope its expressions see (dynamic iterators). */
interface ExpandedBlock {
  body: Body;
  scope: Scope;
  /** The `statement {` or `dynamic "statement" {` block, for positions. */
  span: Block["span"];
  /**
   * Set when the block comes from a `dynamic` block whose `for_each` is not known before apply:
   * why it may generate no block at all.
   */
  mayBeAbsent?: string;
  /** With `mayBeAbsent`: the choice that decides whether the block is generated. */
  presence?: Presence;
  /** The element of a `for` expression whose `if` is not known that the block is generated for. */
  filtered?: boolean;
}

/**
 * The undecided choice whether a `dynamic` block generates its block: the `for_each`'s own
 * conditional when each of its options is a known collection (so that other conditionals on the
 * same test agree), whether the collection is empty otherwise.
 */
interface Presence {
  key: string;
  label: string;
  options: Array<{ label: string; present: boolean }>;
}

/** Whether a `for_each` value generates a block, when that is known. */
function generates(v: TfValue): boolean | undefined {
  if (v.kind === "list") return v.items.length > 0;
  if (v.kind === "object") return v.entries.size > 0 ? true : v.unknownKeys?.length ? undefined : false;
  if (v.kind === "null") return false;
  return undefined;
}

/** `text`: the `for_each` expression; `where`: the block, to name a choice of its own. */
function presenceOf(coll: TfValue, text: string, where: string): Presence {
  const alt = coll.kind === "unknown" ? coll.alternatives : undefined;
  const options = alt?.options.map((o) => ({ label: o.label, present: generates(o.value) }));
  if (alt && options?.every((o): o is { label: string; present: boolean } => o.present !== undefined))
    return { key: alt.key, label: alt.label, options };
  return {
    // The same unknown collection generates blocks in each dynamic block that iterates it, or in none.
    key: `for_each:${coll.kind === "unknown" ? symbolKey(coll.symbol) : where}`,
    label: text,
    options: [
      { label: "not empty", present: true },
      { label: "empty", present: false },
    ],
  };
}

/**
 * Static blocks of a type and the blocks `dynamic "type"` generates, in source order. A `for_each`
 * that is not known gives one block whose iterator is unknown (analysed once).
 */
export function expandBlocks(
  body: Body,
  type: string,
  scope: Scope,
  /** Whether the blocks are an `aws_iam_policy_document`'s, checked against its schema. */
  policyDocument = true,
): ExpandedBlock[] {
  const out: ExpandedBlock[] = [];
  const written = policyDocument ? argumentBlocks(body, type, configError(scope)) : [];
  const blocks = written.length
    ? [...body.blocks, ...written].sort((a, b) => a.span.start - b.span.start)
    : body.blocks;
  for (const b of blocks) {
    if (b.type === type) {
      if (policyDocument) checkDocumentBlock(type, b.body, configError(scope));
      out.push({ body: b.body, scope, span: b.span });
      continue;
    }
    if (b.type !== "dynamic" || b.labels[0] !== type) continue;
    const content = b.body.blocks.find((c) => c.type === "content");
    if (!content) continue;
    if (policyDocument) checkDocumentBlock(type, content.body, configError(scope));
    const it = b.body.attributes.get("iterator");
    // `iterator = name` in native syntax; a string holding the name in JSON syntax.
    const iteratorText =
      it?.expr.type === "template" && it.expr.parts.length === 1 ? it.expr.parts[0] : undefined;
    const iterator =
      it?.expr.type === "variable" ? it.expr.name : iteratorText?.kind === "text" ? iteratorText.text : type;
    const forEach = b.body.attributes.get("for_each");
    const coll = forEach ? scope.module.evaluate(forEach.expr, scope) : list([]);
    const bind = (k: TfValue, v: TfValue): Scope => {
      const bindings = new Map(scope.bindings ?? []);
      bindings.set(
        iterator,
        object(
          new Map([
            ["key", k],
            ["value", v],
          ]),
        ),
      );
      return { ...scope, bindings };
    };
    if (coll.kind === "list")
      coll.items.forEach((v, i) => {
        out.push({ body: content.body, scope: bind({ kind: "number", value: i }, v), span: b.span });
      });
    else if (coll.kind === "object")
      // In the lexical order of the keys, as Terraform generates the blocks.
      for (const [k, v] of [...coll.entries].sort(byKey))
        out.push({
          body: content.body,
          scope: bind({ kind: "string", segments: [{ text: k }] }, v),
          span: b.span,
        });
    else if (coll.kind === "unknown" && coll.candidates) {
      // A for expression whose `if` is not known for some elements: a block for each element, those
      // the filter may drop generated only if their condition holds.
      for (const c of coll.candidates) {
        const block: ExpandedBlock = { body: content.body, scope: bind(c.key, c.value), span: b.span };
        if (c.when) {
          block.filtered = true;
          block.mayBeAbsent = c.when.reason;
          block.presence = {
            key: c.when.key,
            label: c.when.label,
            options: [
              { label: "true", present: !c.when.negated },
              { label: "false", present: c.when.negated },
            ],
          };
        }
        out.push(block);
      }
    } else if (coll.kind !== "null") {
      const why = `the dynamic "${type}" for_each is not known before apply (${describeUnknown(coll)})`;
      const span = forEach?.expr.span ?? b.span;
      const presence = presenceOf(
        coll,
        scope.map.text.slice(span.start, span.end).replace(/\s+/g, " "),
        `${scope.module.prefix}${scope.map.file}:${b.span.start}`,
      );
      // Generated whichever way the choice goes (`var.a ? [1] : [2]`), or never.
      if (presence.options.every((o) => !o.present)) continue;
      const always = presence.options.every((o) => o.present);
      out.push({
        body: content.body,
        scope: bind(unknown(`${iterator}.key`, why), unknown(`${iterator}.value`, why)),
        span: b.span,
        ...(always ? {} : { mayBeAbsent: why, presence }),
      });
    }
  }
  return out;
}

/** Reports what Terraform rejects in a policy document block as an error at its place. */
function configError(scope: Scope): Report {
  return (offset, message) =>
    scope.module.host.diagnostics.push(diag(scope.map, offset, "ConfigError", message, "error"));
}

function attr(e: ExpandedBlock, name: string): TfValue | undefined {
  const a = e.body.attributes.get(name);
  if (!a) return undefined;
  const v = e.scope.module.evaluate(a.expr, e.scope);
  return v.kind === "null" ? undefined : v;
}

function entry(key: string, value: SourceNode, keyRange?: SourceRange): SourceEntry {
  return keyRange ? { key, value, keyRange } : { key, value };
}

/** A string list argument as an array node (a single unknown stays one unknown value). */
function listNode(v: TfValue): SourceNode {
  if (v.kind === "list" || v.kind === "unknown") return valueToNode(v);
  return valueToNode(list([v], v.range));
}

/**
 * IAM policy variables written `&{aws:username}` (the data source's escape for `${...}`, which
 * Terraform would interpolate): the provider turns them into `${...}` in resources, principal
 * identifiers and condition values (`dataSourcePolicyDocumentVarReplacer` of the AWS provider).
 */
function policyVariables(v: TfValue): TfValue {
  if (v.kind === "list") return { ...v, items: v.items.map(policyVariables) };
  if (v.kind !== "string") return v;
  const out: TfValue = {
    ...v,
    segments: v.segments.map((s) =>
      "text" in s && s.text.includes("&{") ? { ...s, text: s.text.replaceAll("&{", "${") } : s,
    ),
  };
  if (v.alternatives)
    out.alternatives = {
      ...v.alternatives,
      options: v.alternatives.options.map((o) => ({ ...o, value: policyVariables(o.value) })),
    };
  return out;
}

/** The values of two condition blocks on one test and variable, as one list. */
function mergedValues(a: SourceNode, b: SourceNode): SourceNode {
  const items = [...(a.kind === "array" ? a.items : [a]), ...(b.kind === "array" ? b.items : [b])];
  return a.range ? { kind: "array", items, range: a.range } : { kind: "array", items };
}

/**
 * The Principal (or NotPrincipal) of `principals` blocks. `wide` says which reading of a `type = "*"`
 * block beside others lets more in: the Principal of an Allow, the NotPrincipal of a Deny.
 */
function principalsNode(blocks: ExpandedBlock[], wide: boolean): SourceNode | undefined {
  if (blocks.length === 0) return undefined;
  const byType = new Map<string, { items: SourceNode[]; range?: SourceRange }>();
  let star: ExpandedBlock | undefined;
  const first = blocks[0] as ExpandedBlock;
  const range = first.scope.map.range(first.span);
  for (const b of blocks) {
    const type = attr(b, "type");
    const ids = attr(b, "identifiers");
    const t = type ? knownString(type) : undefined;
    if (!ids) continue;
    const node = listNode(policyVariables(ids));
    const items = node.kind === "array" ? node.items : [node];
    // `type = "*"` with `identifiers = ["*"]` is `"Principal": "*"` (provider behaviour).
    if (t === "*") {
      star ??= b;
      continue;
    }
    if (type && t === undefined) {
      // A type not known before apply could be "Service": identifiers that look like service
      // principals, and unknown ones, are analysed as services (the case a foreign account can use).
      b.scope.module.host.diagnostics.push(
        diag(
          b.scope.map,
          b.span.start,
          "UnresolvedPrincipal",
          `the principals type is not known before apply (${describeUnknown(type)}); identifiers that look like service principals, and unknown ones, are analysed as services`,
        ),
      );
      for (const item of items) {
        const text = item.kind === "scalar" && typeof item.value === "string" ? item.value : undefined;
        const service = text === undefined ? item.kind === "value" : isServicePrincipalName(text);
        const k = service ? "Service" : "AWS";
        const slot = byType.get(k) ?? { items: [], ...(ids.range ? { range: ids.range } : {}) };
        slot.items.push(item);
        byType.set(k, slot);
      }
      continue;
    }
    const key = t ?? "AWS";
    const slot = byType.get(key) ?? { items: [], ...(ids.range ? { range: ids.range } : {}) };
    slot.items.push(...items);
    byType.set(key, slot);
  }
  if (star && byType.size === 0) return { kind: "scalar", value: "*", range };
  if (star) {
    // The provider then writes `{"*": ["*"], "AWS": [...]}`, which AWS documents no meaning for (IAM
    // rejects it in a trust policy): it is read the way that lets more in, any principal for an
    // Allow, and the other principals only for a Deny.
    star.scope.module.host.diagnostics.push(
      diag(
        star.scope.map,
        star.span.start,
        "PolicyShape",
        `a principals block with type "*" beside other principals makes the provider write {"*": ["*"], ...}, which IAM may reject; it is analysed as ${wide ? 'any principal ("*")' : "the other principals only"}`,
      ),
    );
    if (wide) return { kind: "scalar", value: "*", range };
  }
  const entries: SourceEntry[] = [];
  for (const [k, slot] of byType) {
    const arr: SourceNode = slot.range
      ? { kind: "array", items: slot.items, range: slot.range }
      : { kind: "array", items: slot.items };
    entries.push(entry(k, arr));
  }
  return { kind: "object", entries, range };
}

/** The Condition of `condition` blocks; `deny` when the statement may be a Deny (its Effect is no written "Allow"). */
function conditionNode(blocks: ExpandedBlock[], deny: boolean): SourceNode | undefined {
  if (blocks.length === 0) return undefined;
  const ops = new Map<string, { entries: SourceEntry[]; range?: SourceRange; keyRange?: SourceRange }>();
  const first = blocks[0] as ExpandedBlock;
  const maybe: SourceEntry[] = [];
  for (const b of blocks) {
    if (b.mayBeAbsent) {
      // A condition that may not exist cannot be counted on. It goes to the policy parser as an
      // operator block that is not known, which judges an Allow without it (its weakest form) and
      // does not count on a Deny (with or without it, it applies to other requests), warns, and
      // lets CD101 say so.
      const test = attr(b, "test");
      const variable = attr(b, "variable");
      const key = variable ? knownString(variable) : undefined;
      if (!deny && key !== undefined && guardKind(key.toLowerCase(), SERVICES) === undefined) {
        // A key that binds no source (aws:ResourceOrgID, s3:x-amz-acl): with it or without it an
        // Allow is as guarded, so it is simply left out.
        b.scope.module.host.diagnostics.push(
          diag(
            b.scope.map,
            b.span.start,
            "UnresolvedCondition",
            `${b.mayBeAbsent}, so it may generate no condition on ${key}; the statement is analysed without it`,
          ),
        );
        continue;
      }
      const op = (test && knownString(test)) || "dynamic";
      const blockRange = b.scope.map.range(b.span);
      const symbol: ValueSymbol = {
        kind: "unknown",
        name: 'dynamic "condition"',
        provenance: { source: 'dynamic "condition"', reason: `${b.mayBeAbsent}, so it may generate none` },
      };
      maybe.push(
        entry(op, { kind: "value", value: { parts: [symbol], range: blockRange }, range: blockRange }),
      );
      continue;
    }
    const test = attr(b, "test");
    const variable = attr(b, "variable");
    const values = attr(b, "values");
    const op = test ? knownString(test) : undefined;
    const key = variable ? knownString(variable) : undefined;
    if (op === undefined || key === undefined || !values) {
      // A condition whose test or variable is not known: the policy parser gets an operator block
      // that is not known, and does not count on it (an Allow is judged without it, a Deny may then
      // apply to no request) and says so. Leaving it out would have made a Deny apply to all.
      const what = op === undefined ? "test" : key === undefined ? "variable" : "values";
      const blockRange = b.scope.map.range(b.span);
      const culprit = what === "test" ? test : what === "variable" ? variable : undefined;
      const reason = culprit ? describeUnknown(culprit) : "not given";
      const symbol: ValueSymbol = {
        kind: "unknown",
        name: `condition ${what}`,
        provenance: { source: `a condition's ${what}`, reason },
      };
      maybe.push(
        entry(op ?? "unknown", {
          kind: "value",
          value: { parts: [symbol], range: blockRange },
          range: blockRange,
        }),
      );
      continue;
    }
    const blockRange = b.scope.map.range(b.span);
    const slot = ops.get(op) ?? {
      entries: [],
      range: blockRange,
      ...(test?.range ? { keyRange: test.range } : {}),
    };
    const vnode = listNode(policyVariables(values));
    // Several condition blocks with the same test and variable: the provider appends their values
    // to one list (any of them matches). A list not known before apply is one unknown item of it,
    // as in `concat(["x"], var.extra)`.
    const existing = slot.entries.find((e) => e.key === key);
    if (existing) existing.value = mergedValues(existing.value, vnode);
    else slot.entries.push(entry(key, vnode, variable?.range));
    ops.set(op, slot);
  }
  const known = [...ops].map(([op, slot]) =>
    entry(
      op,
      slot.range
        ? { kind: "object", entries: slot.entries, range: slot.range }
        : { kind: "object", entries: slot.entries },
      slot.keyRange,
    ),
  );
  const range = first.scope.map.range(first.span);
  return { kind: "object", entries: [...known, ...maybe], range };
}

function statementNode(s: ExpandedBlock): ObjectNode | undefined {
  const entries: SourceEntry[] = [];
  const range = s.scope.map.range(s.span);
  const sid = attr(s, "sid");
  if (sid && knownString(sid) !== "") entries.push(entry("Sid", valueToNode(sid)));
  const effect = attr(s, "effect");
  // A statement of a dynamic block whose for_each is not known is wholly user-supplied: with its
  // effect unknown too there is nothing to judge. A written statement with an unknown effect goes
  // to the policy parser, which analyses it as an Allow.
  if (effect && knownString(effect) === undefined && (s.mayBeAbsent || effect.kind !== "unknown")) {
    s.scope.module.host.diagnostics.push(
      diag(
        s.scope.map,
        s.span.start,
        "UnresolvedStatement",
        `the statement's effect is not known before apply (${describeUnknown(effect)}); the statement is not analysed`,
      ),
    );
    return undefined;
  }
  entries.push(entry("Effect", effect ? valueToNode(effect) : { kind: "scalar", value: "Allow", range }));
  const deny = effect !== undefined && knownString(effect) === "Deny";
  const principals = expandBlocks(s.body, "principals", s.scope);
  const p = principalsNode(principals, !deny);
  if (p) entries.push(entry("Principal", p));
  const np = principalsNode(expandBlocks(s.body, "not_principals", s.scope), deny);
  if (np) entries.push(entry("NotPrincipal", np));
  for (const [arg, element] of [
    ["actions", "Action"],
    ["not_actions", "NotAction"],
    ["resources", "Resource"],
    ["not_resources", "NotResource"],
  ] as const) {
    const v = attr(s, arg);
    if (v) entries.push(entry(element, listNode(arg.includes("resources") ? policyVariables(v) : v)));
  }
  const c = conditionNode(
    expandBlocks(s.body, "condition", s.scope),
    effect !== undefined && knownString(effect) !== "Allow",
  );
  if (c) entries.push(entry("Condition", c));
  const node: ObjectNode = { kind: "object", entries, range };
  // Principals that may not be generated only narrow an Allow, but a Deny may then not cover the
  // principal it is counted on to stop.
  const absent = deny ? principals.find((b) => b.mayBeAbsent) : undefined;
  return absent ? notCountedOn(absent, "principals", node) : node;
}

function sidOf(n: SourceNode): string | undefined {
  // A statement that a dynamic block may generate or not (see `buildPolicyDocument`): the Sid its
  // options share.
  if (n.kind === "value" && n.alternatives) {
    const sids = new Set(n.alternatives.options.map((o) => sidOf(o.node)));
    return sids.size === 1 ? [...sids][0] : undefined;
  }
  if (n.kind !== "object") return undefined;
  const e = n.entries.find((x) => x.key === "Sid");
  if (!e) return undefined;
  if (e.value.kind === "scalar" && typeof e.value.value === "string" && e.value.value !== "")
    return e.value.value;
  return undefined;
}

/** The statements of a policy given as a Terraform value (a document, `jsonencode`, JSON text). */
function statementsOf(v: TfValue, fallback: SourceRange | undefined): SourceNode[] | undefined {
  let node: SourceNode | undefined;
  if (v.kind === "document") node = v.node;
  else if (v.kind === "json") node = valueToNode(v.value);
  else if (v.kind === "string") node = parseJsonString(v, fallback).node;
  if (node?.kind !== "object") return undefined;
  const st = node.entries.find((e) => e.key === "Statement");
  if (!st) return [];
  if (st.value.kind === "array") return st.value.items;
  if (st.value.kind === "object") return [st.value];
  return undefined;
}

/** Replaces statements with the same non-empty Sid in place, appends the others. */
function mergeBySid(into: SourceNode[], add: SourceNode[]): void {
  for (const s of add) {
    const sid = sidOf(s);
    const i = sid === undefined ? -1 : into.findIndex((x) => sidOf(x) === sid);
    if (i >= 0) into[i] = s;
    else into.push(s);
  }
}

function isDenyStatement(n: ObjectNode): boolean {
  const effect = n.entries.find((e) => e.key === "Effect")?.value;
  return effect?.kind === "scalar" && effect.value === "Deny";
}

/** The symbol a block (`statement`, `principals`) that a dynamic block may not generate depends on. */
function absentSymbol(s: ExpandedBlock, type: string): ValueSymbol {
  const name = `dynamic "${type}"`;
  return {
    kind: "unknown",
    name,
    provenance: { source: name, reason: `${s.mayBeAbsent}, so it may generate none` },
  };
}

/**
 * A Deny whose `type` block (the statement, or principals it applies to) a dynamic block may not
 * generate, with a Condition operator block that is not known: the policy parser then does not
 * count on it (it may apply to no request), warns, and lets a finding say so.
 */
function notCountedOn(s: ExpandedBlock, type: string, n: ObjectNode): ObjectNode {
  const range = s.scope.map.range(s.span);
  const maybe = entry("dynamic", { kind: "value", value: { parts: [absentSymbol(s, type)], range }, range });
  const condition = n.entries.find((e) => e.key === "Condition");
  if (condition?.value.kind === "object") {
    const value: ObjectNode = { ...condition.value, entries: [...condition.value.entries, maybe] };
    return { ...n, entries: n.entries.map((e) => (e === condition ? { ...e, value } : e)) };
  }
  return { ...n, entries: [...n.entries, entry("Condition", { kind: "object", entries: [maybe], range })] };
}

/**
 * The statement a dynamic block may generate in place of one with its Sid: the generated one where
 * the block's choice generates it, the replaced one elsewhere.
 */
function mayBeGenerated(
  s: ExpandedBlock,
  presence: Presence,
  n: ObjectNode,
  replaced: SourceNode,
): SourceNode {
  const range = s.scope.map.range(s.span);
  return {
    kind: "value",
    value: { parts: [absentSymbol(s, "statement")], range },
    range,
    alternatives: {
      key: presence.key,
      label: presence.label,
      options: presence.options.map((o) => ({ label: o.label, node: o.present ? n : replaced })),
    },
  };
}

/**
 * An Allow generated for an element of a `for` expression only if its `if` holds: analysed as
 * there (without it nothing is allowed), and its findings say under which condition. The option it
 * is absent in is not analysed, so the choice is one of its own, apart from a conditional on the
 * same test (whose both options are).
 */
function keptIf(s: ExpandedBlock, presence: Presence, n: ObjectNode): SourceNode {
  const range = s.scope.map.range(s.span);
  return {
    kind: "value",
    value: { parts: [absentSymbol(s, "statement")], range },
    range,
    alternatives: {
      key: `kept:${presence.key}`,
      label: presence.label,
      options: presence.options.filter((o) => o.present).map((o) => ({ label: o.label, node: n })),
    },
  };
}

/**
 * The JSON of an `aws_iam_policy_document` instance, as the provider builds it: source documents
 * first, then the `statement` blocks (replacing source statements with the same Sid), then the
 * override documents (replacing any statement with the same Sid)
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).
 */
export function buildPolicyDocument(inst: ResourceInstance): TfValue {
  const module = inst.module;
  const body = inst.config.block.body;
  const scope = module.scope(inst.config.file, inst.bindings);
  const self: ExpandedBlock = { body, scope, span: inst.config.block.span };
  const range = scope.map.range(inst.config.block.span);
  const statements: SourceNode[] = [];
  const docs = (name: string, legacy: string): TfValue[] => {
    const out: TfValue[] = [];
    const v = attr(self, name);
    if (v?.kind === "list") out.push(...v.items);
    else if (v) out.push(v);
    // The provider merges source_json and override_json only when set (`d.GetOk`), and "" is not
    // set: `override_json = var.custom_policy_json` with a default of "" adds no document.
    const l = attr(self, legacy);
    if (l && knownString(l) !== "") out.push(l);
    return out;
  };
  const sources: string[] = [];
  const mergeDocs = (values: TfValue[], what: string): TfValue | undefined => {
    for (const d of values) {
      if (d.kind === "document") sources.push(d.origin, ...(d.sources ?? []));
      const st = statementsOf(d, d.range ?? range);
      if (!st) {
        // Its statements cannot be analysed, but this document's own statements still can: a source
        // document comes before them (they replace its statements), and an override document can
        // only replace one of them by Sid, which this warning says.
        const offset =
          d.range && d.range.file === scope.map.file
            ? scope.map.offset(d.range.start.line, d.range.start.column)
            : inst.config.block.span.start;
        module.host.diagnostics.push(
          diag(
            scope.map,
            offset,
            "PolicyUnknown",
            `a document in ${what} of ${inst.address} is not known before apply (${describeUnknown(d)}); its statements are not analysed${what.startsWith("override") ? ", and it may replace a statement below that has the same Sid" : ""}`,
          ),
        );
        continue;
      }
      mergeBySid(statements, st);
    }
    return undefined;
  };
  const failedSource = mergeDocs(docs("source_policy_documents", "source_json"), "source_policy_documents");
  if (failedSource) return failedSource;
  for (const s of expandBlocks(body, "statement", scope)) {
    const n = statementNode(s);
    if (!n) continue;
    if (!s.mayBeAbsent) {
      mergeBySid(statements, [n]);
      continue;
    }
    // A statement that may not be generated: an Allow only narrows, and stays. One that replaces a
    // statement with its Sid leaves that one in place when it is not generated: the policy is
    // analysed with each. A Deny is not counted on, as one with an unknown Condition.
    const sid = sidOf(n);
    const i = sid === undefined ? -1 : statements.findIndex((x) => sidOf(x) === sid);
    const replaced = statements[i];
    if (replaced && s.presence) statements[i] = mayBeGenerated(s, s.presence, n, replaced);
    else if (isDenyStatement(n)) statements.push(notCountedOn(s, "statement", n));
    else statements.push(s.filtered && s.presence ? keptIf(s, s.presence, n) : n);
  }
  const failedOverride = mergeDocs(
    docs("override_policy_documents", "override_json"),
    "override_policy_documents",
  );
  if (failedOverride) return failedOverride;
  const entries: SourceEntry[] = [];
  const version = attr(self, "version");
  entries.push(
    entry("Version", version ? valueToNode(version) : { kind: "scalar", value: "2012-10-17", range }),
  );
  const id = attr(self, "policy_id");
  if (id) entries.push(entry("Id", valueToNode(id)));
  entries.push(entry("Statement", { kind: "array", items: statements, range }));
  return { kind: "document", node: { kind: "object", entries, range }, origin: inst.address, sources, range };
}
