/**
 * The prune's I/O: for each package, list its versions, read the registry, plan (pure), then delete
 * in order within pacing and budget, verify every kept tag, and restore what was deleted if one broke.
 */
import { errorMessage } from '../common/errors.js';
import { createGitHub, type ApiStats, type GitHub } from '../common/github.js';
import { RegistryClient } from '../common/registry/client.js';
import { dockerConfigCredentials } from '../common/registry/credentials.js';
import { info, notice, warning } from '../common/runner.js';
import { sleep } from '../common/sleep.js';
import type { PrunePlanDecision } from './decide.js';
import type { ExecContext } from './executor.js';
import { INTERVAL_MS, Pacer, unpaced } from './pacer.js';
import { PackagesApi, type OwnerScope } from './packages-api.js';
import { addOutcome, addPlanned, emptyResult, type PackageReport, type PruneResult } from './result.js';
import { applyPlan, planOne, type Planned } from './run-package.js';

export interface PruneDeps {
  github?: { octokit: GitHub; stats: ApiStats };
  registry?: RegistryClient;
  /** First backoff after an API server error, ms (default 1000). */
  retryDelayMs?: number;
  /** false turns off the pacing of deletions (benchmarks). */
  pacing?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Where the Docker config is (DOCKER_CONFIG, HOME). */
  env?: NodeJS.ProcessEnv;
  log?: { info: (m: string) => void; warn: (m: string) => void; notice: (m: string) => void };
}

/** The clients of one run and what they share: the API, the registry, the pacing of writes, the clock. */
interface Session {
  github: { octokit: GitHub; stats: ApiStats };
  registry: RegistryClient;
  pacer: Pacer;
  api: PackagesApi;
  log: NonNullable<PruneDeps['log']>;
  now: () => number;
  wait: (ms: number) => Promise<void>;
}

function connect(d: PrunePlanDecision, deps: PruneDeps): Session {
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const log = deps.log ?? { info, warn: warning, notice };
  const github =
    deps.github ??
    createGitHub({
      token: d.token,
      baseUrl: d.apiUrl,
      spaceWrites: false,
      // limit answers are waited out by the pacer, which also slows down after one
      secondaryRetries: 0,
      warn: m => (/^GitHub API (secondary )?rate limit/.test(m) ? undefined : log.warn(m))
    });
  const registry =
    deps.registry ??
    new RegistryClient({
      registry: d.registry,
      credentials:
        d.registryLogin === 'token'
          ? { username: d.registryUser, password: d.token }
          : dockerConfigCredentials(d.registry, deps.env ?? process.env)
    });
  const pacer = deps.pacing === false ? unpaced({ now, sleep: wait }) : new Pacer({ now, sleep: wait });
  const onLimit = async (ms: number, what: string) => {
    log.warn(
      `${what}: rate-limited by GitHub; waiting ${Math.ceil(ms / 1000)} s as told, ` +
        `then writing at half the pace (${Math.max(pacer.intervalMs * 2, INTERVAL_MS)} ms apart)`
    );
    await pacer.limited(ms);
  };
  const api = new PackagesApi(github.octokit, { onLimit, now, sleep: wait, retryDelayMs: deps.retryDelayMs });
  return { github, registry, pacer, api, log, now, wait };
}

type Plans = { report: PackageReport; planned: Planned }[];

/** Every package is planned before anything is deleted: one that cannot be read fails the run. */
async function planAll(
  d: PrunePlanDecision,
  s: Session,
  scope: OwnerScope,
  result: PruneResult
): Promise<Plans> {
  const plans: Plans = [];
  for (const { name, repository } of d.packages) {
    const t0 = s.now();
    const planned = await planOne(s.api, scope, s.registry, name, repository, d.policy, s.now);
    const { plan } = planned;
    result.timings.planMs += s.now() - t0;
    const report: PackageReport = { name, repository, plan, issues: [], restored: 0 };
    result.packages.push(report);
    plans.push({ report, planned });
    const tags = plan.tagRemovals.reduce((n, r) => n + r.tags.length, 0);
    s.log.info(
      `${name}: ${planned.versions.length} versions, ${planned.reads} manifests read; plan: delete ` +
        `${plan.deletions.length}, keep ${plan.kept.length}, remove ${tags} tags (${s.now() - t0} ms)`
    );
  }
  return plans;
}

/** Carries the plans out, package by package, within one max-deletions; stops at the first failure. */
async function applyAll(
  d: PrunePlanDecision,
  s: Session,
  scope: OwnerScope,
  plans: Plans,
  result: PruneResult
): Promise<void> {
  const allowance = { left: d.maxDeletions };
  for (const { report, planned } of plans) {
    const { name, repository, plan } = report;
    if (d.dryRun) {
      addPlanned(result, name, plan, allowance);
      continue;
    }
    const t1 = s.now();
    const ctx: ExecContext = {
      api: s.api,
      scope,
      pkg: name,
      repository,
      registry: s.registry,
      pacer: s.pacer,
      rate: s.github.stats.rate,
      allowance,
      warn: s.log.warn,
      sleep: s.wait,
      now: s.now
    };
    const applied = await applyPlan(planned, ctx);
    Object.assign(report, { outcome: applied.outcome, issues: applied.issues, restored: applied.restored });
    result.timings.deleteMs += s.now() - t1 - applied.verifyMs;
    result.timings.verifyMs += applied.verifyMs;
    addOutcome(result, name, plan, applied.outcome);
    const stop = applied.outcome.stop;
    if (stop?.kind === 'budget' || stop?.kind === 'max-deletions') {
      const left = applied.outcome.backlog.length;
      s.log.notice(`${name}: stopped (${stop.message}); ${left} deletions left for the next run`);
    }
    if (applied.failure) {
      result.failure = applied.failure;
      return;
    }
  }
}

/** The packages' plans that fail closed, as the run's failure; undefined when none does. */
function blockedFailure(plans: Plans): string | undefined {
  const blocked = plans.filter(p => p.report.plan.blocked);
  if (!blocked.length) return undefined;
  const why = blocked.map(p => `${p.report.name}: ${p.report.plan.blocked}`).join('; ');
  return why + (plans.length > 1 ? '; no package was pruned' : '');
}

export async function runPrune(d: PrunePlanDecision, deps: PruneDeps = {}): Promise<PruneResult> {
  const result = emptyResult(d.dryRun);
  if (d.skip) return result;
  const s = connect(d, deps);
  const started = s.now();
  const scope = await s.api.ownerScope(d.owner).catch(err => {
    throw new Error(`Looking up the owner "${d.owner}" failed: ${errorMessage(err)}`);
  });
  const plans = await planAll(d, s, scope, result);
  const blocked = blockedFailure(plans);
  if (blocked) {
    result.failure = blocked;
    for (const { report } of plans) result.keptCount += report.plan.kept.length;
  } else await applyAll(d, s, scope, plans, result);
  result.apiRequests = s.github.stats.requests;
  result.registryRequests = s.registry.requests;
  result.pace = s.pacer.report();
  result.timings.totalMs = s.now() - started;
  return result;
}
