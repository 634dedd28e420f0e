/**
 * The HCL native syntax tree, with offsets (UTF-16 code units) into the file text on every node.
 * Shapes follow HCL's own (hclsyntax): a body of attributes and blocks; expressions as templates,
 * collections, traversals, calls, operators, conditionals, `for` and splats.
 */

/** Half-open range of offsets in the file text. */
export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | LiteralExpr
  | TemplateExpr
  | TupleExpr
  | ObjectExpr
  | VariableExpr
  | GetAttrExpr
  | IndexExpr
  | SplatExpr
  | CallExpr
  | ConditionalExpr
  | BinaryExpr
  | UnaryExpr
  | ForExpr
  | ParenExpr;

export interface LiteralExpr {
  type: "literal";
  value: string | number | boolean | null;
  span: Span;
}

export type TemplatePart =
  | {
      kind: "text";
      text: string;
      span: Span;
      /**
       * For text shorter than its source (escapes, indentation `<<-` removed): [offset in text,
       * offset in file] pairs; between two anchors text and source advance together.
       */
      anchors?: Array<[number, number]>;
    }
  | { kind: "interpolation"; expr: Expr; span: Span }
  | { kind: "if"; condition: Expr; whenTrue: TemplatePart[]; whenFalse: TemplatePart[]; span: Span }
  | { kind: "for"; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[]; span: Span };

export interface TemplateExpr {
  type: "template";
  parts: TemplatePart[];
  /** Set for `<<EOF` / `<<-EOF`: where the first content line starts. */
  heredoc?: { marker: string; indented: boolean; contentStart: number; contentEnd: number };
  span: Span;
}

export interface TupleExpr {
  type: "tuple";
  items: Expr[];
  span: Span;
}

export interface ObjectItem {
  /** The key as written: a bare name is a literal key (HCL), anything else an expression. */
  key: Expr;
  value: Expr;
  span: Span;
}

export interface ObjectExpr {
  type: "object";
  items: ObjectItem[];
  span: Span;
}

export interface VariableExpr {
  type: "variable";
  name: string;
  span: Span;
}

export interface GetAttrExpr {
  type: "getattr";
  object: Expr;
  name: string;
  span: Span;
}

export interface IndexExpr {
  type: "index";
  collection: Expr;
  key: Expr;
  span: Span;
}

export type SplatStep = { kind: "attr"; name: string } | { kind: "index"; key: Expr };

export interface SplatExpr {
  type: "splat";
  source: Expr;
  /** Traversal applied to each element: `a[*].b.c` has steps `.b`, `.c`. */
  steps: SplatStep[];
  span: Span;
}

export interface CallExpr {
  type: "call";
  name: string;
  args: Expr[];
  /** `f(a, b...)`: the last argument is expanded. */
  expandFinal: boolean;
  nameSpan: Span;
  span: Span;
}

export interface ConditionalExpr {
  type: "conditional";
  condition: Expr;
  whenTrue: Expr;
  whenFalse: Expr;
  span: Span;
}

export type BinaryOperator =
  | "||"
  | "&&"
  | "=="
  | "!="
  | "<"
  | ">"
  | "<="
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

export interface BinaryExpr {
  type: "binary";
  operator: BinaryOperator;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface UnaryExpr {
  type: "unary";
  operator: "!" | "-";
  operand: Expr;
  span: Span;
}

export interface ForExpr {
  type: "for";
  keyVar?: string;
  valueVar: string;
  collection: Expr;
  /** Object `for` only. */
  key?: Expr;
  value: Expr;
  condition?: Expr;
  /** `{ for ... : k => v... }`. */
  grouped: boolean;
  producesObject: boolean;
  span: Span;
}

export interface ParenExpr {
  type: "paren";
  expr: Expr;
  span: Span;
}

export interface Attribute {
  name: string;
  nameSpan: Span;
  expr: Expr;
  span: Span;
}

export interface Block {
  type: string;
  labels: string[];
  labelSpans: Span[];
  body: Body;
  /** From the block type to the closing brace. */
  span: Span;
}

export interface Body {
  attributes: Map<string, Attribute>;
  blocks: Block[];
  span: Span;
}
