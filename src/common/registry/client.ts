/**
 * A client of the OCI distribution API: manifests (GET/HEAD/PUT/DELETE), tag lists and blob upload,
 * with bearer/basic challenges answered once per scope, bounded concurrency and retries of transient
 * failures (5xx, 429, network errors). Credentials and tokens go only to the registry's own origin:
 * an upload `Location` or a `Link` page on another host is requested without them. Reads are
 * bounded: a manifest up to the spec's 4 MiB, other answers up to 16 MiB, a tag list up to
 * `TAG_PAGES_MAX` pages, never the same page twice.
 */
import { Readable } from 'node:stream';
import { AnswerTooLarge, MANIFEST_MAX_BYTES } from '../answer-size.js';
import { PageWalk, parseLinkHeader } from '../pages.js';
import { registryBaseUrl } from '../reference.js';
import { keepAliveFetch, type FetchLike } from '../transport.js';
import { Authorizer, type Credentials } from './auth.js';
import { parseChallenges } from './challenge.js';
import { drain, RegistryError, registryError } from './errors.js';
import { limiter, type Limiter } from './limit.js';
import { MANIFEST_ACCEPT, isDigest, sha256Digest } from './media.js';
import { errorMessage } from '../errors.js';
import { sleep } from '../sleep.js';

export { RegistryError } from './errors.js';

export interface RegistryClientOptions {
  /** `ghcr.io`, `127.0.0.1:5003` or a URL; loopback hosts default to plain HTTP, others to HTTPS. */
  registry: string;
  credentials?: Credentials;
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** Extra attempts after a transient failure (default 3). */
  retries?: number;
  /** Base delay of the retry backoff in ms (default 200). */
  retryDelayMs?: number;
  /** Time limit of one request in ms (default 60 s). */
  timeoutMs?: number;
  /** Default: node:http(s) with keep-alive (see transport.ts). */
  fetch?: FetchLike;
}

export interface ManifestResponse {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

type Action = 'pull' | 'push' | 'delete';

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Tag-list pages read at most: 1,000 pages of up to 1,000 tags. */
export const TAG_PAGES_MAX = 1000;

function actionFor(method: string): Action {
  if (method === 'GET' || method === 'HEAD') return 'pull';
  return method === 'DELETE' ? 'delete' : 'push';
}

function scopeFor(repository: string, action: Action): string {
  return `repository:${repository}:${action === 'push' ? 'pull,push' : action}`;
}

export class RegistryClient {
  readonly baseUrl: string;
  /** The origin that asked for credentials: the only one that gets them. */
  private readonly origin: string;
  /** HTTP requests sent to the registry (token endpoint calls excluded), retries included. */
  requests = 0;
  private readonly auth: Authorizer;
  private readonly limit: Limiter;
  private readonly fetcher: FetchLike;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private probe?: Promise<void>;

  constructor(opts: RegistryClientOptions) {
    this.baseUrl = registryBaseUrl(opts.registry);
    this.origin = new URL(this.baseUrl).origin;
    this.fetcher = opts.fetch ?? keepAliveFetch((opts.concurrency ?? 32) + 2);
    this.auth = new Authorizer(this.fetcher, opts.credentials, this.baseUrl);
    this.limit = limiter(opts.concurrency ?? 32);
    this.retries = opts.retries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 200;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  get tokenRequests(): number {
    return this.auth.tokenRequests;
  }

  /** Asks `/v2/` once for the registry's challenge, so that tokens are fetched before the first request. */
  private learnChallenge(): Promise<void> {
    this.probe ??= (async () => {
      try {
        this.requests++;
        const res = await this.fetcher(`${this.baseUrl}/v2/`, {
          signal: AbortSignal.timeout(this.timeoutMs)
        });
        await drain(res);
        const challenge = parseChallenges(res.headers.get('www-authenticate') ?? '')[0];
        if (res.status === 401 && challenge) this.auth.learn(challenge);
      } catch {
        // the request itself reports an unreachable registry
      }
    })();
    return this.probe;
  }

  /** One authorized request, retried on transient failures; the caller reads the body. */
  async request(
    method: string,
    repository: string,
    path: string,
    init: {
      headers?: Record<string, string>;
      /** A stream is sent once: a request with one is not retried. */
      body?: Buffer | Readable;
      maxBytes?: number;
      /** The caller reads the body as a stream (no size limit: a blob copied on). */
      stream?: boolean;
      /** This request's own time limit (a blob streamed through takes longer than an API call). */
      timeoutMs?: number;
    } = {}
  ): Promise<Response> {
    const once = init.body instanceof Readable;
    const url = path.startsWith('http') ? path : `${this.baseUrl}/v2/${repository}/${path}`;
    const own = new URL(url).origin === this.origin;
    const scope = scopeFor(repository, actionFor(method));
    await this.learnChallenge();
    return this.limit(async () => {
      for (let attempt = 0, reauthorized = false; ; attempt++) {
        const headers: Record<string, string> = { ...init.headers };
        const authorization = own ? await this.auth.header(scope) : undefined;
        if (authorization) headers.authorization = authorization;
        let res: Response;
        try {
          this.requests++;
          const signal = AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs);
          res = await this.fetcher(url, {
            method,
            headers,
            body: init.body,
            redirect: 'follow',
            signal,
            ...(init.maxBytes ? { maxBytes: init.maxBytes } : {}),
            ...(init.stream ? { stream: true } : {})
          });
        } catch (err) {
          // an answer larger than the client reads is no transient failure
          if (err instanceof AnswerTooLarge) throw err;
          if (attempt < this.retries && !once) {
            await sleep(this.retryDelayMs * 2 ** attempt);
            continue;
          }
          throw new RegistryError(`${method} ${url}: ${errorMessage(err)}`, 0);
        }
        if (res.status === 401 && own && !reauthorized && !once) {
          const challenge = parseChallenges(res.headers.get('www-authenticate') ?? '')[0];
          await drain(res);
          if (!challenge) throw new RegistryError(`${method} ${url}: 401 without a challenge`, 401);
          this.auth.learn(challenge);
          this.auth.forget(scope);
          reauthorized = true;
          attempt--;
          continue;
        }
        if (RETRY_STATUS.has(res.status) && attempt < this.retries && !once) {
          await drain(res);
          const retryAfter = Number(res.headers.get('retry-after'));
          await sleep(retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : this.retryDelayMs * 2 ** attempt);
          continue;
        }
        return res;
      }
    });
  }

  private async fail(res: Response, what: string): Promise<never> {
    throw await registryError(res, what);
  }

  /** A manifest by tag or digest; undefined when the registry does not know it. */
  async getManifest(repository: string, reference: string): Promise<ManifestResponse | undefined> {
    const res = await this.request('GET', repository, `manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT },
      maxBytes: MANIFEST_MAX_BYTES
    });
    if (res.status === 404) {
      await drain(res);
      return undefined;
    }
    if (!res.ok) return this.fail(res, `GET ${repository}:${reference}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > MANIFEST_MAX_BYTES) {
      throw new RegistryError(
        `GET ${repository}:${reference}: the manifest is larger than 4 MiB`,
        res.status
      );
    }
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && reference.startsWith('sha256:') && reference !== digest) {
      throw new RegistryError(`GET ${repository}@${reference}: content has digest ${digest}`, res.status);
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    return {
      digest: isDigest(reference) ? reference : (res.headers.get('docker-content-digest') ?? digest),
      mediaType,
      bytes
    };
  }

  /** A manifest's digest, media type and size without its body; undefined when unknown. */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const res = await this.request('HEAD', repository, `manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT }
    });
    if (res.status === 404) return undefined;
    if (!res.ok) return this.fail(res, `HEAD ${repository}:${reference}`);
    const digest = res.headers.get('docker-content-digest');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!digest) {
      const full = await this.getManifest(repository, reference);
      if (!full) return undefined;
      return { digest: full.digest, mediaType: full.mediaType, size: full.bytes.length };
    }
    return { digest, mediaType, size: Number(res.headers.get('content-length') ?? 0) };
  }

  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string
  ): Promise<string> {
    const res = await this.request('PUT', repository, `manifests/${reference}`, {
      headers: { 'content-type': mediaType },
      body: bytes
    });
    if (!res.ok) return this.fail(res, `PUT ${repository}:${reference}`);
    await drain(res);
    return res.headers.get('docker-content-digest') ?? sha256Digest(bytes);
  }

  /** Deletes a manifest by digest; false when it was already gone. */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const res = await this.request('DELETE', repository, `manifests/${digest}`);
    await drain(res);
    if (res.status === 404) return false;
    if (!res.ok) return this.fail(res, `DELETE ${repository}@${digest}`);
    return true;
  }

  /**
   * Every tag of a repository, following `Link` pagination up to `maxPages` pages, never the same
   * page twice (a `PaginationError` otherwise); [] for an unknown repository.
   */
  async listTags(repository: string, pageSize = 1000, maxPages = TAG_PAGES_MAX): Promise<string[]> {
    const tags: string[] = [];
    const first = `${this.baseUrl}/v2/${repository}/tags/list?n=${pageSize}`;
    const walk = new PageWalk(`GET ${this.baseUrl}/v2/${repository}/tags/list`, maxPages);
    for (let next: string | undefined = first; next;) {
      walk.visit(next);
      const res = await this.request('GET', repository, next);
      if (res.status === 404) return tags;
      if (!res.ok) return this.fail(res, `GET ${repository} tags`);
      const body = (await res.json().catch(() => null)) as { tags?: unknown } | null;
      const page = body?.tags ?? [];
      if (!Array.isArray(page) || !page.every(t => typeof t === 'string'))
        throw new RegistryError(`GET ${repository} tags: the answer is not a tag list`, res.status);
      tags.push(...(page as string[]));
      next = parseLinkHeader(res.headers.get('link') ?? '', res.url || next).get('next');
    }
    return tags;
  }
}
