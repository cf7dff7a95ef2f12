/**
 * Renders a parsed template against a context the way Handlebars 4 does: `{{x}}` output is
 * HTML-escaped, functions in the context are helpers, only own properties are looked up, and an
 * unknown simple expression renders empty (reported through `onMissing`), while an unknown helper
 * called with parameters is an error.
 */
import type { BlockNode, CallExpr, Expr, Node, PathExpr } from './ast.js';
import { TemplateError } from './ast.js';
import { parseTemplate } from './parse.js';

/** A helper: positional parameters and the `key=value` hash. `this` is the current context. */
export type Helper = (this: unknown, params: unknown[], hash: Record<string, unknown>) => unknown;

export interface RenderOptions {
  /** Called with the expression's text when `{{name}}` resolves to nothing. */
  onMissing?: (expression: string) => void;
}

interface Frame {
  context: unknown;
  data: Record<string, unknown>;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;'
};

/** Handlebars' escapeExpression. */
export function escapeExpression(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[&<>"'`=]/.test(text) ? text.replace(/[&<>"'`=]/g, c => ESCAPES[c]) : text;
}

function own(parent: unknown, key: string): unknown {
  if (parent === null || parent === undefined) return undefined;
  return Object.prototype.hasOwnProperty.call(parent, key)
    ? (parent as Record<string, unknown>)[key]
    : undefined;
}

/** Handlebars' own helpers, which win over context values of the same name. */
const BUILTINS: Record<string, Helper> = {
  lookup: params => own(params[0], String(params[1])),
  log: () => '',
  if: () => '',
  unless: () => '',
  with: () => '',
  each: () => ''
};

function isEmpty(value: unknown): boolean {
  if (!value && value !== 0) return true;
  return Array.isArray(value) && value.length === 0;
}

class Renderer {
  constructor(
    private readonly root: unknown,
    private readonly opts: RenderOptions
  ) {}

  lookup(path: PathExpr, stack: Frame[]): unknown {
    const frame = stack[stack.length - 1 - path.depth];
    let value: unknown;
    let parts = path.parts;
    if (path.data) {
      value = path.parts[0] === 'root' ? this.root : frame?.data[path.parts[0]];
      parts = parts.slice(1);
    } else {
      value = frame?.context;
    }
    for (const part of parts) value = own(value, part);
    return value;
  }

  isSimple(path: Expr): boolean {
    return path.kind === 'path' && path.parts.length === 1 && !path.scoped && !path.depth && !path.data;
  }

  evaluate(expr: Expr, stack: Frame[]): unknown {
    if (expr.kind === 'literal') return expr.value;
    if (expr.kind === 'path') return this.lookup(expr, stack);
    return this.call(expr, stack);
  }

  call(call: CallExpr, stack: Frame[]): unknown {
    const context = stack.at(-1)?.context;
    const { path } = call;
    const helperCall = call.params.length > 0 || Object.keys(call.hash).length > 0;
    const builtin = this.isSimple(path) ? BUILTINS[path.original] : undefined;
    const target =
      builtin ?? (path.kind === 'literal' ? own(context, String(path.value)) : this.lookup(path, stack));
    if (helperCall) {
      if (typeof target !== 'function') {
        if (target === undefined || target === null)
          throw new TemplateError(`Missing helper: "${path.original}"`);
        throw new TemplateError(`"${path.original}" is not a helper and takes no parameters`);
      }
      const params = call.params.map(p => this.evaluate(p, stack));
      const hash = Object.fromEntries(
        Object.entries(call.hash).map(([k, v]) => [k, this.evaluate(v, stack)])
      );
      return target.call(context, params, hash);
    }
    if (typeof target === 'function') return target.call(context, [], {});
    if (target === undefined && !(path.kind === 'path' && path.data)) this.opts.onMissing?.(path.original);
    return target;
  }

  block(node: BlockNode, stack: Frame[]): string {
    const { call } = node;
    const helper = this.isSimple(call.path) ? call.path.original : '';
    const param = () => {
      if (call.params.length !== 1) throw new TemplateError(`#${helper} requires exactly one argument`);
      const value = this.evaluate(call.params[0], stack);
      return typeof value === 'function' ? value.call(stack.at(-1)?.context, [], {}) : value;
    };
    const frame = stack.at(-1)!;
    if (helper === 'if' || helper === 'unless') {
      const value = param();
      const truthy = !((!call.hash.includeZero && !value) || isEmpty(value));
      return this.nodes(truthy === (helper === 'if') ? node.program : node.inverse, stack);
    }
    if (helper === 'with') {
      const value = param();
      return isEmpty(value)
        ? this.nodes(node.inverse, stack)
        : this.nodes(node.program, [...stack, { context: value, data: frame.data }]);
    }
    if (helper !== 'each' && (call.params.length || Object.keys(call.hash).length)) {
      return String(this.call(call, stack) ?? '');
    }
    const value = helper === 'each' ? param() : this.call(call, stack);
    if (node.inverted) return isEmpty(value) ? this.nodes(node.program, stack) : '';
    if (helper === 'each' || Array.isArray(value)) return this.each(node, value, stack);
    if (value === true) return this.nodes(node.program, stack);
    if (isEmpty(value)) return this.nodes(node.inverse, stack);
    return this.nodes(node.program, [...stack, { context: value, data: frame.data }]);
  }

  each(node: BlockNode, value: unknown, stack: Frame[]): string {
    if (value === null || typeof value !== 'object') return this.nodes(node.inverse, stack);
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    if (!entries.length) return this.nodes(node.inverse, stack);
    return entries
      .map(([key, item], index) => {
        const data = {
          ...stack.at(-1)!.data,
          key,
          index,
          first: index === 0,
          last: index === entries.length - 1
        };
        return this.nodes(node.program, [...stack, { context: item, data }]);
      })
      .join('');
  }

  nodes(nodes: Node[], stack: Frame[]): string {
    let out = '';
    for (const node of nodes) {
      if (node.type === 'text') out += node.value;
      else if (node.type === 'block') out += this.block(node, stack);
      else {
        const value = this.call(node.call, stack);
        out += node.escaped ? escapeExpression(value) : (value ?? '');
      }
    }
    return out;
  }
}

const cache = new Map<string, Node[]>();

/** Parses (once per distinct source) and renders `source` against `context`. */
export function render(source: string, context: unknown, opts: RenderOptions = {}): string {
  let nodes = cache.get(source);
  if (!nodes) {
    nodes = parseTemplate(source);
    cache.set(source, nodes);
  }
  return new Renderer(context, opts).nodes(nodes, [{ context, data: { root: context } }]);
}

/** True when the template is exactly one `{{raw}}` expression (metadata-action's isRawStatement). */
export function isRawStatement(source: string): boolean {
  try {
    const nodes = parseTemplate(source);
    if (nodes.length !== 1 || nodes[0].type !== 'mustache') return false;
    const { path } = nodes[0].call;
    return path.kind === 'path' && path.parts.length === 1 && path.parts[0] === 'raw';
  } catch {
    return false;
  }
}
