/**
 * An Octokit for the REST API with the retry and throttling plugins: 5xx answers are retried with
 * backoff, secondary rate limits wait for `retry-after`, and every HTTP exchange is counted and its
 * `x-ratelimit-*` headers recorded, so callers can budget their requests. Requests go through the
 * environment's proxy (transport.ts), and the token only to GITHUB_API_URL's origin: a `Link` page
 * or a redirect elsewhere is requested without it.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { keepAliveFetch } from './transport.js';

export interface RateLimit {
  limit?: number;
  remaining?: number;
  /** Epoch seconds. */
  reset?: number;
  used?: number;
  resource?: string;
}

export interface ApiStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** The most recent `x-ratelimit-*` headers. */
  rate: RateLimit;
}

export interface GitHubOptions {
  token: string;
  /** GITHUB_API_URL; default https://api.github.com. */
  baseUrl?: string;
  userAgent?: string;
  /** Attempts after a secondary rate limit (default 3). */
  secondaryRetries?: number;
  /** Milliseconds per unit of the plugins' waits (`retry-after` seconds, backoff steps); default 1000. */
  retryUnitMs?: number;
  /**
   * The throttling plugin spaces writes a second apart. Callers that pace their own writes (under
   * GitHub's secondary limit) turn it off.
   */
  spaceWrites?: boolean;
  warn?: (message: string) => void;
  fetch?: typeof fetch;
}

export type GitHub = Octokit;

const PacedOctokit = Octokit.plugin(retry, throttling);

function header(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  return value === null || value === '' ? undefined : Number(value);
}

/** Records the rate-limit headers of a response. */
export function readRateLimit(headers: Headers, into: RateLimit): void {
  const remaining = header(headers, 'x-ratelimit-remaining');
  if (remaining === undefined) return;
  into.remaining = remaining;
  into.limit = header(headers, 'x-ratelimit-limit');
  into.reset = header(headers, 'x-ratelimit-reset');
  into.used = header(headers, 'x-ratelimit-used');
  into.resource = headers.get('x-ratelimit-resource') ?? undefined;
}

function withoutAuthorization(init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.delete('authorization');
  return { ...init, headers };
}

const passThrough = { key: () => ({ schedule: (_opts: unknown, fn: () => Promise<void>) => fn() }) };

export function createGitHub(opts: GitHubOptions): { octokit: GitHub; stats: ApiStats } {
  const stats: ApiStats = { requests: 0, rate: {} };
  const baseUrl = (opts.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const baseFetch = opts.fetch ?? (keepAliveFetch(32) as typeof fetch);
  const counted: typeof fetch = async (input, init) => {
    stats.requests++;
    const url = input instanceof Request ? input.url : String(input);
    const res = await baseFetch(input, new URL(url).origin === origin ? init : withoutAuthorization(init));
    readRateLimit(res.headers, stats.rate);
    return res;
  };
  const warn = opts.warn ?? (() => undefined);
  const unit = opts.retryUnitMs ?? 1000;
  const secondaryRetries = opts.secondaryRetries ?? 3;
  const octokit = new PacedOctokit({
    auth: opts.token,
    baseUrl,
    userAgent: opts.userAgent ?? 'push-to-image',
    request: { fetch: counted },
    headers: { 'x-github-api-version': '2022-11-28' },
    log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
    retry: { retries: 3, retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      ...(opts.spaceWrites === false ? { write: passThrough as never } : {}),
      onRateLimit: (retryAfter: number, options: { method: string; url: string }) => {
        warn(
          `GitHub API rate limit exhausted on ${options.method} ${options.url}; it resets in ${retryAfter} s`
        );
        return false;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number
      ) => {
        const again = retryCount < secondaryRetries;
        warn(
          `GitHub API secondary rate limit on ${options.method} ${options.url}` +
            (again ? `: retrying in ${retryAfter} s` : ': giving up')
        );
        return again;
      }
    }
  });
  return { octokit, stats };
}
