/** The two GitHub REST calls the stage makes: repository data and a commit's date. */
import { httpGet } from '../common/http-get.js';
import type { RepoInfo } from './labels.js';

export interface ApiTarget {
  /** GITHUB_API_URL without trailing slash. */
  baseUrl: string;
  owner: string;
  repo: string;
  token: string;
}

const TIMEOUT_MS = 10_000;

async function getJson(url: string, token: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'user-agent': 'push-to-image-meta',
    'x-github-api-version': '2022-11-28'
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await httpGet(url, headers, TIMEOUT_MS);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    // not JSON: the status says what went wrong
  }
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`HTTP ${res.status}${body.message ? ` (${String(body.message)})` : ''}`);
  }
  return body;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The fields of a repository object (API response or event payload) that labels and edge use. */
export function repoInfo(data: Record<string, unknown>): RepoInfo {
  const license = data.license as Record<string, unknown> | null | undefined;
  return {
    name: str(data.name),
    description: str(data.description),
    htmlUrl: str(data.html_url),
    license: str(license?.spdx_id),
    defaultBranch: typeof data.default_branch === 'string' ? data.default_branch : undefined
  };
}

export function repoUrl(t: ApiTarget): string {
  return `${t.baseUrl}/repos/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.repo)}`;
}

/** GET /repos/{owner}/{repo}. */
export async function fetchRepo(t: ApiTarget): Promise<RepoInfo> {
  return repoInfo(await getJson(repoUrl(t), t.token));
}

/** GET /repos/{owner}/{repo}/commits/{sha}: the committer date. */
export async function fetchCommitDate(t: ApiTarget, sha: string): Promise<Date> {
  const data = await getJson(`${repoUrl(t)}/commits/${encodeURIComponent(sha)}`, t.token);
  const date = (
    (data.commit as Record<string, unknown> | undefined)?.committer as Record<string, unknown> | undefined
  )?.date;
  if (typeof date !== 'string') throw new Error('Committer date not found');
  return new Date(date);
}
