/**
 * Registry authorization: answers a `WWW-Authenticate` challenge with Basic credentials or with a
 * bearer token fetched from the challenge's realm, and caches tokens per scope until they expire.
 * The credentials go to a realm on another host only over HTTPS (or on loopback, where nothing
 * crosses a network): a plain-HTTP realm elsewhere is refused before anything is sent.
 */
import { isLoopbackHost } from '../reference.js';
import type { FetchLike } from '../transport.js';
import type { Challenge } from './challenge.js';

export interface Credentials {
  username: string;
  password: string;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

export function basicAuthorization(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/**
 * Why a token realm must not get the registry's credentials, or '' when it may: on the registry's
 * own origin, over HTTPS, or on a loopback address.
 */
export function realmRefusal(realm: URL, registryUrl: string): string {
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') return `is not an HTTP(S) address`;
  if (realm.origin === new URL(registryUrl).origin || realm.protocol === 'https:') return '';
  if (isLoopbackHost(realm.host)) return '';
  return 'is on another host over plain HTTP: the registry credentials are not sent there';
}

/** One registry host's authorization state: its challenge and the tokens fetched for each scope. */
export class Authorizer {
  private challenge?: Challenge;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Token endpoint calls made so far. */
  tokenRequests = 0;

  constructor(
    private readonly fetcher: FetchLike,
    private readonly credentials?: Credentials,
    /** The registry's base URL: a realm on its origin is the registry's own. */
    private readonly registryUrl = '',
    private readonly now: () => number = Date.now
  ) {}

  /** Remembers the host's challenge (realm, service); the scope is chosen per request. */
  learn(challenge: Challenge): void {
    this.challenge = challenge;
  }

  get known(): boolean {
    return this.challenge !== undefined;
  }

  /** Drops a token the registry refused, so that the next call fetches a fresh one. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  /** The Authorization header for a scope, or undefined when the registry asked for nothing. */
  async header(scope: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return this.credentials ? basicAuthorization(this.credentials) : undefined;
    }
    if (challenge.scheme !== 'bearer')
      throw new Error(`unsupported authentication scheme "${challenge.scheme}"`);
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > this.now()) return `Bearer ${cached.value}`;
    let pending = this.pending.get(scope);
    if (!pending) {
      pending = this.fetchToken(challenge, scope).finally(() => this.pending.delete(scope));
      this.pending.set(scope, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm) throw new Error('registry bearer challenge has no realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new Error('registry bearer challenge has a realm that is no URL');
    }
    const refusal = this.credentials ? realmRefusal(url, this.registryUrl || url.href) : '';
    if (refusal) throw new Error(`the registry's token realm ${url.origin}${url.pathname} ${refusal}`);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (this.credentials) headers.authorization = basicAuthorization(this.credentials);
    this.tokenRequests++;
    const started = this.now();
    const res = await this.fetcher(url.toString(), { headers });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(
        `token request to ${url.origin}${url.pathname} failed: ${res.status} ${text.slice(0, 200)}`.trim()
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const value = body.token ?? body.access_token;
    if (!value) throw new Error(`token response from ${url.origin}${url.pathname} holds no token`);
    const lifetime = Math.max(Number(body.expires_in) || 60, 10);
    this.tokens.set(scope, { value, expiresAt: started + (lifetime - 5) * 1000 });
    return value;
  }
}
