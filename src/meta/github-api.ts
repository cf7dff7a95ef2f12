/** The GitHub REST calls the stage makes: repository data, a commit's date, the Git tags. */
import { httpGet } from '../common/http-get.js';
import { PageWalk, pageNumber, parseLinkHeader } from '../common/pages.js';
import type { RepoInfo } from './labels.js';

export interface ApiTarget {
  /** GITHUB_API_URL without trailing slash. */
  baseUrl: string;
  owner: string;
  repo: string;
  token: string;
}

const TIMEOUT_MS = 10_000;
/**
 * matching-refs pages read at most: GitHub answers with every matching ref at once, so one page is
 * the rule; a Link beyond this many pages is a broken or hostile answer.
 */
const REF_PAGES_MAX = 100;

async function get(url: string, token: string): Promise<{ body: unknown; link: string }> {
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'user-agent': 'push-to-image-meta',
    'x-github-api-version': '2022-11-28'
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await httpGet(url, headers, TIMEOUT_MS);
  let body: unknown = {};
  try {
    body = JSON.parse(res.body) as unknown;
  } catch {
    // not JSON: the status says what went wrong
  }
  if (res.status < 200 || res.status >= 300) {
    const message = (body as Record<string, unknown> | null)?.message;
    throw new Error(`HTTP ${res.status}${message ? ` (${String(message)})` : ''}`);
  }
  return { body, link: res.header('link') };
}

async function getJson(url: string, token: string): Promise<Record<string, unknown>> {
  return (await get(url, token)).body as Record<string, unknown>;
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

/**
 * GET /repos/{owner}/{repo}/git/matching-refs/tags, across the pages the Link header names (at most
 * `maxPages`, none twice, none on another host): the names of the repository's Git tags.
 */
export async function fetchTagNames(t: ApiTarget, maxPages = REF_PAGES_MAX): Promise<string[]> {
  const names: string[] = [];
  const origin = new URL(t.baseUrl).origin;
  const first = `${repoUrl(t)}/git/matching-refs/tags`;
  const walk = new PageWalk(`GET ${first}`, maxPages);
  for (let url: string | undefined = first; url;) {
    if (new URL(url).origin !== origin) throw new Error(`the next page is on another host: ${url}`);
    walk.visit(new URL(url).href);
    const { body, link } = await get(url, t.token);
    if (!Array.isArray(body)) throw new Error('the answer is not a list of references');
    for (const item of body as { ref?: unknown }[]) {
      if (typeof item?.ref === 'string') names.push(item.ref.replace(/^refs\/tags\//, ''));
    }
    const links = parseLinkHeader(link, url);
    walk.checkLast(pageNumber(links.get('last')));
    url = links.get('next');
  }
  return names;
}
