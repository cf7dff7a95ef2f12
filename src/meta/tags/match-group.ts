/** The `match=` attribute of semver and pep440 entries: keep capture group 1 of a regular expression. */
import { entryError } from '../entries.js';
import type { TagEntry } from './parse.js';
import type { TagEnv } from './types.js';
import { errorMessage } from '../../common/errors.js';

export function regExp(pattern: string, flags: string | undefined, tag: TagEntry): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    throw entryError(tag.entry, `${errorMessage(err)} (expected a JavaScript regular expression)`);
  }
}

export function applyMatch(value: string, tag: TagEntry, env: TagEnv): string {
  if (tag.attrs.match.length === 0) return value;
  const found = value.match(regExp(tag.attrs.match, undefined, tag));
  if (!found) {
    env.warn(`${tag.attrs.match} does not match ${value}.`);
    return value;
  }
  if (found[1] === undefined) {
    throw entryError(
      tag.entry,
      `match=${tag.attrs.match} captured nothing in ${value} (expected a capture group, e.g. v(\\d+\\.\\d+\\.\\d+)$)`
    );
  }
  return found[1];
}
