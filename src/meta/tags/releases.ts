/**
 * What floating-tags needs from semver and pep440 rules: which part of the version a pattern keeps
 * (the tag floats over releases when it keeps only {{major}}, or {{major}} and {{minor}}), and how
 * the rule reads another Git tag as a release.
 */
import parse from 'semver/functions/parse.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';
import type { SemVer } from 'semver';
import * as pep440 from '../pep440.js';
import type { Templates } from '../templates.js';
import { TAG_REF, tagName } from './env.js';
import type { TagEntry } from './parse.js';
import type { Release, ReleaseReader, RuleRelease } from './types.js';

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

/** A tag name narrowed by a rule's match= (group 1), as the rule narrows the event's tag. */
function matcher(match: string): (name: string) => string | undefined {
  if (match.length === 0) return name => name;
  const re = new RegExp(match);
  return name => name.match(re)?.[1];
}

export function semverRelease(version: SemVer): Release {
  const { major, minor, patch } = version;
  return { text: version.version, major, minor, order: [major, minor, patch] };
}

/** type=semver (with its match=): `v1.2.3`-style tags; pre-releases are not releases here. */
export function semverReader(match = ''): ReleaseReader {
  const narrow = matcher(match);
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

/** type=pep440 (with its match=): PEP 440 versions; pre, post and dev releases are not releases here. */
export function pep440Reader(match = ''): ReleaseReader {
  const narrow = matcher(match);
  return name => {
    const text = narrow(name)?.replace(/\//g, '-');
    return text === undefined || !pep440.valid(text) ? undefined : pep440Release(text);
  };
}

/**
 * The release a pushed tag names, read as type=semver (or else type=pep440) reads it, for `latest`
 * given by a rule that is no version rule (type=ref,event=tag, type=match) on a tag push.
 */
export function tagEventRelease(ref: string): RuleRelease | undefined {
  if (!TAG_REF.test(ref)) return undefined;
  for (const read of [semverReader(), pep440Reader()]) {
    const release = read(tagName(ref));
    if (release) return { release, read };
  }
  return undefined;
}
