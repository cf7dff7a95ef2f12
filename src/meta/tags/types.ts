/**
 * The types the tag rules, the version and floating-tags share: what a rule is given, what it
 * yields, the releases semver and pep440 rules read, and the version they make together. Types
 * only, so that the modules that use them never import one another for a type.
 */
import type { RunContext } from '../../common/run-context.js';
import type { Flavor } from '../flavor.js';
import type { Templates } from '../templates.js';
import type { TagEntry } from './parse.js';

/** What a tag type needs to compute its value. */
export interface TagEnv extends Pick<RunContext, 'eventName' | 'ref' | 'sha'> {
  /** The repository's default branch (from the repos API), for type=edge. */
  defaultBranch: string | undefined;
  flavor: Flavor;
  templates: Templates;
  now: Date;
  commitDate: Date;
  shortShaLength?: string;
  warn(message: string): void;
}

/** A final release as a semver or pep440 rule reads it. */
export interface Release {
  /** The normalized version, as {{version}} renders it. */
  text: string;
  major: number;
  minor: number;
  /** Numbers compared in order, missing ones as 0: [major, minor, patch]; for PEP 440 [epoch, ...release]. */
  order: readonly number[];
}

/** How a rule reads a Git tag's name: its final release, or undefined (not a version, a pre-release). */
export type ReleaseReader = (tagName: string) => Release | undefined;

/** What a floating tag covers: every release, the releases of one major, or of one major.minor. */
export type Scope = 'latest' | 'major' | 'minor';

/** What a rule's candidate tells the floating-tags decision. */
export interface RuleRelease {
  /** The event's release under the rule. */
  release: Release;
  read: ReleaseReader;
  /** Set when the tag floats: it keeps only the major, or the major and the minor. */
  scope?: 'major' | 'minor';
}

/**
 * A value a tag entry yields, whether it asks for `latest` when flavor latest=auto, and for semver
 * and pep440 rules on a final release, that release (for floating-tags).
 */
export interface Candidate {
  value: string;
  autoLatest: boolean;
  release?: RuleRelease;
}

export type TagProcessor = (tag: TagEntry, env: TagEnv) => Candidate | undefined;

/** A tag the version holds because a semver/pep440 rule made it float over releases. */
export interface FloatingTag {
  scope: Scope;
  /** The event's release under the rule. */
  release: Release;
  read: ReleaseReader;
}

/** The version the tag rules make together. */
export interface Version {
  main: string | undefined;
  partial: string[];
  latest: boolean;
  /** The values that only floating semver/pep440 patterns made ({{major}}, {{major}}.{{minor}}). */
  floating: ReadonlyMap<string, FloatingTag>;
  /** Set when `latest` comes from flavor latest=auto on a release (a semver/pep440 rule's, or the pushed tag's). */
  latestFloating?: FloatingTag;
  /**
   * The values a version rule made: type=semver and type=pep440 patterns that do not float, and
   * type=ref,event=tag. These name one release each, so they are never moved (`immutable-tags`).
   */
  releases?: ReadonlySet<string>;
}
