/**
 * The version: every enabled tag entry, in priority order, contributes its value; the first value
 * is the version (`main`), the others are extra tags, and the first entry that yields a value
 * decides `latest` when flavor latest=auto.
 */
import { createHash } from 'node:crypto';
import { entryError, where } from './entries.js';
import { edgeTag } from './tags/edge.js';
import { matchTag } from './tags/match.js';
import type { TagEntry, TagType } from './tags/parse.js';
import { pep440Tag } from './tags/pep440.js';
import { rawTag } from './tags/raw.js';
import { tagEventRelease } from './tags/releases.js';
import { refTag } from './tags/ref.js';
import { schedule } from './tags/schedule.js';
import { semverTag } from './tags/semver.js';
import { shaTag } from './tags/sha.js';
import type { FloatingTag, TagEnv, TagProcessor, Version } from './tags/types.js';

/** Whether an entry's value names one release: a version pattern that does not float, or the pushed Git tag. */
function namesRelease(tag: TagEntry, floats: boolean): boolean {
  if (tag.type === 'semver' || tag.type === 'pep440') return !floats;
  return tag.type === 'ref' && tag.attrs.event === 'tag';
}

const PROCESSORS: Record<TagType, TagProcessor> = {
  schedule,
  semver: semverTag,
  pep440: pep440Tag,
  match: matchTag,
  edge: edgeTag,
  ref: refTag,
  raw: rawTag,
  sha: shaTag
};

const MAX_TAG_LENGTH = 128;

/** Replaces each run of characters a Docker tag cannot hold with `-`. */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

/** A tag over 128 characters: its first 119 characters, `-` and 8 hex digits of its SHA-256. */
function shortenTag(tag: string): string {
  if (tag.length <= MAX_TAG_LENGTH) return tag;
  const hash = createHash('sha256').update(tag).digest('hex').slice(0, 8);
  return `${tag.slice(0, MAX_TAG_LENGTH - 9)}-${hash}`;
}

function enabled(tag: TagEntry, env: TagEnv): boolean {
  const value = env.templates.global(tag.attrs.enable, tag.entry);
  if (value !== 'true' && value !== 'false') {
    throw entryError(
      tag.entry,
      `Invalid value for enable attribute: ${value} (expected enable=true, enable=false or an expression that gives one of them)`
    );
  }
  return value === 'true';
}

function finalTag(raw: string, tag: TagEntry, env: TagEnv): string {
  const sanitized = sanitizeTag(raw);
  if (/^[.-]/.test(sanitized)) {
    env.warn(
      `${where(tag.entry)}: "${sanitized}" is not a valid Docker tag (it must start with a letter, a digit or _); a push with it will fail`
    );
  }
  const short = shortenTag(sanitized);
  if (short !== sanitized) {
    env.warn(
      `${where(tag.entry)}: the tag "${sanitized}" is longer than ${MAX_TAG_LENGTH} characters; using "${short}"`
    );
  }
  return short;
}

export function computeVersion(tags: TagEntry[], env: TagEnv): Version {
  let main: string | undefined;
  const partial: string[] = [];
  let latest: boolean | undefined;
  let latestFloating: FloatingTag | undefined;
  // A value floats only when every entry that made it floats (null: some entry made it fixed).
  const floating = new Map<string, FloatingTag | null>();
  const releases = new Set<string>();
  for (const tag of tags) {
    if (!enabled(tag, env)) continue;
    const candidate = PROCESSORS[tag.type](tag, env);
    if (!candidate || candidate.value.length === 0) continue;
    const value = finalTag(candidate.value, tag, env);
    if (main === undefined) main = value;
    else if (value !== main && !partial.includes(value)) partial.push(value);
    const { release } = candidate;
    const floats = release?.scope
      ? { release: release.release, read: release.read, scope: release.scope }
      : null;
    if (namesRelease(tag, floats !== null)) releases.add(value);
    if (!floats) floating.set(value, null);
    else if (!floating.has(value)) floating.set(value, floats);
    if (latest === undefined) {
      latest = env.flavor.latest === 'auto' ? candidate.autoLatest : env.flavor.latest === 'true';
      const from = latest && env.flavor.latest === 'auto' ? (release ?? tagEventRelease(env.ref)) : undefined;
      if (from) latestFloating = { release: from.release, read: from.read, scope: 'latest' };
    }
  }
  const floatingOnly = new Map([...floating].filter((e): e is [string, FloatingTag] => e[1] !== null));
  return { main, partial, latest: latest ?? false, floating: floatingOnly, latestFloating, releases };
}
