/**
 * GitHub's attestation store: `POST /repos/{owner}/{repo}/attestations` with the Sigstore bundle.
 * GitHub does not offer it everywhere: user-owned private repositories, and organizations whose
 * plan lacks it, get a refusal whose message starts "Feature not available" (`storeRefusal`). A
 * 5xx answer or a lost connection is retried with backoff.
 */
import { keepAliveFetch, type FetchLike } from '../../common/transport.js';

export interface StoreDeps {
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** Delays before each retry (default 0.5, 1, 2, 4 s). */
  backoffMs?: number[];
}

/** GitHub's answer to a store request it refused (a status below 500). */
export class StoreRefused extends Error {
  override name = 'StoreRefused';
  constructor(
    readonly status: number,
    readonly githubMessage: string
  ) {
    super(`${status}: ${githubMessage}`);
  }
}

/** GitHub's refusal because the store is not part of the repository's plan, or '' (pure). */
export function storeNotOffered(err: unknown): string {
  return err instanceof StoreRefused && /^Feature not available\b/i.test(err.githubMessage)
    ? err.githubMessage
    : '';
}

function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; documentation_url?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 300);
}

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Stores `bundle` for `repository` (owner/name); resolves to the attestation's id. */
export async function storeAttestation(
  bundle: unknown,
  token: string,
  where: { apiUrl: string; repository: string },
  deps: StoreDeps = {}
): Promise<string> {
  const fetcher = deps.fetch ?? keepAliveFetch(2);
  const sleep = deps.sleep ?? wait;
  const backoff = deps.backoffMs ?? [500, 1000, 2000, 4000];
  const [owner, repo] = where.repository.split('/');
  const url = `${where.apiUrl}/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/attestations`;
  const body = JSON.stringify({ bundle });
  for (let attempt = 0; ; attempt++) {
    let last: string;
    try {
      const res = await fetcher(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'push-to-image'
        },
        body,
        signal: AbortSignal.timeout(60_000),
        maxBytes: 64 * 1024
      });
      const text = await res.text();
      if (res.ok) {
        const id = (JSON.parse(text) as { id?: unknown }).id;
        return id === undefined || id === null ? '' : String(id);
      }
      if (res.status < 500 && res.status !== 429) throw new StoreRefused(res.status, messageOf(text));
      last = `${res.status}: ${messageOf(text)}`;
    } catch (err) {
      if (err instanceof StoreRefused) throw err;
      last = (err as Error).message;
    }
    if (attempt >= backoff.length) throw new Error(`${last} (after ${attempt + 1} attempts)`);
    await sleep(backoff[attempt]);
  }
}
