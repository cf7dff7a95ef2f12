/** The parsed form of a `{{...}}` template: the Handlebars syntax metadata-action's inputs use. */

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface PathExpr {
  kind: 'path';
  /** Segments after `this`, `.` and `..` are removed. */
  parts: string[];
  /** How many `../` steps up the context stack. */
  depth: number;
  /** Starts with `this`, `./` or `../`: never a helper. */
  scoped: boolean;
  /** `@root`-style data variable. */
  data: boolean;
  original: string;
}

export interface LiteralExpr {
  kind: 'literal';
  value: string | number | boolean | null | undefined;
  original: string;
}

export interface CallExpr {
  kind: 'call';
  path: PathExpr | LiteralExpr;
  params: Expr[];
  hash: Record<string, Expr>;
}

export type Expr = PathExpr | LiteralExpr | CallExpr;

export interface TextNode {
  type: 'text';
  value: string;
}

export interface MustacheNode {
  type: 'mustache';
  call: CallExpr;
  escaped: boolean;
}

export interface BlockNode {
  type: 'block';
  call: CallExpr;
  /** `{{^name}}`: the inverse section. */
  inverted: boolean;
  program: Node[];
  inverse: Node[];
}

export type Node = TextNode | MustacheNode | BlockNode;
