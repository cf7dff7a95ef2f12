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

export interface PlannedDeletion {
  id: number;
  digest: string;
  tags: string[];
  reason: string;
  /** Digests of planned deletions that refer to this one and so must be gone first. */
  after: string[];
}

export interface KeptVersion {
  id: number;
  digest: string;
  tags: string[];
  reason: string;
}

export interface TagRemoval {
  id: number;
  digest: string;
  /** Tags to move off the image (it keeps its other tags). */
  tags: string[];
  reason: string;
}

export interface PackagePlan {
  /** Parents before children, referrers before subjects; oldest first otherwise. */
  deletions: PlannedDeletion[];
  kept: KeptVersion[];
  tagRemovals: TagRemoval[];
  /** Versions whose manifest the registry no longer has: neither deleted nor counted as kept. */
  gone: PackageVersion[];
  /** Set when the plan fails closed: nothing is deleted and this says why. */
  blocked?: string;
  /** Manifests to read before the plan is final; when set, the rest of the plan is empty. */
  needs?: string[];
}
