/**
 * PEP 440 versions, with the semantics of @renovate/pep440 (valid, clean, explain, major, minor,
 * patch) but on native regular expressions: that package loads XRegExp, which costs about 50 ms of
 * start-up for a pattern that JavaScript's own RegExp handles.
 */
const VERSION =
  'v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)' +
  '(?<pre>[-_\\.]?(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\\.]?(?<pre_n>[0-9]+)?)?' +
  '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\\.]?(?<post_l>post|rev|r)[-_\\.]?(?<post_n2>[0-9]+)?))?' +
  '(?<dev>[-_\\.]?(?<dev_l>dev)[-_\\.]?(?<dev_n>[0-9]+)?)?)' +
  '(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?';

const VALID = new RegExp(`^${VERSION}$`, 'i');
const CLEAN = new RegExp(`^\\s*${VERSION}\\s*$`, 'i');

type Letter = [string, number];

interface Parsed {
  epoch: number;
  release: number[];
  pre: Letter | null;
  post: Letter | null;
  dev: Letter | null;
  local: (string | number)[] | null;
}

export interface Explained {
  epoch: number;
  release: number[];
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
}

function letterVersion(letter: string | undefined, number: string | undefined): Letter | null {
  if (letter) {
    let l = letter.toLowerCase();
    if (l === 'alpha') l = 'a';
    else if (l === 'beta') l = 'b';
    else if (['c', 'pre', 'preview'].includes(l)) l = 'rc';
    else if (['rev', 'r'].includes(l)) l = 'post';
    return [l, Number(number || 0)];
  }
  if (number) return ['post', Number(number)];
  return null;
}

function parse(version: string, re: RegExp): Parsed | null {
  const g = re.exec(version)?.groups;
  if (!g) return null;
  return {
    epoch: Number(g.epoch ? g.epoch : 0),
    release: g.release.split('.').map(Number),
    pre: letterVersion(g.pre_l, g.pre_n),
    post: letterVersion(g.post_l, g.post_n1 || g.post_n2),
    dev: letterVersion(g.dev_l, g.dev_n),
    local: g.local
      ? g.local.split(/[._-]/).map(p => (Number.isNaN(Number(p)) ? p.toLowerCase() : Number(p)))
      : null
  };
}

function stringify(p: Parsed): string {
  const parts: string[] = [];
  if (p.epoch !== 0) parts.push(`${p.epoch}!`);
  parts.push(p.release.join('.'));
  if (p.pre) parts.push(p.pre.join(''));
  if (p.post) parts.push('.' + p.post.join(''));
  if (p.dev) parts.push('.' + p.dev.join(''));
  // The reference implementation interpolates the local segments array, which joins them with ','.
  if (p.local) parts.push(`+${p.local.join(',')}`);
  return parts.join('');
}

export function valid(version: string): boolean {
  return VALID.test(version);
}

/** The normalized form; null when the version does not parse. */
export function clean(version: string): string | null {
  const p = parse(version, CLEAN);
  return p ? stringify(p) : null;
}

export function explain(version: string): Explained | null {
  const p = parse(version, VALID);
  if (!p) return null;
  return {
    epoch: p.epoch,
    release: p.release,
    isPrerelease: Boolean(p.dev || p.pre),
    isPostrelease: Boolean(p.post),
    isDevrelease: Boolean(p.dev)
  };
}

function release(version: string, index: number): number {
  const e = explain(version);
  if (!e) throw new TypeError(`Invalid Version: ${version}`);
  return e.release.length > index ? e.release[index] : 0;
}

export const major = (version: string): number => release(version, 0);
export const minor = (version: string): number => release(version, 1);
export const patch = (version: string): number => release(version, 2);
