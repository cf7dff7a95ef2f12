/**
 * The prune stage: for each package, list its versions, read the registry, plan (pure), delete in
 * order within pacing and budget, verify every kept tag, and restore what was deleted if one broke.
 */
import { createGitHub, type ApiStats, type GitHub } from '../common/github.js';
import { RegistryClient } from '../common/registry/client.js';
import { dockerConfigCredentials } from '../common/registry/credentials.js';
import { appendSummary, info, notice, setOutput, warning } from '../common/runner.js';
import type { ExecContext } from './executor.js';
import type { PruneInputs } from './inputs.js';
import { PackagesApi } from './packages-api.js';
import { INTERVAL_MS, Pacer, unpaced } from './pacer.js';
import { addOutcome, addPlanned, emptyResult, type PackageReport, type PruneResult } from './result.js';
import { applyPlan, planOne, type Planned } from './run-package.js';
import { renderSummary } from './summary.js';
import { errorMessage } from '../common/errors.js';
import { sleep } from '../common/sleep.js';

export { readPruneInputs, type PruneInputs } from './inputs.js';
export type { DeletedEntry, PackageReport, PruneResult } from './result.js';

export interface PruneDeps {
  github?: { octokit: GitHub; stats: ApiStats };
  registry?: RegistryClient;
  /** First backoff after an API server error, ms (default 1000). */
  retryDelayMs?: number;
  /** false turns off the pacing of deletions (benchmarks). */
  pacing?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  env?: NodeJS.ProcessEnv;
  log?: { info: (m: string) => void; warn: (m: string) => void; notice: (m: string) => void };
}

export async function runPrune(inputs: PruneInputs, deps: PruneDeps = {}): Promise<PruneResult> {
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const log = deps.log ?? { info, warn: warning, notice };
  const started = now();
  const github =
    deps.github ??
    createGitHub({
      token: inputs.token,
      baseUrl: env.GITHUB_API_URL,
      spaceWrites: false,
      // limit answers are waited out by the pacer, which also slows down after one
      secondaryRetries: 0,
      warn: m => (/^GitHub API (secondary )?rate limit/.test(m) ? undefined : log.warn(m))
    });
  const registry =
    deps.registry ??
    new RegistryClient({
      registry: inputs.registry,
      credentials:
        inputs.registryLogin === 'token'
          ? { username: env.GITHUB_ACTOR || 'github-actions', password: inputs.token }
          : dockerConfigCredentials(inputs.registry, env)
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
  const allowance = { left: inputs.maxDeletions };
  const result = emptyResult(inputs.dryRun);
  const finish = () => {
    result.apiRequests = github.stats.requests;
    result.registryRequests = registry.requests;
    result.pace = pacer.report();
    result.timings.totalMs = now() - started;
    return result;
  };

  const scope = await api.ownerScope(inputs.owner).catch(err => {
    throw new Error(`Looking up the owner "${inputs.owner}" failed: ${errorMessage(err)}`);
  });
  // Every package is planned before anything is deleted: one that cannot be read fails the run.
  const plans: { report: PackageReport; planned: Planned }[] = [];
  for (const name of inputs.packages) {
    const repository = `${inputs.owner.toLowerCase()}/${name}`;
    const t0 = now();
    const planned = await planOne(api, scope, registry, name, repository, inputs.policy, now);
    const { plan } = planned;
    result.timings.planMs += now() - t0;
    const report: PackageReport = { name, repository, plan, issues: [], restored: 0 };
    result.packages.push(report);
    plans.push({ report, planned });
    const tags = plan.tagRemovals.reduce((n, r) => n + r.tags.length, 0);
    log.info(
      `${name}: ${planned.versions.length} versions, ${planned.reads} manifests read; plan: delete ` +
        `${plan.deletions.length}, keep ${plan.kept.length}, remove ${tags} tags (${now() - t0} ms)`
    );
  }
  const blocked = plans.filter(p => p.report.plan.blocked);
  if (blocked.length) {
    result.failure =
      blocked.map(p => `${p.report.name}: ${p.report.plan.blocked}`).join('; ') +
      (inputs.packages.length > 1 ? '; no package was pruned' : '');
    for (const { report } of plans) result.keptCount += report.plan.kept.length;
    return finish();
  }

  for (const { report, planned } of plans) {
    const { name, repository, plan } = report;
    if (inputs.dryRun) {
      addPlanned(result, name, plan, allowance);
      continue;
    }
    const t1 = now();
    const ctx: ExecContext = {
      api,
      scope,
      pkg: name,
      repository,
      registry,
      pacer,
      rate: github.stats.rate,
      allowance,
      warn: log.warn,
      sleep: wait,
      now
    };
    const applied = await applyPlan(planned, ctx);
    Object.assign(report, { outcome: applied.outcome, issues: applied.issues, restored: applied.restored });
    result.timings.deleteMs += now() - t1 - applied.verifyMs;
    result.timings.verifyMs += applied.verifyMs;
    addOutcome(result, name, plan, applied.outcome);
    const stop = applied.outcome.stop;
    if (stop?.kind === 'budget' || stop?.kind === 'max-deletions') {
      const left = applied.outcome.backlog.length;
      log.notice(`${name}: stopped (${stop.message}); ${left} deletions left for the next run`);
    }
    if (applied.failure) {
      result.failure = applied.failure;
      break;
    }
  }
  return finish();
}

export interface WriteOptions {
  /** Append the job summary (default true). */
  summary?: boolean;
  /** Prefix of the output names (the root action uses `prune-`). */
  prefix?: string;
  /** Receives every output written, by its (prefixed) name. */
  outputs?: Record<string, string>;
}

export function writePruneOutputs(result: PruneResult, opts: WriteOptions = {}): void {
  const values: Record<string, string> = {
    'deleted-count': String(result.deleted.length),
    deleted: JSON.stringify(result.deleted),
    'kept-count': String(result.keptCount),
    backlog: String(result.backlog),
    'removed-tags': JSON.stringify(result.removedTags),
    'api-requests': String(result.apiRequests),
    'registry-requests': String(result.registryRequests),
    pace: String(result.pace.intervalMs),
    'waited-ms': String(result.pace.spacingMs + result.pace.limitWaitMs)
  };
  for (const [name, value] of Object.entries(values)) {
    const key = `${opts.prefix ?? ''}${name}`;
    setOutput(key, value);
    if (opts.outputs) opts.outputs[key] = value;
  }
  if (opts.summary !== false) appendSummary(renderSummary(result));
}
