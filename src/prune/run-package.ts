/**
 * One package's run: plan it (list, read the registry, plan), then carry the plan out (delete,
 * verify every kept tag, restore if one broke).
 */
import type { RegistryClient } from '../common/registry/client.js';
import { executePlan, restoreDeleted, type ExecContext, type PackageOutcome } from './executor.js';
import { planWithReads, RegistryReader, type Planned } from './load.js';
import type { Policy } from './model.js';
import type { OwnerScope, PackagesApi } from './packages-api.js';
import { verifyTags, type VerifyIssue } from './verify.js';
import { errorMessage } from '../common/errors.js';

export type { Planned } from './load.js';

/**
 * Only what changes the decision is read, unless the policy needs every untagged image told apart
 * from the parts of other images: keep-n-untagged counts untagged images of their own, and with
 * delete-untagged false a deleted index takes its children, which are otherwise kept.
 */
function readsLazily(policy: Policy): boolean {
  return policy.keepNUntagged === undefined && policy.deleteUntagged;
}

/** Lists the versions (the registry's tag list is read meanwhile), reads what the plan needs, plans. */
export async function planOne(
  api: PackagesApi,
  scope: OwnerScope,
  registry: RegistryClient,
  name: string,
  repository: string,
  policy: Policy,
  now: () => number
): Promise<Planned> {
  const reader = new RegistryReader(registry, repository);
  reader.start();
  const versions = await api.listVersions(scope, name).catch(err => {
    throw new Error(`${name}: listing the package's versions failed: ${errorMessage(err)}`);
  });
  return planWithReads(reader, registry, repository, {
    versions,
    policy,
    now: now(),
    lazy: readsLazily(policy)
  });
}

export interface Applied {
  outcome: PackageOutcome;
  issues: VerifyIssue[];
  restored: number;
  failure?: string;
  /** Time spent verifying (and restoring). */
  verifyMs: number;
}

/** Deletes, then checks every tag that should still resolve; restores the deletions if one does not. */
export async function applyPlan(planned: Planned, ctx: ExecContext): Promise<Applied> {
  const outcome = await executePlan(planned.plan, ctx);
  const applied: Applied = { outcome, issues: [], restored: 0, verifyMs: 0 };
  const started = ctx.now();
  if (outcome.deleted.length || outcome.placeholder) {
    const removed = new Set(outcome.tagsRemoved.flatMap(r => r.tags));
    const gone = new Set(outcome.deleted.map(d => d.digest));
    const expected = [...planned.registryTags]
      .filter(([tag, digest]) => !removed.has(tag) && !gone.has(digest))
      .map(([tag]) => tag);
    applied.issues = await verifyTags(ctx.registry, ctx.repository, expected);
    if (applied.issues.length) {
      const broken = applied.issues.map(i => `${i.tag}: ${i.problem}`).join('; ');
      const errors = await restoreDeleted(outcome.deleted, ctx);
      applied.restored = outcome.deleted.filter(d => d.outcome === 'deleted').length - errors.length;
      const after = await verifyTags(ctx.registry, ctx.repository, expected);
      applied.failure =
        `${ctx.pkg}: kept tags broke after deleting (${broken}); restored ${applied.restored} versions` +
        (errors.length ? `, restore failed for ${errors.join('; ')}` : '') +
        (after.length
          ? `; still broken: ${after.map(i => i.tag).join(', ')}`
          : '; every kept tag resolves again');
    }
  }
  applied.verifyMs = ctx.now() - started;
  if (!applied.failure && outcome.stop?.kind === 'error') {
    applied.failure = `${ctx.pkg}: ${outcome.stop.message}; ${outcome.backlog.length} deletions left undone`;
  }
  return applied;
}
