/**
 * The Packages REST endpoints the prune stage uses, over a ManifestStore: a version per manifest
 * (name = digest, tags from the registry), 100-a-page lists with `Link`, DELETE that removes the
 * manifest from the registry, restore that puts it back, rate-limit headers and injected faults.
 * Every request and response is checked against GitHub's OpenAPI description.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOCS, linkHeader, route, versionBody, type Route, type VersionRecord } from './api-routes.js';
import { sleep, streamBytes, takeFault, type Faults } from './faults.js';
import type { OpenApi } from './openapi.js';
import type { ManifestStore } from './store.js';
import { userView } from './users.js';

export interface ApiStats {
  requests: number;
  byRoute: Record<string, number>;
  /** Writes refused by the write limit (`faults.writeLimit`). */
  limitAnswers: number;
  /** When each accepted write arrived (epoch ms). */
  writes: number[];
}

/** The most writes in any 60 s window. */
export function busiestMinute(writes: readonly number[]): number {
  let most = 0;
  for (let i = 0, j = 0; j < writes.length; j++) {
    while (writes[j] - writes[i] >= 60_000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';

export interface ApiOptions {
  store: ManifestStore;
  faults: Faults;
  openapi?: OpenApi;
  /** Login -> account type. */
  owners: Record<string, 'User' | 'Organization'>;
  /** Token -> the user it belongs to (null: an installation token such as GITHUB_TOKEN). */
  tokens: Record<string, string | null>;
  baseUrl: () => string;
}

interface Deleted extends VersionRecord {
  repository: string;
  bytes: Buffer;
  mediaType: string;
  deletedAt: Date;
}

interface Call {
  r: Route;
  method: string;
  res: ServerResponse;
}

interface PackageCall extends Call {
  owner: string;
  pkg: string;
  repository: string;
  listUrl: string;
}

export class PackagesApiStandIn {
  readonly stats: ApiStats = { requests: 0, byRoute: {}, limitAnswers: 0, writes: [] };
  readonly violations: string[] = [];
  readonly rate = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 };
  private readonly ids = new Map<string, number>();
  private readonly byId = new Map<number, { repository: string; digest: string }>();
  private nextId = 1000;
  private readonly created = new Map<string, Date>();
  private readonly deleted = new Map<number, Deleted>();
  private snapshotData?: Map<string, VersionRecord[]>;

  constructor(private readonly opts: ApiOptions) {}

  /** Makes a manifest look as if it was pushed at `date`. */
  setCreated(digest: string, date: Date): void {
    this.created.set(digest, date);
  }

  /** Freezes the current lists; with `faults.staleList` they are served instead of the live ones. */
  async snapshot(): Promise<void> {
    const data = new Map<string, VersionRecord[]>();
    for (const repo of await this.opts.store.repositories()) data.set(repo, await this.versions(repo, false));
    this.snapshotData = data;
  }

  /** Versions newest first; ids are given in push order and kept for good. */
  private async versions(repository: string, stale = this.opts.faults.staleList): Promise<VersionRecord[]> {
    if (stale && this.snapshotData) return this.snapshotData.get(repository) ?? [];
    const manifests = await this.opts.store.manifests(repository);
    manifests.sort((a, b) => a.created.getTime() - b.created.getTime() || a.digest.localeCompare(b.digest));
    const records = manifests.map(m => {
      const key = `${repository}@${m.digest}`;
      if (!this.ids.has(key)) {
        this.byId.set(this.nextId, { repository, digest: m.digest });
        this.ids.set(key, this.nextId++);
      }
      return {
        id: this.ids.get(key)!,
        digest: m.digest,
        tags: m.tags,
        created: this.created.get(m.digest) ?? m.created
      };
    });
    return records.sort((a, b) => b.created.getTime() - a.created.getTime() || b.id - a.id);
  }

  readonly handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for await (const _ of req) void _;
    const url = new URL(req.url ?? '/', 'http://api');
    const method = req.method ?? 'GET';
    const r = route(url.pathname);
    this.stats.requests++;
    const key = `${method} ${r?.template ?? url.pathname}`;
    this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
    if (this.opts.faults.latencyMs) await sleep(this.opts.faults.latencyMs);
    const error = (message: string) => ({ message, documentation_url: DOCS });
    if (!r) return this.send({ r: undefined, method, res }, 404, error('Not Found'));
    const call: Call = { r, method, res };
    try {
      this.violations.push(
        ...(this.opts.openapi?.checkRequest(r.template, method, r.path, url.searchParams) ?? [])
      );
    } catch (err) {
      this.violations.push((err as Error).message);
      return this.send({ r: undefined, method, res }, 404, error('Not Found'));
    }
    if (this.rate.remaining <= 0) return this.send(call, 403, error('API rate limit exceeded'), {}, true);
    const limit = this.opts.faults.writeLimit;
    if (limit && (method === 'DELETE' || method === 'POST')) {
      const retryAfter = this.writeRefused(limit);
      if (retryAfter !== undefined) {
        this.stats.limitAnswers++;
        return this.send(
          call,
          limit.status ?? 403,
          error(SECONDARY_MESSAGE),
          { 'retry-after': String(retryAfter) },
          true
        );
      }
    }
    this.rate.remaining--;
    const fault = takeFault(this.opts.faults.api, method, url.pathname + url.search);
    if (fault) return this.send(call, fault.status, fault.body ?? error('Server Error'), fault.headers, true);
    const auth = (req.headers.authorization ?? '').replace(/^(token|bearer) /i, '');
    if (!(auth in this.opts.tokens)) return this.send(call, 401, error('Bad credentials'), {}, true);
    try {
      await this.dispatch(call, url.searchParams, this.opts.tokens[auth]);
    } catch (err) {
      this.violations.push(`stand-in failure on ${method} ${url.pathname}: ${(err as Error).message}`);
      this.send(call, 500, error((err as Error).message), {}, true);
    }
  };

  /** Counts a write against the limit; seconds to wait when it does not fit. */
  private writeRefused(limit: NonNullable<Faults['writeLimit']>): number | undefined {
    const cost = limit.writePoints ?? 5;
    const now = Date.now();
    const windowMs = limit.windowMs ?? 60_000;
    const recent = this.stats.writes.filter(t => now - t < windowMs);
    if ((recent.length + 1) * cost <= limit.pointsPerMinute) {
      this.stats.writes.push(now);
      return undefined;
    }
    const over = recent.length + 1 - Math.floor(limit.pointsPerMinute / cost);
    return Math.max(1, Math.ceil((recent[over - 1] + windowMs - now) / 1000));
  }

  private send(
    { r, method, res }: { r?: Route; method: string; res: ServerResponse },
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
    injected = false
  ): void {
    if (r && this.opts.openapi) {
      try {
        this.violations.push(...this.opts.openapi.checkResponse(r.template, method, status, body, injected));
      } catch (err) {
        this.violations.push((err as Error).message);
      }
    }
    const remaining = Math.max(this.rate.remaining, 0);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': String(this.rate.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(this.rate.reset),
      'x-ratelimit-used': String(this.rate.limit - remaining),
      'x-ratelimit-resource': 'core',
      ...headers
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  private notFound(call: Call, what: string): void {
    this.send(call, 404, { message: `${what} not found`, documentation_url: DOCS });
  }

  /** The owner's login when the route may address it: /orgs for organizations, /users for users, /user for oneself. */
  private ownerOf(r: Route, login: string | null): string | undefined {
    if (r.owner?.kind === 'user') return login ?? undefined;
    const found = Object.entries(this.opts.owners).find(
      ([k]) => k.toLowerCase() === r.owner?.login?.toLowerCase()
    );
    if (!found) return undefined;
    return (r.owner?.kind === 'orgs') === (found[1] === 'Organization') ? found[0] : undefined;
  }

  private async dispatch(call: Call, query: URLSearchParams, login: string | null): Promise<void> {
    const { r } = call;
    if (r.template === '/users/{username}') {
      const entry = Object.entries(this.opts.owners).find(
        ([k]) => k.toLowerCase() === r.path.username.toLowerCase()
      );
      if (!entry) return this.notFound(call, 'User');
      return this.send(call, 200, userView(entry[0], entry[1], entry[0] === login, this.opts.baseUrl()));
    }
    const owner = this.ownerOf(r, login);
    const pkg = r.path.package_name;
    const repository = `${owner?.toLowerCase()}/${pkg}`;
    if (
      !owner ||
      r.path.package_type !== 'container' ||
      !(await this.opts.store.repositories()).includes(repository)
    ) {
      return this.notFound(call, 'Package');
    }
    const scope = r.owner?.kind === 'user' ? '/user' : `/${r.owner?.kind}/${owner}`;
    const listUrl = `${this.opts.baseUrl()}${scope}/packages/container/${encodeURIComponent(pkg)}/versions`;
    const pc: PackageCall = { ...call, owner, pkg, repository, listUrl };
    if (!r.path.package_version_id) return this.list(pc, query);
    const id = Number(r.path.package_version_id);
    if (call.method === 'POST') return this.restore(pc, id);
    return this.version(pc, id);
  }

  private body(pc: PackageCall, v: VersionRecord, deletedAt?: Date) {
    return versionBody(v, pc.listUrl, pc.owner, pc.r.owner?.kind === 'orgs', pc.pkg, deletedAt);
  }

  private async list(pc: PackageCall, query: URLSearchParams): Promise<void> {
    const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
    const page = Number(query.get('page') ?? 1);
    const deleted = query.get('state') === 'deleted';
    const all = deleted
      ? [...this.deleted.values()].filter(d => d.repository === pc.repository)
      : await this.versions(pc.repository);
    const items = all.slice((page - 1) * perPage, page * perPage);
    const body = items.map(v => this.body(pc, v, deleted ? (v as Deleted).deletedAt : undefined));
    const last = Math.max(Math.ceil(all.length / perPage), 1);
    const { listLink, listBytes } = this.opts.faults;
    if (listBytes !== undefined) {
      pc.res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return streamBytes(pc.res, listBytes);
    }
    const link = listLink
      ? { link: listLink(page, pc.listUrl) }
      : linkHeader(pc.listUrl, perPage, page, last);
    this.send(pc, 200, body, link);
  }

  /** Restore re-pushes the saved manifest (children were restored first) and the tags still free. */
  private async restore(pc: PackageCall, id: number): Promise<void> {
    const gone = this.deleted.get(id);
    if (!gone || gone.repository !== pc.repository) return this.notFound(pc, 'Package version');
    const taken = new Set((await this.opts.store.manifests(pc.repository)).flatMap(m => m.tags));
    this.created.set(gone.digest, this.created.get(gone.digest) ?? gone.created);
    await this.opts.store.put(pc.repository, gone.digest, gone.bytes, gone.mediaType);
    for (const tag of gone.tags.filter(t => !taken.has(t))) {
      await this.opts.store.put(pc.repository, tag, gone.bytes, gone.mediaType);
    }
    this.deleted.delete(id);
    this.send(pc, 204);
  }

  /** GET or DELETE of one version; DELETE refuses what GitHub refuses. */
  private async version(pc: PackageCall, id: number): Promise<void> {
    const known = this.byId.get(id);
    const stored =
      known?.repository === pc.repository
        ? await this.opts.store.read(pc.repository, known.digest)
        : undefined;
    if (!known || !stored) return this.notFound(pc, 'Package version');
    if (pc.method === 'GET') {
      const current = (await this.versions(pc.repository, false)).find(v => v.id === id);
      return current ? this.send(pc, 200, this.body(pc, current)) : this.notFound(pc, 'Package version');
    }
    if (this.opts.faults.popular.has(known.digest)) {
      const message = 'Publicly visible package versions with more than 5000 downloads cannot be deleted.';
      return this.send(pc, 403, { message, documentation_url: DOCS });
    }
    if ((await this.opts.store.count(pc.repository)) === 1) {
      // GitHub answers 400 here, a status its OpenAPI description does not declare.
      const message = 'You cannot delete the last version of a package. You must delete the package instead.';
      return this.send(pc, 400, { message, documentation_url: DOCS }, {}, true);
    }
    const tags = (await this.opts.store.tagsOf(pc.repository, known.digest)).sort();
    const created = this.created.get(known.digest) ?? new Date();
    this.deleted.set(id, {
      id,
      digest: known.digest,
      tags,
      created,
      repository: pc.repository,
      ...stored,
      deletedAt: new Date()
    });
    await this.opts.store.remove(pc.repository, known.digest);
    await this.opts.faults.onDelete?.(pc.repository, known.digest);
    this.send(pc, 204);
  }
}
