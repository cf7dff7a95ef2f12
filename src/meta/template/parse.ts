/**
 * Parses the Handlebars syntax that metadata-action's patterns, values and labels may use:
 * `{{expr}}`, `{{{expr}}}`/`{{& expr}}`, helpers with string/number/boolean parameters and
 * `key=value` hashes, sub-expressions, `{{! comments}}`, `\{{` escapes, `~` whitespace control and
 * the block helpers `if`/`unless`/`with`/`each` with `{{else}}`. Partials, decorators and raw blocks
 * are rejected with an error.
 */
import type { BlockNode, CallExpr, Node } from './ast.js';
import { TemplateError } from './ast.js';
import { parseCall, parseClose } from './expr.js';

type TagKind = 'mustache' | 'comment' | 'open' | 'inverse' | 'chain' | 'close';

interface Tag {
  kind: TagKind;
  call?: CallExpr;
  escaped?: boolean;
  inverted?: boolean;
  left: boolean;
  right: boolean;
}

type Item = { kind: 'text'; value: string } | Tag;

function parseTag(src: string, open: number): { tag: Tag; end: number } {
  const rest = src.slice(open);
  if (rest.startsWith('{{{{')) throw new TemplateError('raw blocks ({{{{ }}}}) are not supported');
  const comment = /^\{\{~?!--[\s\S]*?--~?\}\}/.exec(rest) ?? /^\{\{~?![\s\S]*?\}\}/.exec(rest);
  if (comment) {
    const text = comment[0];
    return {
      tag: { kind: 'comment', left: text[2] === '~', right: text[text.length - 3] === '~' },
      end: open + text.length
    };
  }
  if (/^\{\{~?!/.test(rest)) throw new TemplateError('unterminated comment');
  const left = rest[2] === '~';
  let at = open + (left ? 3 : 2);
  const inverse = /^\s*(?:else|\^)\s*(~?)\}\}/.exec(src.slice(at));
  if (inverse)
    return { tag: { kind: 'inverse', left, right: inverse[1] === '~' }, end: at + inverse[0].length };
  const chain = /^\s*else(?=[\s~(])/.exec(src.slice(at));
  const kind: TagKind = chain
    ? 'chain'
    : '#^/'.includes(src[at])
      ? src[at] === '/'
        ? 'close'
        : 'open'
      : 'mustache';
  const sigil = src[at];
  if ('>*'.includes(sigil) || (sigil === '#' && '>*'.includes(src[at + 1]))) {
    throw new TemplateError('partials and decorators ({{> }}, {{* }}) are not supported');
  }
  const triple = kind === 'mustache' && sigil === '{';
  if (chain) at += chain[0].length;
  else if (kind !== 'mustache' || triple || sigil === '&') at += 1;
  const { call, end } = parseCall(src, at);
  const close = parseClose(src, end, triple);
  const escaped = kind === 'mustache' && !triple && sigil !== '&';
  return { tag: { kind, call, escaped, inverted: sigil === '^', left, right: close.right }, end: close.end };
}

/** parseTag, with errors that say on which line of the template the failing tag starts. */
function parseAt(src: string, open: number): { tag: Tag; end: number } {
  try {
    return parseTag(src, open);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const line = src.slice(0, open).split('\n').length;
    throw new TemplateError(`Parse error on line ${line}: ${err.message}`);
  }
}

/** Splits the source into text and tags, honouring `\{{` (literal) and `\\{{` (backslash, then a tag). */
function scan(src: string): Item[] {
  const items: Item[] = [];
  let text = '';
  let pos = 0;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    if (open < 0) {
      text += src.slice(pos);
      break;
    }
    const before = src.slice(pos, open);
    if (before.endsWith('\\') && !before.endsWith('\\\\')) {
      text += before.slice(0, -1);
      let k = open + 2;
      while (k < src.length && !src.startsWith('{{', k) && !src.startsWith('\\{{', k)) k++;
      text += src.slice(open, k);
      pos = k;
      continue;
    }
    text += before.endsWith('\\\\') ? before.slice(0, -1) : before;
    if (text) items.push({ kind: 'text', value: text });
    text = '';
    const { tag, end } = parseAt(src, open);
    items.push(tag);
    pos = end;
  }
  if (text) items.push({ kind: 'text', value: text });
  return items;
}

const isText = (item: Item | undefined): item is { kind: 'text'; value: string } => item?.kind === 'text';

/** `~` strips whitespace next to a tag; a comment or block tag alone on its line takes the line with it. */
function controlWhitespace(items: Item[]): void {
  items.forEach((item, i) => {
    if (isText(item)) return;
    const prev = items[i - 1];
    const next = items[i + 1];
    if (item.left && isText(prev)) prev.value = prev.value.replace(/\s+$/, '');
    if (item.right && isText(next)) next.value = next.value.replace(/^\s+/, '');
    if (item.kind === 'mustache') return;
    const prevBlank = prev === undefined || (isText(prev) && /(^|\r?\n)[ \t]*$/.test(prev.value));
    const nextBlank = next === undefined || (isText(next) && /^[ \t]*(\r?\n|$)/.test(next.value));
    if (prevBlank && nextBlank) {
      if (isText(prev)) prev.value = prev.value.replace(/[ \t]+$/, '');
      if (isText(next)) next.value = next.value.replace(/^[ \t]*\r?\n?/, '');
    }
  });
}

function name(call: CallExpr): string {
  return call.path.original;
}

function build(items: Item[]): Node[] {
  const root: Node[] = [];
  const stack: { block: BlockNode; chained: boolean; target: Node[] }[] = [];
  const target = () => stack.at(-1)?.target ?? root;
  for (const item of items) {
    if (item.kind === 'text') {
      if (item.value) target().push({ type: 'text', value: item.value });
    } else if (item.kind === 'mustache') {
      target().push({ type: 'mustache', call: item.call!, escaped: item.escaped! });
    } else if (item.kind === 'open') {
      const block: BlockNode = {
        type: 'block',
        call: item.call!,
        inverted: item.inverted!,
        program: [],
        inverse: []
      };
      target().push(block);
      stack.push({ block, chained: false, target: block.program });
    } else if (item.kind === 'inverse' || item.kind === 'chain') {
      const top = stack.at(-1);
      if (!top) throw new TemplateError('{{else}} outside of a block');
      top.target = top.block.inverse;
      if (item.kind === 'chain') {
        const block: BlockNode = {
          type: 'block',
          call: item.call!,
          inverted: false,
          program: [],
          inverse: []
        };
        top.block.inverse.push(block);
        stack.push({ block, chained: true, target: block.program });
      }
    } else if (item.kind === 'close') {
      while (stack.at(-1)?.chained) stack.pop();
      const open = stack.pop();
      if (!open) throw new TemplateError(`{{/${name(item.call!)}}} closes no block`);
      if (name(open.block.call) !== name(item.call!)) {
        throw new TemplateError(`${name(open.block.call)} doesn't match ${name(item.call!)}`);
      }
    }
  }
  if (stack.length) throw new TemplateError(`{{#${name(stack[0].block.call)}}} is not closed`);
  return root;
}

export function parseTemplate(src: string): Node[] {
  const items = scan(src);
  controlWhitespace(items);
  return build(items);
}
