/**
 * A stand-in for the two GitHub REST routes the meta stage reads: GET /repos/{owner}/{repo} and
 * GET /repos/{owner}/{repo}/git/matching-refs/{ref}. Every request and every answer is checked
 * against GitHub's OpenAPI description (`@octokit/openapi`); problems land in `violations`.
 *
 *   const api = await startReposApi({ owner: 'octo-org', repo: 'hello-world', tags: ['v1.0.0'] });
 *   api.url, api.tags (changeable), api.pageSize, api.tagsStatus, api.requests, api.violations
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { OpenApi } from './ghcr/openapi.js';

export interface ReposApiOptions {
  owner: string;
  repo: string;
  /** Git tag names, oldest first. */
  tags?: string[];
  /** The token the API accepts (any other is answered 401). */
  token?: string;
  /** Extra fields of the repository (description, license, ...). */
  repository?: Record<string, unknown>;
}

export interface ReposApi {
  url: string;
  tags: string[];
  /** Refs per page of the tag list (GitHub sends them all at once; smaller pages test the Link header). */
  pageSize: number;
  /** When set, the tag list answers with this status (a 5xx, as in an outage). */
  tagsStatus?: number;
  requests: { path: string; authorization: string }[];
  violations: string[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

/** The description's own example of a repository, with this repository's names. */
function exampleRepository(owner: string, repo: string, extra: Record<string, unknown>): unknown {
  const require = createRequire(import.meta.url);
  const doc = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
  ) as { components: { examples: Record<string, { value: Record<string, unknown> }> } };
  const example = doc.components.examples['full-repository-default-response'].value;
  // The example leaves out `language`, which the schema requires (of the repository and its source).
  const language = 'Dockerfile';
  return {
    ...example,
    language,
    ...(example.source ? { source: { ...(example.source as object), language } } : {}),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: { ...(example.owner as object), login: owner },
    html_url: `https://github.com/${owner}/${repo}`,
    default_branch: 'main',
    ...extra
  };
}

function gitRef(baseUrl: string, owner: string, repo: string, name: string) {
  const sha = createHash('sha1').update(name).digest('hex');
  const refUrl = `${baseUrl}/repos/${owner}/${repo}/git/refs/tags/${encodeURIComponent(name)}`;
  return {
    ref: `refs/tags/${name}`,
    node_id: Buffer.from(`ref:${owner}/${repo}:${name}`).toString('base64'),
    url: refUrl,
    object: { type: 'commit', sha, url: `${baseUrl}/repos/${owner}/${repo}/git/commits/${sha}` }
  };
}

export async function startReposApi(opts: ReposApiOptions): Promise<ReposApi> {
  const openapi = OpenApi.load();
  const { owner, repo } = opts;
  const repository = exampleRepository(owner, repo, opts.repository ?? {});
  const api: ReposApi = {
    url: '',
    tags: [...(opts.tags ?? [])],
    pageSize: 1000,
    requests: [],
    violations: [],
    close: async () => {}
  };

  const send = (
    res: ServerResponse,
    template: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ) => {
    api.violations.push(...openapi.checkResponse(template, 'GET', status, body, status >= 500));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', api.url);
    const authorization = req.headers.authorization ?? '';
    api.requests.push({ path: `${url.pathname}${url.search}`, authorization });
    const m = /^\/repos\/([^/]+)\/([^/]+)(?:\/git\/matching-refs\/(.+))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      api.violations.push(`unexpected request ${req.method} ${url.pathname}`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not Found', documentation_url: DOCS }));
      return;
    }
    const template = m[3] ? '/repos/{owner}/{repo}/git/matching-refs/{ref}' : '/repos/{owner}/{repo}';
    const path: Record<string, string> = { owner: decodeURIComponent(m[1]), repo: decodeURIComponent(m[2]) };
    if (m[3]) path.ref = decodeURIComponent(m[3]);
    // The description declares a Link header on the list but no `page` parameter (GitHub answers
    // with every ref at once): `page` appears only in this stand-in's own next links.
    const query = new URLSearchParams(url.searchParams);
    const page = Number(query.get('page') ?? '1');
    query.delete('page');
    api.violations.push(...openapi.checkRequest(template, 'GET', path, query));
    if (!Number.isInteger(page) || page < 1) api.violations.push(`bad page ${url.searchParams.get('page')}`);
    if (opts.token && authorization !== `Bearer ${opts.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Bad credentials', documentation_url: DOCS }));
      return;
    }
    if (path.owner !== owner || path.repo !== repo) {
      send(res, template, 404, { message: 'Not Found', documentation_url: DOCS });
      return;
    }
    if (!m[3]) {
      send(res, template, 200, repository);
      return;
    }
    if (api.tagsStatus) {
      send(res, template, api.tagsStatus, { message: 'Service Unavailable', documentation_url: DOCS });
      return;
    }
    const prefix = `refs/${path.ref}`;
    const refs = api.tags
      .map(name => gitRef(api.url, owner, repo, name))
      .filter(r => r.ref.startsWith(prefix));
    const last = Math.max(1, Math.ceil(refs.length / api.pageSize));
    const body = refs.slice((page - 1) * api.pageSize, page * api.pageSize);
    const listUrl = `${api.url}${url.pathname}`;
    const link = [
      ...(page < last
        ? [`<${listUrl}?page=${page + 1}>; rel="next"`, `<${listUrl}?page=${last}>; rel="last"`]
        : []),
      ...(page > 1 ? [`<${listUrl}?page=${page - 1}>; rel="prev"`, `<${listUrl}?page=1>; rel="first"`] : [])
    ];
    send(res, template, 200, body, link.length ? { link: link.join(', ') } : {});
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      api.violations.push(String(err));
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
