import type {
  Attribute,
  BinaryOperator,
  Block,
  Body,
  Expr,
  ForExpr,
  ObjectItem,
  Span,
  SplatStep,
  TemplateExpr,
  TemplatePart,
} from "./syntax.js";

/** A syntax error at an offset of the text. */
export class HclSyntaxError extends Error {
  readonly code = "ParseError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Nesting deeper than this is refused: input is untrusted and the parser recurses. */
const MAX_DEPTH = 200;

/** Binding strength of each binary operator, loosest first (hclsyntax's operator precedence table). */
const BINARY_LEVEL: Readonly<Record<BinaryOperator, number>> = {
  "||": 0,
  "&&": 1,
  "==": 2,
  "!=": 2,
  "<": 3,
  ">": 3,
  "<=": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
};

function isIdStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c > "\u007f";
}

function isIdPart(c: string): boolean {
  return isIdStart(c) || (c >= "0" && c <= "9") || c === "-";
}

/** White space a `~` strip marker removes (HCL trims Unicode white space; these are the ones in practice). */
function isTemplateSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/**
 * Parses HCL native syntax (the language of `.tf`, `.tofu` and `.tfvars` files) into a tree with
 * offsets. Terraform accepts exactly what hcl2json accepts; this parser exists because hcl2json
 * gives no positions and its expression AST costs about 1 ms per call (measured), which is too slow
 * for thousands of policies. It follows the HCL native syntax specification
 * (https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md).
 */
export class HclParser {
  private pos = 0;
  private depth = 0;
  /** Whether newlines are white space here (inside parentheses, brackets and interpolations). */
  private readonly newlineIgnored: boolean[] = [false];

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  static parseBody(text: string): Body {
    const p = new HclParser(text);
    const body = p.body(false);
    p.skipTrivia(true);
    if (p.pos < text.length) p.fail("unexpected text after the last block");
    return body;
  }

  static parseExpression(text: string, offset = 0, end = text.length): Expr {
    const p = new HclParser(text.slice(0, end));
    p.pos = offset;
    p.newlineIgnored.push(true);
    const e = p.expression();
    p.skipTrivia(true);
    if (p.pos < end) p.fail("unexpected text after the expression");
    return e;
  }

  /**
   * A whole text, or the part of it from `start` to `end`, as template content (`templatefile`,
   * `templatestring` of a string written in a file): interpolations and directives, no quotes;
   * spans are offsets in `text`.
   */
  static parseTemplate(text: string, start = 0, end = text.length): TemplatePart[] {
    const p = new HclParser(text.slice(0, end));
    if (start > 0) p.pos = start;
    const parts = p.templateParts(undefined, end);
    if (p.pos < end) p.fail("unexpected template directive");
    return parts;
  }

  private fail(message: string, at = this.pos): never {
    throw new HclSyntaxError(message, at);
  }

  private peek(n = 0): string {
    return this.text[this.pos + n] ?? "";
  }

  private startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  /** Skips spaces and comments; newlines too when `newlines` is set. */
  private skipTrivia(newlines: boolean): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\r") this.pos++;
      else if (c === "\n" && newlines) this.pos++;
      else if (c === "#" || (c === "/" && t[this.pos + 1] === "/")) {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && t[this.pos + 1] === "*") {
        const endAt = t.indexOf("*/", this.pos + 2);
        if (endAt < 0) this.fail("unterminated /* comment");
        this.pos = endAt + 2;
      } else return;
    }
  }

  /** White space inside an expression: newlines count only inside brackets and parentheses. */
  private ws(): void {
    this.skipTrivia(this.newlineIgnored[this.newlineIgnored.length - 1] ?? false);
  }

  private identifier(): string {
    const start = this.pos;
    if (!isIdStart(this.peek())) this.fail("expected a name");
    this.pos++;
    while (isIdPart(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private expect(s: string, what = `"${s}"`): void {
    if (!this.startsWith(s)) this.fail(`expected ${what}`);
    this.pos += s.length;
  }

  private body(inBlock: boolean): Body {
    const start = this.pos;
    const attributes = new Map<string, Attribute>();
    const blocks: Block[] = [];
    for (;;) {
      this.skipTrivia(true);
      if (this.pos >= this.text.length || (inBlock && this.peek() === "}")) break;
      const itemStart = this.pos;
      const name = this.identifier();
      const nameSpan = { start: itemStart, end: this.pos };
      this.skipTrivia(false);
      if (this.peek() === "=" && this.peek(1) !== "=") {
        this.pos++;
        this.skipTrivia(false);
        const expr = this.expression();
        if (attributes.has(name)) this.fail(`attribute "${name}" is defined twice`, itemStart);
        attributes.set(name, { name, nameSpan, expr, span: { start: itemStart, end: expr.span.end } });
      } else {
        const labels: string[] = [];
        const labelSpans: Span[] = [];
        while (this.peek() !== "{") {
          const ls = this.pos;
          if (this.peek() === '"') labels.push(this.plainString());
          else if (isIdStart(this.peek())) labels.push(this.identifier());
          else this.fail(`expected "=" or "{" after "${name}"`);
          labelSpans.push({ start: ls, end: this.pos });
          this.skipTrivia(false);
        }
        this.pos++;
        this.enter();
        const inner = this.body(true);
        this.depth--;
        this.skipTrivia(true);
        this.expect("}", `"}" to close the ${name} block`);
        blocks.push({
          type: name,
          labels,
          labelSpans,
          body: inner,
          span: { start: itemStart, end: this.pos },
        });
      }
      this.skipTrivia(false);
      const c = this.peek();
      if (c === "\n") this.pos++;
      else if (!(c === "" || (inBlock && c === "}"))) this.fail("expected a newline after the definition");
    }
    return { attributes, blocks, span: { start, end: this.pos } };
  }

  /** A quoted string without interpolation (block labels). */
  private plainString(): string {
    const t = this.template();
    let out = "";
    for (const p of t.parts) {
      if (p.kind !== "text") this.fail("block labels cannot contain interpolation", p.span.start);
      out += p.text;
    }
    return out;
  }

  expression(): Expr {
    this.enter();
    const condition = this.binary(0);
    this.ws();
    let result: Expr = condition;
    if (this.peek() === "?") {
      this.pos++;
      this.ws();
      const whenTrue = this.expression();
      this.ws();
      this.expect(":", '":" in a conditional expression');
      this.ws();
      const whenFalse = this.expression();
      result = {
        type: "conditional",
        condition,
        whenTrue,
        whenFalse,
        span: { start: condition.span.start, end: whenFalse.span.end },
      };
    }
    this.depth--;
    return result;
  }

  /** The binary operator at the position, if any (`<<` starts a heredoc, not an operator). */
  private binaryOperator(): BinaryOperator | undefined {
    const c = this.text[this.pos];
    const n = this.text[this.pos + 1];
    switch (c) {
      case "|":
        return n === "|" ? "||" : undefined;
      case "&":
        return n === "&" ? "&&" : undefined;
      case "=":
        return n === "=" ? "==" : undefined;
      case "!":
        return n === "=" ? "!=" : undefined;
      case "<":
        return n === "<" ? undefined : n === "=" ? "<=" : "<";
      case ">":
        return n === "=" ? ">=" : ">";
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
        return c;
      default:
        return undefined;
    }
  }

  /** Operators binding at least as tightly as `minLevel`, left-associative (precedence climbing). */
  private binary(minLevel: number): Expr {
    let left = this.unary();
    for (;;) {
      this.ws();
      const op = this.binaryOperator();
      if (op === undefined) return left;
      const level = BINARY_LEVEL[op];
      if (level < minLevel) return left;
      this.pos += op.length;
      this.ws();
      const right = this.binary(level + 1);
      left = {
        type: "binary",
        operator: op,
        left,
        right,
        span: { start: left.span.start, end: right.span.end },
      };
    }
  }

  private unary(): Expr {
    const c = this.peek();
    if ((c === "!" && this.peek(1) !== "=") || (c === "-" && !isDigit(this.peek(1)))) {
      const start = this.pos;
      this.pos++;
      this.ws();
      this.enter();
      const operand = this.unary();
      this.depth--;
      return { type: "unary", operator: c, operand, span: { start, end: operand.span.end } };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      const save = this.pos;
      this.ws();
      const c = this.peek();
      if (c === "." && this.peek(1) === "*") {
        this.pos += 2;
        e = this.splat(e, true);
      } else if (c === "." && (isIdStart(this.peek(1)) || isDigit(this.peek(1)))) {
        this.pos++;
        if (isDigit(this.peek())) {
          const ks = this.pos;
          while (isDigit(this.peek())) this.pos++;
          const key: Expr = {
            type: "literal",
            value: Number(this.text.slice(ks, this.pos)),
            span: { start: ks, end: this.pos },
          };
          e = { type: "index", collection: e, key, span: { start: e.span.start, end: this.pos } };
        } else {
          const name = this.identifier();
          e = { type: "getattr", object: e, name, span: { start: e.span.start, end: this.pos } };
        }
      } else if (c === "[") {
        this.pos++;
        this.newlineIgnored.push(true);
        this.ws();
        if (this.peek() === "*") {
          this.pos++;
          this.ws();
          this.expect("]");
          this.newlineIgnored.pop();
          e = this.splat(e, false);
        } else {
          const key = this.expression();
          this.ws();
          this.expect("]", '"]" to close the index');
          this.newlineIgnored.pop();
          e = { type: "index", collection: e, key, span: { start: e.span.start, end: this.pos } };
        }
      } else {
        this.pos = save;
        return e;
      }
    }
  }

  /** After `[*]` (full splat) or `.*` (attribute-only splat): the traversal applied to each element. */
  private splat(source: Expr, attrOnly: boolean): Expr {
    const steps: SplatStep[] = [];
    for (;;) {
      const save = this.pos;
      this.ws();
      if (this.peek() === "." && isIdStart(this.peek(1))) {
        this.pos++;
        steps.push({ kind: "attr", name: this.identifier() });
      } else if (!attrOnly && this.peek() === "[" && this.peek(1) !== "*") {
        this.pos++;
        this.newlineIgnored.push(true);
        this.ws();
        const key = this.expression();
        this.ws();
        this.expect("]");
        this.newlineIgnored.pop();
        steps.push({ kind: "index", key });
      } else {
        this.pos = save;
        break;
      }
    }
    return { type: "splat", source, steps, span: { start: source.span.start, end: this.pos } };
  }

  private primary(): Expr {
    const start = this.pos;
    const c = this.peek();
    if (isDigit(c) || (c === "-" && isDigit(this.peek(1)))) return this.number();
    if (c === '"') return this.template();
    if (c === "<" && this.peek(1) === "<") return this.heredoc();
    if (c === "(") {
      this.pos++;
      this.newlineIgnored.push(true);
      this.ws();
      const expr = this.expression();
      this.ws();
      this.expect(")", '")"');
      this.newlineIgnored.pop();
      return { type: "paren", expr, span: { start, end: this.pos } };
    }
    if (c === "[") return this.tuple();
    if (c === "{") return this.object();
    if (isIdStart(c)) {
      let name = this.identifier();
      // Provider-defined functions: provider::aws::arn_parse(...).
      while (this.startsWith("::") && isIdStart(this.peek(2))) {
        this.pos += 2;
        name += `::${this.identifier()}`;
      }
      const nameSpan = { start, end: this.pos };
      const save = this.pos;
      this.skipTrivia(false);
      if (this.peek() === "(") return this.call(name, nameSpan);
      this.pos = save;
      if (name === "true" || name === "false")
        return { type: "literal", value: name === "true", span: nameSpan };
      if (name === "null") return { type: "literal", value: null, span: nameSpan };
      return { type: "variable", name, span: nameSpan };
    }
    if (c === "") this.fail("expected an expression, found the end of the file");
    this.fail(`expected an expression, found "${c}"`);
  }

  private number(): Expr {
    const start = this.pos;
    if (this.peek() === "-") this.pos++;
    while (isDigit(this.peek())) this.pos++;
    if (this.peek() === "." && isDigit(this.peek(1))) {
      this.pos++;
      while (isDigit(this.peek())) this.pos++;
    }
    if (this.peek() === "e" || this.peek() === "E") {
      const save = this.pos;
      this.pos++;
      if (this.peek() === "+" || this.peek() === "-") this.pos++;
      if (!isDigit(this.peek())) this.pos = save;
      else while (isDigit(this.peek())) this.pos++;
    }
    return {
      type: "literal",
      value: Number(this.text.slice(start, this.pos)),
      span: { start, end: this.pos },
    };
  }

  private call(name: string, nameSpan: Span): Expr {
    this.pos++;
    this.newlineIgnored.push(true);
    const args: Expr[] = [];
    let expandFinal = false;
    this.ws();
    while (this.peek() !== ")") {
      this.enter();
      args.push(this.expression());
      this.depth--;
      this.ws();
      if (this.startsWith("...")) {
        this.pos += 3;
        expandFinal = true;
        this.ws();
      }
      if (this.peek() === ",") {
        this.pos++;
        this.ws();
      } else if (this.peek() !== ")") this.fail(`expected "," or ")" in the arguments of ${name}`);
    }
    this.pos++;
    this.newlineIgnored.pop();
    return {
      type: "call",
      name,
      args,
      expandFinal,
      nameSpan,
      span: { start: nameSpan.start, end: this.pos },
    };
  }

  private atKeyword(word: string): boolean {
    return this.startsWith(word) && !isIdPart(this.peek(word.length));
  }

  private tuple(): Expr {
    const start = this.pos;
    this.pos++;
    this.newlineIgnored.push(true);
    this.enter();
    this.ws();
    if (this.atKeyword("for")) {
      const f = this.forExpr(start, false);
      this.newlineIgnored.pop();
      this.depth--;
      return f;
    }
    const items: Expr[] = [];
    while (this.peek() !== "]") {
      items.push(this.expression());
      this.ws();
      if (this.peek() === ",") {
        this.pos++;
        this.ws();
      } else if (this.peek() !== "]") this.fail('expected "," or "]" in a list');
    }
    this.pos++;
    this.newlineIgnored.pop();
    this.depth--;
    return { type: "tuple", items, span: { start, end: this.pos } };
  }

  private object(): Expr {
    const start = this.pos;
    this.pos++;
    this.enter();
    this.newlineIgnored.push(false);
    this.skipTrivia(true);
    if (this.atKeyword("for")) {
      this.newlineIgnored[this.newlineIgnored.length - 1] = true;
      const f = this.forExpr(start, true);
      this.newlineIgnored.pop();
      this.depth--;
      return f;
    }
    const items: ObjectItem[] = [];
    while (this.peek() !== "}") {
      const itemStart = this.pos;
      let key: Expr;
      if (isIdStart(this.peek())) {
        const save = this.pos;
        const name = this.identifier();
        this.skipTrivia(false);
        if (this.peek() === "=" || this.peek() === ":") {
          key = { type: "literal", value: name, span: { start: save, end: save + name.length } };
        } else {
          this.pos = save;
          key = this.binary(0);
        }
      } else key = this.binary(0);
      this.skipTrivia(false);
      if (this.peek() === "=" && this.peek(1) !== "=") this.pos++;
      else if (this.peek() === ":") this.pos++;
      else this.fail('expected "=" after an object key');
      this.skipTrivia(false);
      const value = this.expression();
      items.push({ key, value, span: { start: itemStart, end: value.span.end } });
      this.skipTrivia(false);
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "\n" && this.peek() !== "}")
        this.fail('expected "," or a newline between object items');
      this.skipTrivia(true);
    }
    this.pos++;
    this.newlineIgnored.pop();
    this.depth--;
    return { type: "object", items, span: { start, end: this.pos } };
  }

  private forExpr(start: number, producesObject: boolean): ForExpr {
    this.pos += 3;
    this.ws();
    let keyVar: string | undefined;
    let valueVar = this.identifier();
    this.ws();
    if (this.peek() === ",") {
      this.pos++;
      this.ws();
      keyVar = valueVar;
      valueVar = this.identifier();
      this.ws();
    }
    if (!this.atKeyword("in")) this.fail('expected "in" in a for expression');
    this.pos += 2;
    this.ws();
    const collection = this.expression();
    this.ws();
    this.expect(":", '":" in a for expression');
    this.ws();
    let key: Expr | undefined;
    let value = this.expression();
    this.ws();
    let grouped = false;
    if (producesObject) {
      this.expect("=>", '"=>" in an object for expression');
      this.ws();
      key = value;
      value = this.expression();
      this.ws();
      if (this.startsWith("...")) {
        grouped = true;
        this.pos += 3;
        this.ws();
      }
    }
    let condition: Expr | undefined;
    if (this.atKeyword("if")) {
      this.pos += 2;
      this.ws();
      condition = this.expression();
      this.ws();
    }
    this.expect(producesObject ? "}" : "]");
    const f: ForExpr = {
      type: "for",
      valueVar,
      collection,
      value,
      grouped,
      producesObject,
      span: { start, end: this.pos },
    };
    if (keyVar !== undefined) f.keyVar = keyVar;
    if (key) f.key = key;
    if (condition) f.condition = condition;
    return f;
  }

  /** A quoted template `"..."`. */
  private template(): TemplateExpr {
    const start = this.pos;
    this.pos++;
    const parts = this.templateParts('"', undefined);
    this.expect('"', "a closing quote");
    return { type: "template", parts, span: { start, end: this.pos } };
  }

  /**
   * Template content up to `close` (a quote) or `endAt` (the end of heredoc content). Stops before
   * `%{ else }`, `%{ endif }` and `%{ endfor }`, which the caller consumes. A `~` strip marker removes
   * the white space (newlines included) on its side of the interpolation or directive
   * (https://developer.hashicorp.com/terraform/language/expressions/strings#whitespace-stripping).
   */
  private templateParts(close: string | undefined, endAt: number | undefined): TemplatePart[] {
    const parts: TemplatePart[] = [];
    const t = this.text;
    const limit = endAt ?? t.length;
    /** The text so far, escapes decoded, up to `run`; the source from `run` on is copied as is. */
    let text = "";
    let textStart = this.pos;
    let run = this.pos;
    let trimEnd = false;
    /** Set once an escape makes the text shorter than its source: [text offset, source offset]. */
    let anchors: Array<[number, number]> | undefined;
    const escaped = (): void => {
      anchors ??= [[0, textStart]];
      anchors.push([text.length, this.pos]);
      run = this.pos;
    };
    /** Ends the current text part at `end` (a text part's span never covers the `${` or `%{` after it). */
    const flush = (end: number, trim: boolean): void => {
      text += t.slice(run, end);
      let e = end;
      if (trim) {
        text = text.trimEnd();
        while (e > textStart && isTemplateSpace(t.charCodeAt(e - 1))) e--;
      }
      if (text !== "" || e > textStart)
        parts.push(
          anchors
            ? { kind: "text", text, span: { start: textStart, end: e }, anchors }
            : { kind: "text", text, span: { start: textStart, end: e } },
        );
      text = "";
      anchors = undefined;
    };
    while (this.pos < limit) {
      const c = t[this.pos] as string;
      if (close !== undefined && c === close) break;
      if (close !== undefined && c === "\n") this.fail("a quoted string cannot span lines; use a heredoc");
      if (c === "\\" && close !== undefined) {
        text += t.slice(run, this.pos);
        text += this.escape();
        escaped();
        continue;
      }
      if ((c === "$" || c === "%") && t[this.pos + 1] === c && t[this.pos + 2] === "{") {
        text += `${t.slice(run, this.pos)}${c}{`;
        this.pos += 3;
        escaped();
        continue;
      }
      if (c === "$" && t[this.pos + 1] === "{") {
        const s = this.pos;
        flush(s, t[s + 2] === "~");
        this.pos += 2;
        if (this.peek() === "~") this.pos++;
        this.newlineIgnored.push(true);
        this.ws();
        this.enter();
        const expr = this.expression();
        this.depth--;
        this.ws();
        const trimAfter = this.peek() === "~";
        if (trimAfter) this.pos++;
        this.expect("}", '"}" to close the interpolation');
        this.newlineIgnored.pop();
        parts.push({ kind: "interpolation", expr, span: { start: s, end: this.pos } });
        if (trimAfter) this.skipTemplateSpace(limit);
        textStart = this.pos;
        run = this.pos;
        continue;
      }
      if (c === "%" && t[this.pos + 1] === "{") {
        const directiveStart = this.pos;
        const trimBefore = t[directiveStart + 2] === "~";
        const word = this.directiveWord();
        if (word === "else" || word === "endif" || word === "endfor") {
          this.pos = directiveStart;
          trimEnd = trimBefore;
          break;
        }
        flush(directiveStart, trimBefore);
        parts.push(this.directive(directiveStart, word, close, limit));
        textStart = this.pos;
        run = this.pos;
        continue;
      }
      this.pos++;
    }
    flush(this.pos, trimEnd);
    return parts;
  }

  /** After a `~}` strip marker: the white space that follows is not part of the template. */
  private skipTemplateSpace(limit: number): void {
    while (this.pos < limit && isTemplateSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** Reads `%{ word` and returns the word, leaving the position after it. */
  private directiveWord(): string {
    this.pos += 2;
    if (this.peek() === "~") this.pos++;
    this.skipTrivia(true);
    const s = this.pos;
    while (isIdPart(this.peek())) this.pos++;
    return this.text.slice(s, this.pos);
  }

  private closeDirective(limit: number): void {
    this.skipTrivia(true);
    const trimAfter = this.peek() === "~";
    if (trimAfter) this.pos++;
    this.expect("}", '"}" to close the template directive');
    if (trimAfter) this.skipTemplateSpace(limit);
  }

  private directive(start: number, word: string, close: string | undefined, limit: number): TemplatePart {
    this.enter();
    this.newlineIgnored.push(true);
    this.ws();
    let part: TemplatePart;
    if (word === "if") {
      const condition = this.expression();
      this.closeDirective(limit);
      const then = this.templateParts(close, limit);
      let elseParts: TemplatePart[] = [];
      let w = this.directiveWord();
      if (w === "else") {
        this.closeDirective(limit);
        elseParts = this.templateParts(close, limit);
        w = this.directiveWord();
      }
      if (w !== "endif") this.fail('expected "%{ endif }"');
      this.closeDirective(limit);
      part = { kind: "if", condition, whenTrue: then, whenFalse: elseParts, span: { start, end: this.pos } };
    } else if (word === "for") {
      let keyVar: string | undefined;
      let valueVar = this.identifier();
      this.ws();
      if (this.peek() === ",") {
        this.pos++;
        this.ws();
        keyVar = valueVar;
        valueVar = this.identifier();
        this.ws();
      }
      if (!this.atKeyword("in")) this.fail('expected "in" in a template for directive');
      this.pos += 2;
      this.ws();
      const collection = this.expression();
      this.closeDirective(limit);
      const body = this.templateParts(close, limit);
      if (this.directiveWord() !== "endfor") this.fail('expected "%{ endfor }"');
      this.closeDirective(limit);
      part = { kind: "for", valueVar, collection, body, span: { start, end: this.pos } };
      if (keyVar !== undefined) part.keyVar = keyVar;
    } else this.fail(`unknown template directive "${word}"`, start);
    this.newlineIgnored.pop();
    this.depth--;
    return part;
  }

  private escape(): string {
    const t = this.text;
    const c = t[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "u":
      case "U": {
        const n = c === "u" ? 4 : 8;
        const hex = t.slice(this.pos, this.pos + n);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n)
          this.fail("invalid unicode escape", this.pos - 2);
        this.pos += n;
        const cp = Number.parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail("invalid unicode escape", this.pos - n - 2);
        return String.fromCodePoint(cp);
      }
      default:
        this.fail(`invalid escape "\\${c ?? ""}"`, this.pos - 2);
    }
  }

  private heredoc(): TemplateExpr {
    const start = this.pos;
    this.pos += 2;
    const indented = this.peek() === "-";
    if (indented) this.pos++;
    const marker = this.identifier();
    if (this.peek() === "\r") this.pos++;
    if (this.peek() !== "\n") this.fail("expected a newline after the heredoc marker");
    this.pos++;
    const contentStart = this.pos;
    const t = this.text;
    // The content ends before the first line whose only non-blank text is the marker.
    let lineStart = contentStart;
    let contentEnd = -1;
    let after = -1;
    while (lineStart <= t.length) {
      let lineEnd = t.indexOf("\n", lineStart);
      if (lineEnd < 0) lineEnd = t.length;
      const line = t.slice(lineStart, lineEnd).replace(/\r$/, "");
      if (line.trim() === marker) {
        contentEnd = lineStart;
        after = lineStart + line.length;
        break;
      }
      if (lineEnd >= t.length) break;
      lineStart = lineEnd + 1;
    }
    if (contentEnd < 0) this.fail(`heredoc has no closing "${marker}" line`, start);
    this.pos = contentStart;
    let parts = this.templateParts(undefined, contentEnd);
    if (this.pos < contentEnd) this.fail("unexpected template directive in the heredoc");
    if (indented) parts = stripIndent(parts, t, contentStart, contentEnd);
    this.pos = after;
    return {
      type: "template",
      parts,
      heredoc: { marker, indented, contentStart, contentEnd },
      span: { start, end: after },
    };
  }
}

/** The indentation of a heredoc line, or undefined for a blank line (only white space). */
function indentation(text: string, lineStart: number, end: number): number | undefined {
  let n = 0;
  while (text[lineStart + n] === " " || text[lineStart + n] === "\t") n++;
  const c = text[lineStart + n];
  if (lineStart + n >= end || c === "\n" || (c === "\r" && text[lineStart + n + 1] === "\n"))
    return undefined;
  return n;
}

/** Spans of the interpolations of a template, in source order (directive bodies included). */
function interpolationSpans(parts: TemplatePart[], out: Span[] = []): Span[] {
  for (const p of parts) {
    if (p.kind === "interpolation") out.push(p.span);
    else if (p.kind === "if") {
      interpolationSpans(p.whenTrue, out);
      interpolationSpans(p.whenFalse, out);
    } else if (p.kind === "for") interpolationSpans(p.body, out);
  }
  return out;
}

/**
 * `<<-` removes the smallest indentation of the content lines from every line
 * (https://developer.hashicorp.com/terraform/language/expressions/strings#indented-heredocs). As in
 * HCL (hclsyntax flushHeredocTemplateParts), blank lines neither count nor lose their white space,
 * and lines that start inside a multi-line interpolation are not lines of the template.
 */
function stripIndent(parts: TemplatePart[], text: string, start: number, end: number): TemplatePart[] {
  const expressions = interpolationSpans(parts);
  let min = Number.POSITIVE_INFINITY;
  const lineStarts = new Set<number>();
  let j = 0;
  for (let i = start; i < end; ) {
    while (j < expressions.length && (expressions[j] as Span).end <= i) j++;
    const inExpression = j < expressions.length && (expressions[j] as Span).start < i;
    if (!inExpression) {
      lineStarts.add(i);
      const n = indentation(text, i, end);
      if (n !== undefined) min = Math.min(min, n);
    }
    const nl = text.indexOf("\n", i);
    if (nl < 0 || nl >= end) break;
    i = nl + 1;
  }
  if (!Number.isFinite(min) || min === 0) return parts;
  const strip = (p: TemplatePart): TemplatePart => {
    if (p.kind === "text") {
      // Heredoc text holds no escapes but `$${` and `%%{`: stripping works on the source slice, with
      // an anchor after each removed indentation and each escape.
      let out = "";
      let k = p.span.start;
      const anchors: Array<[number, number]> = [[0, k]];
      while (k < p.span.end) {
        if (lineStarts.has(k) && indentation(text, k, end) !== undefined) {
          let n = 0;
          while (n < min && k + n < p.span.end && (text[k + n] === " " || text[k + n] === "\t")) n++;
          k += n;
          anchors.push([out.length, k]);
          if (k >= p.span.end) break;
        }
        const c = text[k] as string;
        if ((c === "$" || c === "%") && text[k + 1] === c && text[k + 2] === "{") {
          out += `${c}{`;
          k += 3;
          anchors.push([out.length, k]);
          continue;
        }
        out += c;
        k++;
      }
      return { ...p, text: out, anchors };
    }
    if (p.kind === "if") return { ...p, whenTrue: p.whenTrue.map(strip), whenFalse: p.whenFalse.map(strip) };
    if (p.kind === "for") return { ...p, body: p.body.map(strip) };
    return p;
  };
  return parts.map(strip);
}
