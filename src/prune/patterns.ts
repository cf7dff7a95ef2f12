/** Tag patterns of `keep-tags` and `delete-tags`: globs (`*`, `?`, `[a-z]`, `{a,b}`) or `regex:` expressions. */

export interface TagPattern {
  /** The pattern as the user wrote it. */
  source: string;
  test(tag: string): boolean;
}

const SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

/** A glob as an anchored regular expression; throws on an unbalanced `[` or `{`. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new Error('unclosed [');
      let body = glob.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(SPECIAL, '\\$&');
  }
  if (braces > 0) throw new Error('unclosed {');
  return new RegExp(`^${out}$`);
}

/** One pattern; `regex:` patterns match anywhere unless anchored, globs match the whole tag. */
export function parsePattern(source: string): TagPattern {
  const regex = source.startsWith('regex:')
    ? new RegExp(source.slice('regex:'.length))
    : globToRegExp(source);
  return { source, test: tag => regex.test(tag) };
}

/** The first pattern that matches a tag, if any. */
export function firstMatch(patterns: readonly TagPattern[], tag: string): TagPattern | undefined {
  return patterns.find(p => p.test(tag));
}
