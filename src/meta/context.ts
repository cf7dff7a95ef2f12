/**
 * The run's context: the event (name, ref, SHA, payload) from the runner's environment or from the
 * local git checkout, the repository's data from the repos API (or, when that fails, from the event
 * payload, with a warning), the commit date when an input asks for it, and the clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../common/runner.js';
import type { Payload } from './expressions.js';
import { gitCommitDate, gitContext } from './git-context.js';
import { loadGitTags, wantsGitTags } from './git-tags.js';
import { fetchCommitDate, fetchRepo, repoInfo, repoUrl, type ApiTarget } from './github-api.js';
import type { MetaInputs } from './inputs.js';
import type { RepoInfo } from './labels.js';
import { errorMessage } from '../common/errors.js';

export interface MetaContext {
  eventName: string;
  ref: string;
  sha: string;
  payload: Payload;
  repo: RepoInfo;
  /** The run's clock: {{date}} and, without SOURCE_DATE_EPOCH, the created label. */
  now: Date;
  created: Date;
  commitDate: Date;
  /** The repository's Git tag names, read for floating-tags: highest (undefined: not read). */
  gitTags?: string[];
  /** Problems met while loading that did not stop the step. */
  warnings: string[];
}

/** The event payload; a GITHUB_EVENT_PATH that names no file is warned about (labels may come out empty). */
function readPayload(env: NodeJS.ProcessEnv, warnings: string[] = []): Payload {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  if (!existsSync(path)) {
    warnings.push(`GITHUB_EVENT_PATH ${path} does not exist: the event payload is empty`);
    return {};
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Payload;
  } catch (err) {
    throw new InputError(`GITHUB_EVENT_PATH ${path} is not valid JSON: ${errorMessage(err)}`, []);
  }
}

const obj = (v: unknown): Payload | undefined =>
  v !== null && typeof v === 'object' ? (v as Payload) : undefined;

function ownerRepo(env: NodeJS.ProcessEnv, payload: Payload): { owner: string; repo: string } | undefined {
  if (env.GITHUB_REPOSITORY) {
    const [owner, repo] = env.GITHUB_REPOSITORY.split('/');
    return { owner, repo };
  }
  const repository = obj(payload.repository);
  const login = obj(repository?.owner)?.login;
  return repository && typeof login === 'string'
    ? { owner: login, repo: String(repository.name) }
    : undefined;
}

/** Repository data from the event payload, or from GITHUB_REPOSITORY when the payload has none. */
export function payloadRepo(payload: Payload, env: NodeJS.ProcessEnv): RepoInfo {
  const repository = obj(payload.repository);
  if (repository) return repoInfo(repository);
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return {
    name: repo,
    description: '',
    htmlUrl: owner && repo ? `${server}/${owner}/${repo}` : '',
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

async function loadRepo(
  target: ApiTarget | undefined,
  payload: Payload,
  env: NodeJS.ProcessEnv,
  warnings: string[]
) {
  if (!target) {
    warnings.push(`GITHUB_REPOSITORY is not set: using the event payload's repository for labels`);
    return payloadRepo(payload, env);
  }
  try {
    return await fetchRepo(target);
  } catch (err) {
    const reason = errorMessage(err);
    warnings.push(`Cannot read ${repoUrl(target)}: ${reason}; using the event payload's repository instead`);
    return payloadRepo(payload, env);
  }
}

async function loadCommitDate(
  inputs: MetaInputs,
  sha: string,
  payload: Payload,
  target: ApiTarget | undefined,
  now: Date
) {
  if (!inputs.needsCommitDate) return now;
  if (inputs.context === 'git') return gitCommitDate(sha);
  const listed = payloadCommitDate(payload, sha);
  if (listed) return listed;
  if (!target) return now;
  return fetchCommitDate(target, sha).catch(() => now);
}

export async function loadContext(
  inputs: MetaInputs,
  env: NodeJS.ProcessEnv = process.env
): Promise<MetaContext> {
  const warnings: string[] = [];
  const payload = readPayload(env, warnings);
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let ref = env.GITHUB_REF ?? '';
  let sha = env.GITHUB_SHA ?? '';
  if (inputs.context === 'git') {
    ({ ref, sha } = await gitContext());
  } else {
    if (/pull_request_target/.test(eventName)) ref = `refs/pull/${String(payload.number)}/merge`;
    const headSha = obj(obj(payload.pull_request)?.head)?.sha;
    if (inputs.settings.prHeadSha && /pull_request/.test(eventName) && headSha != undefined)
      sha = String(headSha);
  }
  const names = ownerRepo(env, payload);
  const baseUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const target = names ? { baseUrl, ...names, token: inputs.githubToken } : undefined;
  const now = new Date();
  const [repo, commitDate, tags] = await Promise.all([
    loadRepo(target, payload, env, warnings),
    loadCommitDate(inputs, sha, payload, target, now),
    wantsGitTags(inputs, ref) ? loadGitTags(target) : undefined
  ]);
  if (tags && 'warning' in tags) warnings.push(tags.warning);
  const gitTags = tags && 'names' in tags ? tags.names : undefined;
  const created = inputs.settings.sourceDate ?? now;
  return { eventName, ref, sha, payload, repo, now, created, commitDate, gitTags, warnings };
}
