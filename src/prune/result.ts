/** What a prune run did, per package and in total: the stage's typed result. */
import type { PackageOutcome } from './executor.js';
import type { PackagePlan, VersionRecord } from './model.js';
import type { PaceReport } from './pacer.js';
import type { VerifyIssue } from './verify.js';

export interface PackageReport {
  name: string;
  repository: string;
  plan: PackagePlan;
  outcome?: PackageOutcome;
  issues: VerifyIssue[];
  restored: number;
}

/** A deleted version (in a dry run: one a real run would delete) and its package, as the output lists it. */
export interface DeletedEntry extends VersionRecord {
  package: string;
}

export interface PruneResult {
  dryRun: boolean;
  packages: PackageReport[];
  /** Deleted versions (in a dry run: the ones a real run would delete). */
  deleted: DeletedEntry[];
  removedTags: { package: string; tag: string; digest: string }[];
  keptCount: number;
  /** Planned deletions left for the next run. */
  backlog: number;
  apiRequests: number;
  registryRequests: number;
  /** How the writes were paced: the spacing at the end, the time spent spacing and after limit answers. */
  pace: PaceReport;
  timings: { planMs: number; deleteMs: number; verifyMs: number; totalMs: number };
  /** Set when the run must fail (a deletion failed, or a kept tag broke). */
  failure?: string;
}

export function emptyResult(dryRun: boolean): PruneResult {
  return {
    dryRun,
    packages: [],
    deleted: [],
    removedTags: [],
    keptCount: 0,
    backlog: 0,
    apiRequests: 0,
    registryRequests: 0,
    pace: { intervalMs: 0, writes: 0, spacingMs: 0, limitAnswers: 0, limitWaitMs: 0 },
    timings: { planMs: 0, deleteMs: 0, verifyMs: 0, totalMs: 0 }
  };
}

function entry(pkg: string, d: VersionRecord): DeletedEntry {
  return { package: pkg, id: d.id, digest: d.digest, tags: d.tags, reason: d.reason };
}

/** A dry run's share: what a real run would delete within the remaining max-deletions. */
export function addPlanned(
  result: PruneResult,
  pkg: string,
  plan: PackagePlan,
  allowance: { left: number }
): void {
  const take = plan.deletions.slice(0, allowance.left);
  allowance.left -= take.length;
  result.deleted.push(...take.map(d => entry(pkg, d)));
  result.backlog += plan.deletions.length - take.length;
  result.removedTags.push(
    ...plan.tagRemovals.flatMap(r => r.tags.map(tag => ({ package: pkg, tag, digest: r.digest })))
  );
  result.keptCount += plan.kept.length;
}

/** A real run's share: deletions (the tag placeholder last), removed tags, backlog, what stayed. */
export function addOutcome(
  result: PruneResult,
  pkg: string,
  plan: PackagePlan,
  outcome: PackageOutcome
): void {
  const deleted = [...outcome.deleted, ...(outcome.placeholder ? [outcome.placeholder] : [])];
  result.deleted.push(
    ...deleted.map(d =>
      entry(pkg, { ...d, reason: d.outcome === 'gone' ? `${d.reason} (already gone)` : d.reason })
    )
  );
  result.removedTags.push(
    ...outcome.tagsRemoved.flatMap(r => r.tags.map(tag => ({ package: pkg, tag, digest: r.digest })))
  );
  result.backlog += outcome.backlog.length;
  result.keptCount += plan.kept.length + outcome.skipped.length;
}
