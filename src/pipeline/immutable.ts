/**
 * Version tags never move (`immutable-tags`). Which of this run's tags are immutable, and what the
 * registries' answers for them mean, before anything is pushed anywhere: a tag at another image is
 * refused; a tag at this very image (or, where the new digest is not known yet, at an image of this
 * same commit) is a rerun, finished from the digest the registry already holds.
 */
import { InputError } from '../common/runner.js';

export type ImmutableRule = { kind: 'version' } | { kind: 'none' } | { kind: 'list'; patterns: string[] };

const PATTERN = /^[\w*][\w.*-]{0,127}$/;

/** `immutable-tags`: empty for the version tags, `none`, or tag names (`*` matches any run of characters). */
export function readImmutableTags(value: string): ImmutableRule {
  const trimmed = value.trim();
  if (trimmed === '') return { kind: 'version' };
  if (trimmed === 'none') return { kind: 'none' };
  const patterns = trimmed
    .split(/[\n,]/)
    .map(p => p.trim())
    .filter(Boolean);
  for (const p of patterns) {
    if (!PATTERN.test(p)) {
      throw new InputError(
        `Input "immutable-tags" has "${p}", which is no tag name (letters, digits, "_", "." and "-", with "*" for any run of them), ` +
          'and is not "none" (empty: the tags of type=semver, type=pep440 and type=ref,event=tag)',
        ['immutable-tags']
      );
    }
  }
  return { kind: 'list', patterns };
}

function matches(pattern: string, tag: string): boolean {
  const source = pattern.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`).test(tag);
}

/** This run's immutable tag names, from meta's tag names and those its version rules made. */
export function immutableTagNames(rule: ImmutableRule, tagNames: string[], versionTags: string[]): string[] {
  if (rule.kind === 'none') return [];
  if (rule.kind === 'version') return tagNames.filter(t => versionTags.includes(t));
  return tagNames.filter(t => rule.patterns.some(p => matches(p, t)));
}

/** What one registry answered for one immutable tag. */
export interface TagLookup {
  /** The image (`registry/repository`). */
  image: string;
  tag: string;
  /** Where the tag points now; undefined when the tag is not there. */
  digest?: string;
  /** The `org.opencontainers.image.revision` of the image it points to ('' when it carries none). */
  revision?: string;
}

export type Guard =
  /** No immutable tag exists anywhere: push as usual. */
  | { kind: 'clear' }
  /** Some exist, all at the same image of this run: leave them, complete the rest from `digest`. */
  | { kind: 'rerun'; digest: string; image: string; existing: TagLookup[] };

export class TagMoveRefused extends Error {
  override name = 'TagMoveRefused';
}

const FOOTER =
  'nothing was pushed to any registry. A version tag names one release and never moves: release a new version, ' +
  'or delete the tag in the registry first (immutable-tags: none turns the check off)';

/**
 * The decision for this run. `digest` is the image being published when it is known (promote);
 * without it (build, merge), an existing tag is this run's only when its image carries `sha`.
 */
export function guardTags(lookups: TagLookup[], opts: { digest?: string; sha: string }): Guard {
  const existing = lookups.filter(l => l.digest);
  if (existing.length === 0) return { kind: 'clear' };
  if (opts.digest) {
    const moved = existing.find(l => l.digest !== opts.digest);
    if (moved) {
      throw new TagMoveRefused(
        `The version tag ${moved.tag} exists in ${moved.image} at ${moved.digest}, and this run would point it at ${opts.digest}: ${FOOTER}`
      );
    }
    return { kind: 'rerun', digest: opts.digest, image: existing[0].image, existing };
  }
  // Without this run's commit (a run outside a workflow), no existing image can be shown to be its own.
  const other = existing.find(l => !opts.sha || l.revision !== opts.sha);
  if (other) {
    const carries = other.revision
      ? `an image of commit ${other.revision}`
      : 'an image that names no commit (no org.opencontainers.image.revision)';
    const builds = opts.sha
      ? `this run builds commit ${opts.sha}`
      : 'this run knows no commit (GITHUB_SHA is empty)';
    throw new TagMoveRefused(
      `The version tag ${other.tag} exists in ${other.image} at ${other.digest}, ${carries}, and ${builds}: ${FOOTER}`
    );
  }
  const digests = [...new Set(existing.map(l => l.digest!))];
  if (digests.length > 1) {
    const where = existing.map(l => `${l.image}:${l.tag} at ${l.digest}`).join(', ');
    throw new TagMoveRefused(
      `The version tags of this commit point to different images (${where}): one release has one digest; ${FOOTER}`
    );
  }
  return { kind: 'rerun', digest: digests[0], image: existing[0].image, existing };
}
