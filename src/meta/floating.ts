/**
 * Floating tags (`latest`, `{{major}}`, `{{major}}.{{minor}}`) with `floating-tags: highest`: a
 * floating tag is left where it is when the repository already has a higher final release that the
 * same tag covers, so that a backport never moves `latest` or `1` to an older release.
 */
import type { FloatingTag, Release, Scope, Version } from './tags/types.js';

export type FloatingMode = 'highest' | 'always';
export const FLOATING_MODES: readonly FloatingMode[] = ['highest', 'always'];

/** Negative when `a` is the lower release, 0 when they are the same, positive when `a` is higher. */
function compareReleases(a: Release, b: Release): number {
  for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
    const diff = (a.order[i] ?? 0) - (b.order[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** A floating tag left on a higher release. */
export interface HeldTag {
  tag: string;
  /** The release that keeps it: the highest one the tag covers. */
  heldBy: string;
  /** The event's release, which does not get it. */
  release: string;
}

function covers(scope: Scope, event: Release, other: Release): boolean {
  if (scope === 'latest') return true;
  if (other.major !== event.major) return false;
  return scope === 'major' || other.minor === event.minor;
}

/** The highest release among the tags that `floating` covers and that is higher than its own release. */
function higherRelease(floating: FloatingTag, gitTags: readonly string[]): Release | undefined {
  let highest: Release | undefined;
  for (const name of gitTags) {
    const other = floating.read(name);
    if (!other || !covers(floating.scope, floating.release, other)) continue;
    if (compareReleases(other, floating.release) <= 0) continue;
    if (!highest || compareReleases(other, highest) > 0) highest = other;
  }
  return highest;
}

/**
 * The version without the floating tags that a higher release holds (the first remaining tag
 * becomes the version), and those tags with the release that keeps each. `latestTag` is the name
 * `latest` takes (with the flavor's prefix/suffix).
 */
export function settleFloating(
  version: Version,
  gitTags: readonly string[],
  latestTag: string
): { version: Version; held: HeldTag[] } {
  const held: HeldTag[] = [];
  const keep = (tag: string, floating: FloatingTag | undefined): boolean => {
    const higher = floating && higherRelease(floating, gitTags);
    if (higher) held.push({ tag, heldBy: higher.text, release: floating.release.text });
    return !higher;
  };
  const values = [version.main, ...version.partial].filter((v): v is string => v !== undefined);
  const kept = values.filter(value => keep(value, version.floating.get(value)));
  const latest = version.latest && keep(latestTag, version.latestFloating);
  return {
    version: { ...version, main: kept[0], partial: kept.slice(1), latest },
    held
  };
}
