/** Tokens inside one `{{ ... }}`, after Handlebars' lexer rules. */
import { TemplateError } from './ast.js';

export type TokenType =
  | 'ID'
  | 'SEP'
  | 'DATA'
  | 'STRING'
  | 'NUMBER'
  | 'BOOLEAN'
  | 'UNDEFINED'
  | 'NULL'
  | 'EQUALS'
  | 'OPEN_SEXPR'
  | 'CLOSE_SEXPR'
  | 'CLOSE'
  | 'CLOSE_UNESCAPED';

export interface Token {
  type: TokenType;
  value: string;
  /** For CLOSE tokens: written as `~}}`. */
  strip?: boolean;
  /** An ID written as a `[...]` segment. */
  literal?: boolean;
  end: number;
}

const ID = /[^\s!"#%-,./;->@[-^`{-~]+(?=[=~}\s/.)|]|$)/y;
const LITERAL_END = /(?=[~}\s)])/y;
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?/y;
const KEYWORDS: Record<string, TokenType> = {
  true: 'BOOLEAN',
  false: 'BOOLEAN',
  undefined: 'UNDEFINED',
  null: 'NULL'
};

function sticky(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

function followedByLiteralEnd(text: string, at: number): boolean {
  LITERAL_END.lastIndex = at;
  return LITERAL_END.test(text);
}

function quoted(text: string, at: number): Token {
  const q = text[at];
  let i = at + 1;
  let value = '';
  while (i < text.length && text[i] !== q) {
    if (text[i] === '\\' && text[i + 1] === q) {
      value += q;
      i += 2;
    } else {
      value += text[i++];
    }
  }
  if (i >= text.length) throw new TemplateError(`unterminated string starting at ${text.slice(at, at + 20)}`);
  return { type: 'STRING', value, end: i + 1 };
}

/** The token starting at `at` (whitespace already skipped); undefined at the end of the text. */
function nextToken(text: string, at: number): Token | undefined {
  if (at >= text.length) return undefined;
  const rest = text.slice(at, at + 4);
  const close = /^(~?)(}}}|}})/.exec(rest);
  if (close) {
    const type = close[2] === '}}}' ? 'CLOSE_UNESCAPED' : 'CLOSE';
    return { type, value: close[0], strip: close[1] === '~', end: at + close[0].length };
  }
  const c = text[at];
  if (c === '(') return { type: 'OPEN_SEXPR', value: c, end: at + 1 };
  if (c === ')') return { type: 'CLOSE_SEXPR', value: c, end: at + 1 };
  if (c === '=') return { type: 'EQUALS', value: c, end: at + 1 };
  if (c === '@') return { type: 'DATA', value: c, end: at + 1 };
  if (c === '"' || c === "'") return quoted(text, at);
  if (rest.startsWith('..')) return { type: 'ID', value: '..', end: at + 2 };
  if (c === '.' && /^\.(?=[=~}\s/.)|])/.test(text.slice(at, at + 2)))
    return { type: 'ID', value: '.', end: at + 1 };
  if (c === '.' || c === '/') return { type: 'SEP', value: c, end: at + 1 };
  if (c === '[') {
    const m = /^\[((?:\\\]|[^\]])*)\]/.exec(text.slice(at));
    if (!m) throw new TemplateError(`unterminated [ segment at ${text.slice(at, at + 20)}`);
    return { type: 'ID', value: m[1].replace(/\\\]/g, ']'), literal: true, end: at + m[0].length };
  }
  const num = sticky(NUMBER, text, at);
  if (num && followedByLiteralEnd(text, at + num.length)) {
    return { type: 'NUMBER', value: num, end: at + num.length };
  }
  const id = sticky(ID, text, at);
  if (id) {
    const keyword = KEYWORDS[id];
    if (keyword && followedByLiteralEnd(text, at + id.length))
      return { type: keyword, value: id, end: at + id.length };
    return { type: 'ID', value: id, end: at + id.length };
  }
  throw new TemplateError(
    `unexpected character ${JSON.stringify(c)} in ${JSON.stringify(text.slice(at, at + 20))}`
  );
}

/** Skips whitespace, then reads a token. */
export function readToken(text: string, at: number): Token | undefined {
  let i = at;
  while (i < text.length && /\s/.test(text[i])) i++;
  return nextToken(text, i);
}
