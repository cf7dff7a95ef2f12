/**
 * What floating-tags needs from semver and pep440 rules: which part of the version a pattern keeps
 * (the tag floats over releases when it keeps only {{major}}, or {{major}} and {{minor}}), and how
 * the rule reads another Git tag as a release.
 */
import parse from 'semver/functions/parse.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';
import type { SemVer } from 'semver';
import type { Release, ReleaseReader } from '../floating.js';
import * as pep440 from '../pep440.js';
import type { Templates } from '../templates.js';
import type { TagEntry } from './parse.js';

/** What a rule's candidate tells the floating-tags decision. */
export interface RuleRelease {
  /** The event's release under the rule. */
  release: Release;
  read: ReleaseReader;
  /** Set when the tag floats: it keeps only the major, or the major and the minor. */
  scope?: 'major' | 'minor';
}

/**
 * Renders `pattern` against `context`, recording which names it looks up: the result floats when it
 * read `major` (and perhaps `minor`) and nothing else.
 */
export function renderScoped(
  templates: Templates,
  pattern: string,
  context: object,
  tag: TagEntry
): { value: string; scope?: 'major' | 'minor' } {
  const read = new Set<string | symbol>();
  const tracked = new Proxy(context, {
    get(target, key, receiver) {
      read.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      read.add(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      read.add(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    }
  });
  const value = templates.with(pattern, tracked, tag.entry);
  if (!read.has('major') || [...read].some(key => key !== 'major' && key !== 'minor')) return { value };
  return { value, scope: read.has('minor') ? 'minor' : 'major' };
}

/** A tag name narrowed by the rule's match= (group 1), as the rule narrows the event's tag. */
function matcher(tag: TagEntry): (name: string) => string | undefined {
  if (tag.attrs.match.length === 0) return name => name;
  const re = new RegExp(tag.attrs.match);
  return name => name.match(re)?.[1];
}

export function semverRelease(version: SemVer): Release {
  const { major, minor, patch } = version;
  return { text: version.version, major, minor, order: [major, minor, patch] };
}

/** type=semver: `v1.2.3`-style tags; pre-releases are not releases here. */
export function semverReader(tag: TagEntry): ReleaseReader {
  const narrow = matcher(tag);
  return name => {
    const text = narrow(name)?.replace(/\//g, '-');
    if (text === undefined || !valid(text) || prerelease(text) !== null) return undefined;
    return semverRelease(parse(text, { loose: true })!);
  };
}

/** A final PEP 440 release (no pre, post or dev part); a local version counts as its release. */
export function pep440Release(version: string): Release | undefined {
  const e = pep440.explain(version);
  if (!e || e.isPrerelease || e.isPostrelease || e.isDevrelease) return undefined;
  return {
    text: pep440.clean(version) ?? version,
    major: pep440.major(version),
    minor: pep440.minor(version),
    order: [e.epoch, ...e.release]
  };
}

/** type=pep440: tags read as PEP 440 versions; pre, post and dev releases are not releases here. */
export function pep440Reader(tag: TagEntry): ReleaseReader {
  const narrow = matcher(tag);
  return name => {
    const text = narrow(name)?.replace(/\//g, '-');
    return text === undefined || !pep440.valid(text) ? undefined : pep440Release(text);
  };
}
