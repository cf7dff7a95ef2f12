/**
 * The prune stage: for each package, list its versions, read the registry, plan (pure), delete in
 * order within pacing and budget, verify every kept tag, and restore what was deleted if one broke.
 */
import { createGitHub, type ApiStats, type GitHub } from '../common/github.js';
import { RegistryClient } from '../common/registry/client.js';
import { appendSummary, info, notice, setOutput, warning } from '../common/runner.js';
import type { ExecContext } from './executor.js';
import type { PruneInputs } from './inputs.js';
import { PackagesApi } from './packages-api.js';
import { Pacer, unpaced } from './pacer.js';
import { addOutcome, addPlanned, emptyResult, type PackageReport, type PruneResult } from './result.js';
import { applyPlan, planOne } from './run-package.js';
import { renderSummary } from './summary.js';

export { readPruneInputs, type PruneInputs } from './inputs.js';
export type { DeletedEntry, PackageReport, PruneResult } from './result.js';

export interface PruneDeps {
  github?: { octokit: GitHub; stats: ApiStats };
  registry?: RegistryClient;
  /** false turns off the pacing of deletions (benchmarks). */
  pacing?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  env?: NodeJS.ProcessEnv;
  log?: { info: (m: string) => void; warn: (m: string) => void; notice: (m: string) => void };
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export async function runPrune(inputs: PruneInputs, deps: PruneDeps = {}): Promise<PruneResult> {
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? { info, warn: warning, notice };
  const started = now();
  const github =
    deps.github ??
    createGitHub({ token: inputs.token, baseUrl: env.GITHUB_API_URL, spaceWrites: false, warn: log.warn });
  const registry =
    deps.registry ??
    new RegistryClient({
      registry: inputs.registry,
      credentials: { username: env.GITHUB_ACTOR || 'github-actions', password: inputs.token }
    });
  const api = new PackagesApi(github.octokit);
  const pacer = deps.pacing === false ? unpaced() : new Pacer({ now });
  const allowance = { left: inputs.maxDeletions };
  const result = emptyResult(inputs.dryRun);

  const scope = await api.ownerScope(inputs.owner).catch(err => {
    throw new Error(`Looking up the owner "${inputs.owner}" failed: ${(err as Error).message}`);
  });
  for (const name of inputs.packages) {
    const repository = `${inputs.owner.toLowerCase()}/${name}`;
    const t0 = now();
    const planned = await planOne(api, scope, registry, name, repository, inputs.policy, now);
    const { plan } = planned;
    result.timings.planMs += now() - t0;
    const report: PackageReport = { name, repository, plan, issues: [], restored: 0 };
    result.packages.push(report);
    if (plan.blocked) log.warn(`${name}: ${plan.blocked}`);
    const tags = plan.tagRemovals.reduce((n, r) => n + r.tags.length, 0);
    log.info(
      `${name}: ${planned.versions.length} versions; plan: delete ${plan.deletions.length}, ` +
        `keep ${plan.kept.length}, remove ${tags} tags (${now() - t0} ms)`
    );
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
      sleep: deps.sleep ?? sleep,
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

  result.apiRequests = github.stats.requests;
  result.registryRequests = registry.requests;
  result.timings.totalMs = now() - started;
  return result;
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
    'removed-tags': JSON.stringify(result.removedTags)
  };
  for (const [name, value] of Object.entries(values)) {
    const key = `${opts.prefix ?? ''}${name}`;
    setOutput(key, value);
    if (opts.outputs) opts.outputs[key] = value;
  }
  if (opts.summary !== false) appendSummary(renderSummary(result));
}
