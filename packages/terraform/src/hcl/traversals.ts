import type { Body, CallExpr, Expr, Span, TemplatePart } from "./syntax.js";

const MAX_DEPTH = 256;

/**
 * The references an expression makes, as the names from a root variable up to the first index:
 * `data.aws_iam_policy_document.d[0].json` is `["data", "aws_iam_policy_document", "d"]`, `local.x`
 * is `["local", "x"]`. Found from the syntax alone, without evaluating anything.
 */
export function traversals(expr: Expr, out: string[][] = [], depth = 0): string[][] {
  if (depth > MAX_DEPTH) return out;
  const next = (e: Expr) => traversals(e, out, depth + 1);
  switch (expr.type) {
    case "literal":
      break;
    case "variable":
      out.push([expr.name]);
      break;
    case "getattr":
    case "index": {
      const names: string[] = [];
      const keys: Expr[] = [];
      let cur: Expr = expr;
      while (cur.type === "getattr" || cur.type === "index") {
        if (cur.type === "getattr") names.unshift(cur.name);
        else {
          // Names after an index are attributes of one element, not of the reference.
          names.length = 0;
          keys.push(cur.key);
          cur = cur.collection;
          continue;
        }
        cur = cur.object;
      }
      if (cur.type === "variable") out.push([cur.name, ...names]);
      else next(cur);
      for (const k of keys) next(k);
      break;
    }
    case "template":
      templateTraversals(expr.parts, out, depth + 1);
      break;
    case "tuple":
      for (const i of expr.items) next(i);
      break;
    case "object":
      for (const i of expr.items) {
        next(i.key);
        next(i.value);
      }
      break;
    case "splat":
      next(expr.source);
      for (const s of expr.steps) if (s.kind === "index") next(s.key);
      break;
    case "call":
      for (const a of expr.args) next(a);
      break;
    case "conditional":
      next(expr.condition);
      next(expr.whenTrue);
      next(expr.whenFalse);
      break;
    case "binary":
      next(expr.left);
      next(expr.right);
      break;
    case "unary":
      next(expr.operand);
      break;
    case "for":
      next(expr.collection);
      if (expr.key) next(expr.key);
      next(expr.value);
      if (expr.condition) next(expr.condition);
      break;
    case "paren":
      next(expr.expr);
      break;
  }
  return out;
}

function templateTraversals(parts: TemplatePart[], out: string[][], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const p of parts) {
    if (p.kind === "interpolation") traversals(p.expr, out, depth);
    else if (p.kind === "if") {
      traversals(p.condition, out, depth);
      templateTraversals(p.whenTrue, out, depth + 1);
      templateTraversals(p.whenFalse, out, depth + 1);
    } else if (p.kind === "for") {
      traversals(p.collection, out, depth);
      templateTraversals(p.body, out, depth + 1);
    }
  }
}

/** The `file()` and `templatefile()` calls in an expression, in its templates and `for` bodies too. */
export function fileCalls(expr: Expr, out: CallExpr[] = [], depth = 0): CallExpr[] {
  if (depth > MAX_DEPTH) return out;
  const next = (e: Expr) => fileCalls(e, out, depth + 1);
  if (expr.type === "call" && (expr.name === "file" || expr.name === "templatefile")) out.push(expr);
  if (expr.type === "template") {
    for (const e of templateExpressions(expr.parts, [], depth + 1)) next(e);
  } else if (expr.type === "for") {
    for (const e of [expr.collection, expr.key, expr.value, expr.condition]) if (e) next(e);
  } else {
    // A call's arguments too: `replace(templatefile(...), ...)`, `jsondecode(file(...))`.
    for (const child of childExpressions(expr)) next(child);
  }
  return out;
}

function templateExpressions(parts: TemplatePart[], out: Expr[], depth: number): Expr[] {
  if (depth > MAX_DEPTH) return out;
  for (const p of parts) {
    if (p.kind === "interpolation") out.push(p.expr);
    else if (p.kind === "if") {
      out.push(p.condition);
      templateExpressions(p.whenTrue, out, depth + 1);
      templateExpressions(p.whenFalse, out, depth + 1);
    } else if (p.kind === "for") {
      out.push(p.collection);
      templateExpressions(p.body, out, depth + 1);
    }
  }
  return out;
}

/** The expressions of a body: its attributes and those of its nested blocks. */
export function bodyExpressions(body: Body, out: Expr[] = [], depth = 0): Expr[] {
  if (depth > MAX_DEPTH) return out;
  for (const a of body.attributes.values()) out.push(a.expr);
  for (const b of body.blocks) bodyExpressions(b.body, out, depth + 1);
  return out;
}

/** A reference to a root name that no `for` around it binds, where it is written. */
export interface FreeReference {
  name: string;
  span: Span;
}

/**
 * The root names a template refers to that its own `for` directives and expressions do not bind,
 * in every branch (taken or not): the variables `templatefile` must be given, as Terraform checks
 * them (hcl's `Expression.Variables`) before it renders anything.
 */
export function freeReferences(
  parts: TemplatePart[],
  bound: ReadonlySet<string> = new Set(),
  out: FreeReference[] = [],
  depth = 0,
): FreeReference[] {
  if (depth > MAX_DEPTH) return out;
  const expr = (e: Expr, names: ReadonlySet<string>) => freeExprReferences(e, names, out, depth + 1);
  for (const p of parts) {
    if (p.kind === "interpolation") expr(p.expr, bound);
    else if (p.kind === "if") {
      expr(p.condition, bound);
      freeReferences(p.whenTrue, bound, out, depth + 1);
      freeReferences(p.whenFalse, bound, out, depth + 1);
    } else if (p.kind === "for") {
      expr(p.collection, bound);
      freeReferences(p.body, withLoopNames(bound, p.keyVar, p.valueVar), out, depth + 1);
    }
  }
  return out;
}

function withLoopNames(
  bound: ReadonlySet<string>,
  keyVar: string | undefined,
  valueVar: string,
): Set<string> {
  const names = new Set(bound);
  if (keyVar !== undefined) names.add(keyVar);
  names.add(valueVar);
  return names;
}

function freeExprReferences(
  expr: Expr,
  bound: ReadonlySet<string>,
  out: FreeReference[],
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  if (expr.type === "variable") {
    if (!bound.has(expr.name)) out.push({ name: expr.name, span: expr.span });
    return;
  }
  if (expr.type === "template") {
    freeReferences(expr.parts, bound, out, depth + 1);
    return;
  }
  if (expr.type === "for") {
    freeExprReferences(expr.collection, bound, out, depth + 1);
    const inner = withLoopNames(bound, expr.keyVar, expr.valueVar);
    for (const e of [expr.key, expr.value, expr.condition])
      if (e) freeExprReferences(e, inner, out, depth + 1);
    return;
  }
  for (const child of childExpressions(expr)) freeExprReferences(child, bound, out, depth + 1);
}

/** The expressions directly inside one (not through templates and `for`, which bind names). */
export function childExpressions(expr: Expr): Expr[] {
  switch (expr.type) {
    case "getattr":
      return [expr.object];
    case "index":
      return [expr.collection, expr.key];
    case "tuple":
      return expr.items;
    case "object":
      // A bare name as a key is a literal key, not a reference (HCL).
      return expr.items.flatMap((i) => (i.key.type === "variable" ? [i.value] : [i.key, i.value]));
    case "splat":
      return [expr.source, ...expr.steps.flatMap((s) => (s.kind === "index" ? [s.key] : []))];
    case "call":
      return expr.args;
    case "conditional":
      return [expr.condition, expr.whenTrue, expr.whenFalse];
    case "binary":
      return [expr.left, expr.right];
    case "unary":
      return [expr.operand];
    case "paren":
      return [expr.expr];
    default:
      return [];
  }
}
