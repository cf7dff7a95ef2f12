/**
 * Docker's OIDC connections: the job's ID token (audience https://identity.docker.com) exchanged at
 * Docker's identity service for a short-lived access token (an RFC 8693 token exchange sent as a
 * form), which is then the password of the Docker organization on docker.io and dhi.io. The rules
 * are pure; `mintDockerToken` is the thin edge that asks the two services.
 */
import { InputError, setSecret } from '../common/runner.js';
import { jwtSubject, requestIdToken } from '../common/id-token.js';
import { keepAliveFetch, type FetchLike } from '../common/transport.js';
import { isDockerHub, registryHost } from '../common/reference.js';

const DOCKER_IDENTITY = 'https://identity.docker.com';
const DOCKER_TOKEN_URL = `${DOCKER_IDENTITY}/oauth/token`;
/** The lifetime of the access token, in seconds: an hour, since five minutes broke long builds. */
const DEFAULT_LIFETIME = 3600;
const LIFETIME_RANGE = [300, 3600] as const;
/** How docker/login-action is told the connection: the same name works here. */
export const CONNECTION_ENV = 'DOCKERHUB_OIDC_CONNECTIONID';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OidcConnection {
  connectionId: string;
  /** Seconds, within LIFETIME_RANGE. */
  lifetime: number;
}

/** Registries whose logins take a Docker OIDC connection: Docker Hub and Docker Hardened Images. */
export function takesDockerOidc(registry: string): boolean {
  return isDockerHub(registry) || registryHost(registry) === 'dhi.io';
}

/** Checks a connection id (a UUID; not a secret, so the message may quote it). */
export function checkConnectionId(id: string, where: string, inputs: readonly string[] = []): void {
  if (!UUID.test(id)) {
    throw new InputError(
      `${where} must be the UUID of a Docker OIDC connection (e.g. 0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f), got "${id}"`,
      inputs
    );
  }
}

/**
 * What is wrong with the Docker OIDC inputs whatever the event: both a token and a connection, or
 * a connection id that is no UUID (neither is a secret worth hiding: the token is not quoted).
 */
export function checkDockerConnection(token: string, input: string, fromEnv: string): void {
  if (token && input) {
    throw new InputError(
      'Inputs "dockerhub-token" and "dockerhub-oidc-connection-id" both give the Docker Hub login: a token or an OIDC connection, not both',
      ['dockerhub-token', 'dockerhub-oidc-connection-id']
    );
  }
  if (input)
    checkConnectionId(input, 'Input "dockerhub-oidc-connection-id"', ['dockerhub-oidc-connection-id']);
  else if (fromEnv && !token) checkConnectionId(fromEnv, 'DOCKERHUB_OIDC_CONNECTIONID');
}

/** The token's lifetime from its input: whole seconds within 300–3600, DEFAULT_LIFETIME when empty. */
export function readLifetime(value: string, input: string): number {
  if (value === '') return DEFAULT_LIFETIME;
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  const [min, max] = LIFETIME_RANGE;
  if (!(seconds >= min && seconds <= max)) {
    throw new InputError(
      `Input "${input}" must be a number of seconds from ${min} to ${max}, got "${value}"`,
      [input]
    );
  }
  return seconds;
}

/** The exchange's form (pure). */
export function exchangeForm(idToken: string, connection: OidcConnection): string {
  return new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    subject_token: idToken,
    connection_id: connection.connectionId,
    expires_in: String(connection.lifetime)
  }).toString();
}

/** Docker's own words from an error answer (OAuth `error_description`/`error`, or `message`/`detail`). */
export function dockerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const words = ['error_description', 'message', 'detail', 'error']
      .map(key => parsed[key])
      .filter((v): v is string => typeof v === 'string' && v !== '');
    if (words.length > 0) return [...new Set(words)].join(': ');
  } catch {
    // not JSON: its first line, below
  }
  return body.split(/\r?\n/)[0].slice(0, 300);
}

/** The error for a refused exchange: Docker's message and the subject its connection's ruleset saw. */
export function exchangeRefused(status: number, body: string, idToken: string, connectionId: string): string {
  const sub = jwtSubject(idToken);
  return (
    `Docker's identity service refused the OIDC token exchange for connection ${connectionId} (${status}): ` +
    `${dockerMessage(body) || 'no message'}. The job's token has the subject "${sub}", which the ` +
    "connection's ruleset must match (Docker Home, Settings, OIDC connections)"
  );
}

export interface MintDeps {
  env?: NodeJS.ProcessEnv;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** Delays before each retry of a 5xx answer or a lost connection (default 1, 2, 4 s). */
  backoffMs?: number[];
}

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Mints a Docker access token for `connection`: the job's ID token for Docker's audience,
 * exchanged at identity.docker.com. Both tokens are masked as soon as they are read. A 5xx answer
 * (or 429) or a lost connection is retried with backoff; a 4xx names Docker's message and the token's `sub`.
 */
export async function mintDockerToken(connection: OidcConnection, deps: MintDeps = {}): Promise<string> {
  const env = deps.env ?? process.env;
  const fetcher = deps.fetch ?? keepAliveFetch(2, env);
  const sleep = deps.sleep ?? wait;
  const backoff = deps.backoffMs ?? [1000, 2000, 4000];
  const idToken = await requestIdToken(DOCKER_IDENTITY, env, fetcher);
  const body = exchangeForm(idToken, connection);
  let last = '';
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let text = '';
    try {
      const res = await fetcher(DOCKER_TOKEN_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
        maxBytes: 256 * 1024
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      last = `no answer (${(err as Error).message})`;
    }
    if (status >= 200 && status < 300) {
      let token: unknown;
      try {
        token = (JSON.parse(text) as { access_token?: unknown }).access_token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || token === '') {
        throw new Error(`Docker's identity service answered ${status} without an access token`);
      }
      setSecret(token);
      return token;
    }
    if (status >= 400 && status < 500 && status !== 429) {
      throw new Error(exchangeRefused(status, text, idToken, connection.connectionId));
    }
    if (status) last = `${status}: ${dockerMessage(text) || 'no message'}`;
    if (attempt >= backoff.length) {
      throw new Error(
        `Docker's identity service (${DOCKER_TOKEN_URL}) failed ${attempt + 1} times for the OIDC token ` +
          `exchange; the last answer: ${last}`
      );
    }
    await sleep(backoff[attempt]);
  }
}
