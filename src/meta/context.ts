/**
 * The context the meta stage computes from, metadata-action's model: the run context, with the
 * ref and commit the tags are made for (the event's, or the checkout's with context=git), the
 * repository's data from the repos API (or, when that fails, from the event payload, with a
 * warning), the commit date when an input asks for it, the Git tags for floating-tags, and the clock.
 */
import type { Payload, RunContext } from '../common/run-context.js';
import { errorMessage } from '../common/errors.js';
import { gitCommitDate, gitContext } from './git-context.js';
import { loadGitTags, wantsGitTags } from './git-tags.js';
import { fetchCommitDate, fetchRepo, repoInfo, repoUrl, type ApiTarget } from './github-api.js';
import type { MetaInputs } from './inputs.js';
import type { RepoInfo } from './labels.js';
import type { MetaPlan } from './plan.js';

export interface MetaContext extends RunContext {
  /** The repository's data for labels and type=edge. */
  repoInfo: RepoInfo;
  /** The run's clock: {{date}} and, without SOURCE_DATE_EPOCH, the created label. */
  now: Date;
  created: Date;
  commitDate: Date;
  /** The repository's Git tag names, read for floating-tags: highest (undefined: not read). */
  gitTags?: string[];
}

const obj = (v: unknown): Payload | undefined =>
  v !== null && typeof v === 'object' ? (v as Payload) : undefined;

/** Repository data from the event payload, or from the run's repository when the payload has none. */
export function payloadRepo(ctx: RunContext): RepoInfo {
  const repository = obj(ctx.payload.repository);
  if (repository) return repoInfo(repository);
  return {
    name: ctx.repo,
    description: '',
    htmlUrl: ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : '',
    license: ''
  };
}

/** The commit's date from the push payload, when it lists that commit. */
export function payloadCommitDate(payload: Payload, sha: string): Date | undefined {
  const commits = Array.isArray(payload.commits) ? (payload.commits as Payload[]) : [];
  const listed = commits.find(c => c?.id === sha)?.timestamp;
  if (listed) return new Date(String(listed));
  const head = obj(payload.head_commit);
  if (head && head.id === sha) return new Date(String(head.timestamp));
  return undefined;
}

async function loadRepo(api: ApiTarget | undefined, ctx: RunContext, warnings: string[]) {
  if (!api) {
    warnings.push(`GITHUB_REPOSITORY is not set: using the event payload's repository for labels`);
    return payloadRepo(ctx);
  }
  try {
    return await fetchRepo(api);
  } catch (err) {
    const reason = errorMessage(err);
    warnings.push(`Cannot read ${repoUrl(api)}: ${reason}; using the event payload's repository instead`);
    return payloadRepo(ctx);
  }
}

async function loadCommitDate(
  inputs: MetaInputs,
  sha: string,
  payload: Payload,
  api: ApiTarget | undefined,
  now: Date
) {
  if (!inputs.needsCommitDate) return now;
  if (inputs.context === 'git') return gitCommitDate(sha);
  const listed = payloadCommitDate(payload, sha);
  if (listed) return listed;
  if (!api) return now;
  return fetchCommitDate(api, sha).catch(() => now);
}

/** Reads what the plan names: the checkout (context=git), then the repository, commit date and Git tags at once. */
export async function loadContext({ inputs, ctx, event, api }: MetaPlan): Promise<MetaContext> {
  const warnings: string[] = [...ctx.warnings];
  const { ref, sha } = event ?? (await gitContext());
  const now = new Date();
  const [repoData, commitDate, tags] = await Promise.all([
    loadRepo(api, ctx, warnings),
    loadCommitDate(inputs, sha, ctx.payload, api, now),
    wantsGitTags(inputs, ref) ? loadGitTags(api) : undefined
  ]);
  if (tags && 'warning' in tags) warnings.push(tags.warning);
  const gitTags = tags && 'names' in tags ? tags.names : undefined;
  const created = inputs.settings.sourceDate ?? now;
  return { ...ctx, ref, sha, repoInfo: repoData, now, created, commitDate, gitTags, warnings };
}
