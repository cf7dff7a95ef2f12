/**
 * The Packages REST API for container packages: who owns them (user, organization, or the token's
 * own account), their versions (100 a page, following `Link` up to `VERSION_PAGES_MAX` pages, never
 * a page twice), deletion and restore.
 */
import { AnswerTooLarge } from '../common/answer-size.js';
import type { GitHub } from '../common/github.js';
import { PageWalk, pageNumber, parseLinkHeader } from '../common/pages.js';
import { mapLimit } from '../common/registry/limit.js';
import type { PackageVersion } from './model.js';
import { sleep } from '../common/sleep.js';

/** Where an owner's packages live in the API. */
export type OwnerScope =
  { kind: 'user'; owner: string } | { kind: 'users'; owner: string } | { kind: 'orgs'; owner: string };

export type DeleteOutcome = 'deleted' | 'gone';

/** Why a version could not be deleted: GitHub refuses it for good, the API budget is spent, or it failed. */
export class DeleteError extends Error {
  override name = 'DeleteError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'budget' | 'failed',
    readonly status: number,
    /** For `refused`: GitHub's own words. */
    readonly reason = message
  ) {
    super(message);
  }
}

/** Waits out a limit answer (the pacer): `waitMs` as GitHub told, for the request `what`. */
export type OnLimit = (waitMs: number, what: string) => Promise<void>;

/** Longest wait after a limit answer before the run stops and leaves a backlog instead. */
const MAX_LIMIT_WAIT_MS = 120_000;
/** GitHub's advice when a limit answer says nothing of when to retry. */
const DEFAULT_LIMIT_WAIT_MS = 60_000;
const LIMIT_ATTEMPTS = 3;
const SERVER_RETRIES = 3;
/** Version pages read at most: 1,000 pages of 100, 100,000 versions of one package. */
const VERSION_PAGES_MAX = 1000;

export interface PackagesApiOptions {
  /** List pages fetched at once (default 4). */
  pageConcurrency?: number;
  /** Waits out a limit answer (default: sleeps). */
  onLimit?: OnLimit;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** First backoff after a server error, ms (default 1000; doubled each time). */
  retryDelayMs?: number;
  /** Version pages read at most (default VERSION_PAGES_MAX). */
  maxPages?: number;
}

interface ApiVersion {
  id: number;
  name: string;
  created_at: string;
  metadata?: { container?: { tags?: string[] } };
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string } };
}

/** A malformed answer: names the request and what was wrong with it. */
export function malformed(what: string, problem: string): Error {
  return new Error(`${what}: malformed answer from the Packages API (${problem})`);
}

/**
 * How long a secondary-limit answer asks to wait: 403 or 429 with `retry-after` (seconds), or with
 * `x-ratelimit-remaining: 0` (until `x-ratelimit-reset`); a "rate limit" message without either, a
 * minute. Undefined when the answer is no limit answer.
 */
function limitWait(e: HttpError, now: number): number | undefined {
  if (e.status !== 403 && e.status !== 429) return undefined;
  const headers = e.response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && retryAfter !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(seconds, 0) * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(date - now, 0);
  }
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) && reset > 0
      ? Math.max(reset * 1000 - now, 0) + 1000
      : DEFAULT_LIMIT_WAIT_MS;
  }
  const message = e.response?.data?.message ?? e.message ?? '';
  return /rate limit/i.test(message) ? DEFAULT_LIMIT_WAIT_MS : undefined;
}

function base(scope: OwnerScope): { prefix: string; params: Record<string, string> } {
  if (scope.kind === 'user') return { prefix: '/user', params: {} };
  if (scope.kind === 'orgs') return { prefix: '/orgs/{org}', params: { org: scope.owner } };
  return { prefix: '/users/{username}', params: { username: scope.owner } };
}

/** The page numbers a `Link` header names as `next` and `last`. */
export function linkPages(link: string | undefined, base: string): { next?: number; last?: number } {
  const links = parseLinkHeader(link ?? '', base);
  const next = links.get('next');
  return {
    // a next page without a page number is the page after this one
    ...(next ? { next: pageNumber(next) ?? 0 } : {}),
    ...(links.has('last') ? { last: pageNumber(links.get('last')) } : {})
  };
}

function checkVersion(v: unknown, what: string): ApiVersion {
  const o = v as Partial<ApiVersion> | null;
  if (!o || typeof o !== 'object') throw malformed(what, `a version is ${JSON.stringify(v)}`);
  if (!Number.isSafeInteger(o.id)) throw malformed(what, `a version has id ${JSON.stringify(o.id)}`);
  if (typeof o.name !== 'string') throw malformed(what, `version ${o.id} has name ${JSON.stringify(o.name)}`);
  if (typeof o.created_at !== 'string' || Number.isNaN(Date.parse(o.created_at)))
    throw malformed(what, `version ${o.id} has created_at ${JSON.stringify(o.created_at)}`);
  const tags = o.metadata?.container?.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(t => typeof t === 'string')))
    throw malformed(what, `version ${o.id} has tags ${JSON.stringify(tags)}`);
  return o as ApiVersion;
}

function toVersion(v: ApiVersion): PackageVersion {
  return {
    id: v.id,
    digest: v.name,
    tags: v.metadata?.container?.tags ?? [],
    created: Date.parse(v.created_at)
  };
}

export class PackagesApi {
  /** List pages fetched so far. */
  pages = 0;

  private readonly pageConcurrency: number;
  private readonly onLimit: OnLimit;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retryDelayMs: number;
  private readonly maxPages: number;

  constructor(
    private readonly octokit: GitHub,
    opts: PackagesApiOptions = {}
  ) {
    this.pageConcurrency = opts.pageConcurrency ?? 4;
    this.onLimit = opts.onLimit ?? (ms => this.sleep(ms));
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleep;
    this.retryDelayMs = opts.retryDelayMs ?? 1000;
    this.maxPages = opts.maxPages ?? VERSION_PAGES_MAX;
  }

  private get baseUrl(): string {
    return String(this.octokit.request.endpoint.DEFAULTS.baseUrl).replace(/\/+$/, '');
  }

  /**
   * One request. A limit answer is waited out as told (the pacer slows down) and the request sent
   * again; a server error or a broken connection is retried with backoff. The client's own retries
   * are off here: they would retry a 429 without reading `retry-after`.
   */
  private async send<T = unknown>(
    route: string,
    params: Record<string, unknown>,
    what: string
  ): Promise<{ data: T; headers: Record<string, string | undefined> }> {
    for (let attempt = 1, failures = 0; ; attempt++) {
      try {
        const res = await this.octokit.request(route, { ...params, request: { retries: 0 } });
        return { data: res.data as T, headers: res.headers as Record<string, string | undefined> };
      } catch (err) {
        // an answer larger than the step reads is no transient failure
        const cause = (err as { cause?: unknown }).cause;
        if (cause instanceof AnswerTooLarge) throw cause;
        const e = err as HttpError;
        const wait = limitWait(e, this.now());
        if (wait !== undefined) {
          if (wait > MAX_LIMIT_WAIT_MS || attempt >= LIMIT_ATTEMPTS) throw err;
          await this.onLimit(wait, what);
        } else if (((e.status ?? 0) >= 500 || !e.status) && failures < SERVER_RETRIES) {
          await this.sleep(this.retryDelayMs * 2 ** failures++);
        } else {
          throw err;
        }
      }
    }
  }

  /** `GET /users/{owner}`: organizations use /orgs, the token's own account /user, other users /users. */
  async ownerScope(owner: string): Promise<OwnerScope> {
    const what = `GET /users/${owner}`;
    const { data } = await this.send('GET /users/{username}', { username: owner }, what);
    const user = data as { type?: string; login?: string; user_view_type?: string } | null;
    if (!user || typeof user !== 'object' || typeof user.type !== 'string')
      throw malformed(what, `expected a user with a type, got ${JSON.stringify(data)?.slice(0, 100)}`);
    if (user.type === 'Organization') return { kind: 'orgs', owner: user.login ?? owner };
    if (user.user_view_type === 'private') return { kind: 'user', owner: user.login ?? owner };
    return { kind: 'users', owner: user.login ?? owner };
  }

  private async page(
    scope: OwnerScope,
    pkg: string,
    page: number
  ): Promise<{ versions: ApiVersion[]; link?: string }> {
    const { prefix, params } = base(scope);
    this.pages++;
    const what = `GET ${prefix.replace(/\{\w+\}/, scope.owner)}/packages/container/${pkg}/versions?page=${page}`;
    const res = await this.send(
      `GET ${prefix}/packages/{package_type}/{package_name}/versions`,
      { ...params, package_type: 'container', package_name: pkg, per_page: 100, page },
      what
    );
    if (!Array.isArray(res.data))
      throw malformed(what, `expected a list of versions, got ${JSON.stringify(res.data)?.slice(0, 100)}`);
    return { versions: res.data.map(v => checkVersion(v, what)), link: res.headers.link };
  }

  /**
   * Every version: page 1, then the rest at once when `Link` names the last page, else one by one
   * as each page names the next. At most `maxPages` pages, a `last` beyond them refused before any
   * further page is read, and no page read twice (a `PaginationError` names the list).
   * `onPage` sees each page as it arrives.
   */
  async listVersions(
    scope: OwnerScope,
    pkg: string,
    onPage: (versions: PackageVersion[]) => void = () => undefined
  ): Promise<PackageVersion[]> {
    const all: ApiVersion[] = [];
    const take = (page: { versions: ApiVersion[]; link?: string }) => {
      all.push(...page.versions);
      onPage(page.versions.map(toVersion));
      return page;
    };
    const { prefix } = base(scope);
    const list = `${this.baseUrl}${prefix.replace(/\{\w+\}/, scope.owner)}/packages/container/${encodeURIComponent(pkg)}/versions`;
    const walk = new PageWalk(`GET ${list}`, this.maxPages);
    walk.visit(1);
    const first = take(await this.page(scope, pkg, 1));
    const { next, last } = linkPages(first.link, list);
    walk.checkLast(last);
    if (last !== undefined) {
      const pages = Array.from({ length: last - 1 }, (_, i) => i + 2);
      for (const p of pages) walk.visit(p);
      await mapLimit(pages, this.pageConcurrency, async p => take(await this.page(scope, pkg, p)));
    } else {
      for (let page = 1, want = next; want !== undefined;) {
        page = want || page + 1;
        walk.visit(page);
        const link = linkPages(take(await this.page(scope, pkg, page)).link, list);
        walk.checkLast(link.last);
        want = link.next;
      }
    }
    const seen = new Set<number>();
    return all.filter(v => !seen.has(v.id) && seen.add(v.id)).map(toVersion);
  }

  /** The newest page only (a version just pushed shows up there). */
  async newestVersions(scope: OwnerScope, pkg: string): Promise<PackageVersion[]> {
    return (await this.page(scope, pkg, 1)).versions.map(toVersion);
  }

  /** Deletes a version; a 404 means it is already gone (the list can be stale). */
  async deleteVersion(scope: OwnerScope, pkg: string, id: number): Promise<DeleteOutcome> {
    const { prefix, params } = base(scope);
    try {
      await this.send(
        `DELETE ${prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}`,
        { ...params, package_type: 'container', package_name: pkg, package_version_id: id },
        `DELETE version ${id} of ${pkg}`
      );
      return 'deleted';
    } catch (err) {
      const e = err as HttpError;
      if (e.status === 404) return 'gone';
      throw classify(e, `DELETE version ${id} of ${pkg}`);
    }
  }

  async restoreVersion(scope: OwnerScope, pkg: string, id: number): Promise<void> {
    const { prefix, params } = base(scope);
    await this.send(
      `POST ${prefix}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore`,
      { ...params, package_type: 'container', package_name: pkg, package_version_id: id },
      `POST restore of version ${id} of ${pkg}`
    );
  }
}

/**
 * GitHub's refusals, which no retry changes: the last tagged version of a package (400 "You cannot
 * delete the last tagged version of a package. You must delete the package instead.", and the older
 * "last version" wording) and a public version with more than 5,000 downloads (403 "Publicly visible
 * package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for
 * further assistance.").
 */
const REFUSALS: { status: number[]; message: RegExp }[] = [
  { status: [400, 403, 422], message: /cannot delete the last (tagged )?version of a package/i },
  { status: [400, 403, 422], message: /more than 5,?000 downloads cannot be deleted/i }
];

/** Sorts a failed deletion: refused for good (skip), out of budget (stop, backlog), or broken (fail). */
function classify(e: HttpError, what: string): DeleteError {
  const status = e.status ?? 0;
  const message = e.response?.data?.message ?? e.message ?? 'unknown error';
  const text = `${what}: ${status} ${message}`;
  if (REFUSALS.some(r => r.status.includes(status) && r.message.test(message))) {
    return new DeleteError(text, 'refused', status, message);
  }
  if (limitWait(e, Date.now()) !== undefined) return new DeleteError(text, 'budget', status);
  return new DeleteError(text, 'failed', status);
}
