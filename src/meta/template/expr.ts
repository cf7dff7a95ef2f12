/** The expression inside a `{{ }}`: a helper name or value, parameters, `key=value` pairs, sub-expressions. */
import type { CallExpr, Expr, LiteralExpr, PathExpr } from './ast.js';
import { TemplateError } from './ast.js';
import { readToken, type Token } from './lexer.js';

function expect(token: Token | undefined, what: string): Token {
  if (!token) throw new TemplateError(`expected ${what}, got the end of the template`);
  return token;
}

const LITERALS: Record<string, (v: string) => LiteralExpr['value']> = {
  STRING: v => v,
  NUMBER: v => Number(v),
  BOOLEAN: v => v === 'true',
  UNDEFINED: () => undefined,
  NULL: () => null
};

function parsePath(src: string, first: Token): { expr: PathExpr; end: number } {
  let data = false;
  let tok = first;
  if (tok.type === 'DATA') {
    data = true;
    tok = expect(readToken(src, tok.end), 'a name after @');
  }
  if (tok.type !== 'ID') throw new TemplateError(`expected a name, got ${JSON.stringify(tok.value)}`);
  const segments: Token[] = [tok];
  let original = (data ? '@' : '') + (tok.literal ? `[${tok.value}]` : tok.value);
  let end = tok.end;
  for (let sep = readToken(src, end); sep?.type === 'SEP'; sep = readToken(src, end)) {
    const seg = expect(readToken(src, sep.end), 'a name after a separator');
    if (seg.type !== 'ID') throw new TemplateError(`expected a name after "${original}${sep.value}"`);
    segments.push(seg);
    original += sep.value + (seg.literal ? `[${seg.value}]` : seg.value);
    end = seg.end;
  }
  const parts: string[] = [];
  let depth = 0;
  for (const seg of segments) {
    if (!seg.literal && ['..', '.', 'this'].includes(seg.value)) {
      if (parts.length > 0) throw new TemplateError(`Invalid path: ${original}`);
      if (seg.value === '..') depth++;
    } else {
      parts.push(seg.value);
    }
  }
  return { expr: { kind: 'path', parts, depth, scoped: /^\.|this\b/.test(original), data, original }, end };
}

function parseOperand(src: string, tok: Token): { expr: Expr; end: number } {
  if (tok.type === 'OPEN_SEXPR') {
    const inner = parseCall(src, tok.end);
    const close = expect(readToken(src, inner.end), '")"');
    if (close.type !== 'CLOSE_SEXPR')
      throw new TemplateError(`expected ")", got ${JSON.stringify(close.value)}`);
    return { expr: inner.call, end: close.end };
  }
  const literal = LITERALS[tok.type];
  if (literal)
    return { expr: { kind: 'literal', value: literal(tok.value), original: tok.value }, end: tok.end };
  if (tok.type === 'ID' || tok.type === 'DATA') return parsePath(src, tok);
  throw new TemplateError(`unexpected ${JSON.stringify(tok.value)}`);
}

/** A helper name (or value) followed by parameters and a hash, up to a closing token. */
export function parseCall(src: string, at: number): { call: CallExpr; end: number } {
  const first = expect(readToken(src, at), 'an expression');
  if (first.type.startsWith('CLOSE')) throw new TemplateError('expected an expression inside {{ }}');
  const head = parseOperand(src, first);
  if (head.expr.kind === 'call') throw new TemplateError('a sub-expression cannot be called');
  const call: CallExpr = { kind: 'call', path: head.expr, params: [], hash: {} };
  let end = head.end;
  let inHash = false;
  for (;;) {
    const tok = expect(readToken(src, end), '"}}"');
    if (tok.type === 'CLOSE' || tok.type === 'CLOSE_UNESCAPED' || tok.type === 'CLOSE_SEXPR') break;
    const after = tok.type === 'ID' ? readToken(src, tok.end) : undefined;
    if (after?.type === 'EQUALS') {
      const value = parseOperand(src, expect(readToken(src, after.end), `a value for ${tok.value}=`));
      call.hash[tok.value] = value.expr;
      end = value.end;
      inHash = true;
    } else {
      if (inHash) throw new TemplateError(`unexpected ${JSON.stringify(tok.value)} after key=value pairs`);
      const param = parseOperand(src, tok);
      call.params.push(param.expr);
      end = param.end;
    }
  }
  return { call, end };
}

export function parseClose(src: string, at: number, triple: boolean): { right: boolean; end: number } {
  const tok = expect(readToken(src, at), '"}}"');
  if (tok.type !== (triple ? 'CLOSE_UNESCAPED' : 'CLOSE')) {
    throw new TemplateError(`expected "${triple ? '}}}' : '}}'}", got ${JSON.stringify(tok.value)}`);
  }
  return { right: Boolean(tok.strip), end: tok.end };
}
