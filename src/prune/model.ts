/** The planner's vocabulary: package versions, what their manifests refer to, the policy, the plan. */
import type { TagPattern } from './patterns.js';

/** A container package version as the Packages API lists it: its name is the manifest digest. */
export interface PackageVersion {
  id: number;
  digest: string;
  tags: string[];
  /** Epoch milliseconds of `created_at`. */
  created: number;
}

/** What reading a manifest from the registry gave. */
export type ManifestRead =
  | {
      status: 'ok';
      kind: 'index' | 'image';
      children: string[];
      /** The children whose descriptor says index (they can reach further); unset: any may. */
      indexChildren?: string[];
      subject?: string;
    }
  /** The registry does not know the digest (a stale package list). */
  | { status: 'gone' }
  | { status: 'error'; error: string };

/** Whether a digest outside the package list exists in the registry. */
export type Presence = 'present' | 'absent' | 'unknown';

export interface Policy {
  keepNTagged?: number;
  keepNUntagged?: number;
  olderThanMs?: number;
  /** As written, for messages (`30d`). */
  olderThan?: string;
  keepTags: TagPattern[];
  deleteTags: TagPattern[];
  deleteUntagged: boolean;
}

export interface PlanInput {
  versions: readonly PackageVersion[];
  /** By digest: every version's manifest, the manifests the registry's tags point to, and their children. */
  manifests: ReadonlyMap<string, ManifestRead>;
  /** Tag -> digest as the registry resolves every tag now. */
  registryTags: ReadonlyMap<string, string>;
  /** Subjects (of referrers and `sha256-<hex>.*` tags) that are not in the package list. */
  outside: ReadonlyMap<string, Presence>;
  /** Registry reads that failed other than for a manifest; any of them makes the plan fail closed. */
  failures?: readonly string[];
  policy: Policy;
  /** Epoch milliseconds. */
  now: number;
  /**
   * Read only what changes the decision: the manifests of kept versions and of what they reach that
   * can reach further. Otherwise every version's manifest (and their children) is read.
   */
  lazy?: boolean;
}

/**
 * One package version and why: what the plan deletes or keeps, the tags it moves off an image, what
 * a run deleted. Every list of versions in a plan, a result and a summary is made of these.
 */
export interface VersionRecord {
  id: number;
  digest: string;
  /** The version's tags (for a tag removal: the tags moved off the image, which keeps its others). */
  tags: string[];
  reason: string;
}

/** The record of a version, with its own copy of the tags. */
export function versionRecord(v: Omit<VersionRecord, 'reason'>, reason: string): VersionRecord {
  return { id: v.id, digest: v.digest, tags: [...v.tags], reason };
}

export interface PlannedDeletion extends VersionRecord {
  /** Digests of planned deletions that refer to this one and so must be gone first. */
  after: string[];
}

export interface PackagePlan {
  /** Parents before children, referrers before subjects; oldest first otherwise. */
  deletions: PlannedDeletion[];
  kept: VersionRecord[];
  /** Tags to move off images that are kept. */
  tagRemovals: VersionRecord[];
  /** Versions whose manifest the registry no longer has: neither deleted nor counted as kept. */
  gone: PackageVersion[];
  /** Set when the plan fails closed: nothing is deleted and this says why. */
  blocked?: string;
  /** Manifests to read before the plan is final; when set, the rest of the plan is empty. */
  needs?: string[];
}
