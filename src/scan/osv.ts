/**
 * OSV's API (google/osv.dev, docs/osv_service_v1.swagger.json) at api.osv.dev: which vulnerabilities
 * affect a package version, asked by purl in batches of up to 1,000 queries (`POST /v1/querybatch`,
 * following each query's `next_page_token`), and each vulnerability's record read once
 * (`GET /v1/vulns/{id}`), at most `concurrency` requests at once. Network errors, 429 and 5xx
 * answers are retried with backoff; what still fails is an `OsvUnavailable`.
 */
import { errorMessage } from '../common/errors.js';
import { mapLimit } from '../common/registry/limit.js';
import { sleep } from '../common/sleep.js';
import { keepAliveFetch, type FetchLike } from '../common/transport.js';
import type { OsvRecord } from './osv-record.js';

export const OSV_API = 'https://api.osv.dev';
/** OSV takes at most this many queries in one batch. */
export const BATCH_MAX = 1000;
/** Rounds of pagination followed at most (a query's pages, one round each). */
const PAGE_ROUNDS_MAX = 100;
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

export class OsvUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OsvUnavailable';
  }
}

export interface OsvClientOptions {
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** Attempts after a transient failure (default 3). */
  retries?: number;
  /** Base delay of the backoff in ms (default 500). */
  retryDelayMs?: number;
  /** Time limit of one request in ms (default 30 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
}

interface BatchQuery {
  package: { purl: string };
  page_token?: string;
}
interface BatchAnswer {
  results?: { vulns?: { id?: unknown }[]; next_page_token?: unknown }[];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class OsvClient {
  readonly concurrency: number;
  /** Requests sent, retries included. */
  readonly requests = { querybatch: 0, vulns: 0 };
  private readonly fetcher: FetchLike;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly records = new Map<string, Promise<OsvRecord>>();

  constructor(opts: OsvClientOptions = {}) {
    this.concurrency = opts.concurrency ?? 32;
    this.fetcher = opts.fetch ?? keepAliveFetch(this.concurrency);
    this.retries = opts.retries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** One request, retried on transient failures; the JSON answer of a 2xx, else an error. */
  private async call(method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
    const what = `${method} ${OSV_API}${path}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        this.requests[path === '/v1/querybatch' ? 'querybatch' : 'vulns']++;
        res = await this.fetcher(`${OSV_API}${path}`, {
          method,
          headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.timeoutMs)
        });
      } catch (err) {
        if (attempt < this.retries) {
          await sleep(this.retryDelayMs * 2 ** attempt);
          continue;
        }
        throw new OsvUnavailable(`${what}: ${errorMessage(err)} (${attempt + 1} attempts)`);
      }
      if (RETRY_STATUS.has(res.status) && attempt < this.retries) {
        await res.arrayBuffer().catch(() => undefined);
        await sleep(this.retryDelayMs * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      if (RETRY_STATUS.has(res.status)) {
        throw new OsvUnavailable(`${what}: HTTP ${res.status} (${attempt + 1} attempts)`);
      }
      if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`${what}: the answer is not JSON`);
      }
    }
  }

  /** One batch (at most BATCH_MAX queries): for each query, its ids and its next page token. */
  private async batch(queries: BatchQuery[]): Promise<{ ids: string[]; next: string }[]> {
    const answer = (await this.call('POST', '/v1/querybatch', { queries })) as BatchAnswer | null;
    const results = answer?.results ?? [];
    if (!Array.isArray(results) || results.length !== queries.length) {
      throw new Error(
        `POST ${OSV_API}/v1/querybatch: ${queries.length} queries, ${Array.isArray(results) ? results.length : 'no'} results`
      );
    }
    return results.map(r => ({
      ids: (r?.vulns ?? []).map(v => v?.id).filter((id): id is string => typeof id === 'string'),
      next: typeof r?.next_page_token === 'string' ? r.next_page_token : ''
    }));
  }

  /** The ids of the vulnerabilities that affect each purl (a purl with a version). */
  async affecting(purls: string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>(purls.map(p => [p, []]));
    let pending: BatchQuery[] = [...found.keys()].map(purl => ({ package: { purl } }));
    const tokens = new Set<string>();
    for (let round = 0; pending.length > 0; round++) {
      if (round >= PAGE_ROUNDS_MAX) {
        throw new Error(`POST ${OSV_API}/v1/querybatch: more than ${PAGE_ROUNDS_MAX} pages`);
      }
      const answers = await mapLimit(chunks(pending, BATCH_MAX), this.concurrency, async batch =>
        (await this.batch(batch)).map((answer, i) => ({ query: batch[i], ...answer }))
      );
      pending = [];
      for (const { query, ids, next } of answers.flat()) {
        const list = found.get(query.package.purl)!;
        for (const id of ids) if (!list.includes(id)) list.push(id);
        if (!next) continue;
        if (tokens.has(next)) throw new Error(`POST ${OSV_API}/v1/querybatch: a page token came twice`);
        tokens.add(next);
        pending.push({ package: query.package, page_token: next });
      }
    }
    return found;
  }

  /** The record of each id, each read once per client (also across calls). */
  async vulns(ids: string[]): Promise<Map<string, OsvRecord>> {
    const unique = [...new Set(ids)];
    const records = await mapLimit(unique, this.concurrency, id => this.record(id));
    return new Map(unique.map((id, i) => [id, records[i]]));
  }

  private record(id: string): Promise<OsvRecord> {
    let known = this.records.get(id);
    if (!known) {
      known = (async () => {
        const record = (await this.call('GET', `/v1/vulns/${encodeURIComponent(id)}`)) as OsvRecord | null;
        if (!record || typeof record !== 'object' || record.id !== id) {
          throw new Error(`GET ${OSV_API}/v1/vulns/${id}: the answer is not the record of ${id}`);
        }
        return record;
      })();
      this.records.set(id, known);
    }
    return known;
  }
}
