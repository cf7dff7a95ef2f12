/**
 * Docker's services and GHCR standing in under their real host names, over HTTPS with a local CA,
 * reached through a hosts file (a private mount namespace for the step, see action-runner's
 * `hostsFile`, and for the test's own engine, see engine.ts):
 *
 * - `identity.docker.com`: the OIDC token exchange (RFC 8693 form). It checks the ID token's RS256
 *   signature against the issuer stand-in's JWKS, its issuer, audience and expiry, the form's
 *   fields, the connection id and the connection's ruleset on `sub`, and mints an access token.
 * - `registry-1.docker.io` (and `index.docker.io`): a TLS front door to a local distribution
 *   registry with token auth, whose token service is `auth.docker.io`: it grants the Docker
 *   organization's repositories to the organization with a minted, unexpired access token, and
 *   nothing to any other credentials or to anonymous requests.
 * - `ghcr.io`: the same for GHCR, token service `ghcr.io/token`: the job token gets what it asks,
 *   anonymous requests get pull access only to the packages in `publicPackages`.
 * - the runner's token endpoint and GitHub's OIDC issuer (`oidc.ts`).
 */
import { createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { makeSigningKeys } from '../ghcr/keys.js';
import { startRegistry, type RegistryProcess } from '../ghcr/registry-process.js';
import { parseScopes, signToken, type Access } from '../ghcr/tokens.js';
import { listenOnLoopback, RUNNER_TOKEN_HOST, TOKEN_HOST } from '../sigstore/index.js';
import { ISSUER, OidcIssuer } from '../sigstore/oidc.js';
import { makeLocalTls } from '../sigstore/tls.js';

export const IDENTITY_HOST = 'identity.docker.com';
export const HUB_HOST = 'registry-1.docker.io';
export const HUB_AUTH_HOST = 'auth.docker.io';
export const GHCR_HOST = 'ghcr.io';
const HOSTS = [
  IDENTITY_HOST,
  HUB_HOST,
  'index.docker.io',
  HUB_AUTH_HOST,
  GHCR_HOST,
  TOKEN_HOST,
  RUNNER_TOKEN_HOST
];
const AUDIENCE = 'https://identity.docker.com';

export interface Exchange {
  at: number;
  status: number;
  /** Why it was refused ('' when a token was minted). */
  refused: string;
  form: Record<string, string>;
  sub: string;
}

export interface DockerStandIn {
  address: string;
  hostsFile: string;
  caPath: string;
  oidc: OidcIssuer;
  /** Environment for the action: the runner's token endpoint and the local CA. */
  env: Record<string, string>;
  /** The Docker organization and its OIDC connection. */
  org: string;
  connectionId: string;
  /** The connection's ruleset: `sub` must match. */
  ruleset: RegExp;
  /** Access tokens minted, in order. */
  minted: string[];
  exchanges: Exchange[];
  /** Statuses the next exchanges answer with (e.g. 503), before the real checks. */
  exchangeFaults: number[];
  /** Token-service requests per registry host: the user and whether credentials were accepted. */
  logins: { host: string; user: string; accepted: boolean; scopes: string[] }[];
  /** GHCR packages (owner/name) anonymous requests may pull. */
  publicPackages: Set<string>;
  /** The job token GHCR accepts. */
  ghcrToken: string;
  /** Requests that reached a registry, `host METHOD path`. */
  registryRequests: string[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', c => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  value: object,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Forwards to a registry on loopback as a TLS-terminating proxy does (Host kept, X-Forwarded-Proto). */
function forward(req: IncomingMessage, res: ServerResponse, target: string): void {
  const upstream = new URL(target);
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-forwarded-proto': 'https' }
    },
    up => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    }
  );
  out.on('error', err => send(res, 502, { message: err.message }));
  req.pipe(out);
}

function basic(req: IncomingMessage): { user: string; password: string } | undefined {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(auth.slice(6), 'base64').toString();
  const at = decoded.indexOf(':');
  return { user: decoded.slice(0, at), password: decoded.slice(at + 1) };
}

export async function startDockerStandIn(
  opts: { org?: string; ruleset?: RegExp; ghcrToken?: string } = {}
): Promise<DockerStandIn> {
  const tls = makeLocalTls(HOSTS);
  const keys = makeSigningKeys();
  const oidc = new OidcIssuer();
  const hub: RegistryProcess = await startRegistry({
    realm: `https://${HUB_AUTH_HOST}/token`,
    certPath: keys.certPath
  });
  const ghcr: RegistryProcess = await startRegistry({
    realm: `https://${GHCR_HOST}/token`,
    certPath: keys.certPath
  });
  const org = opts.org ?? 'acme';
  const minted = new Map<string, number>();
  const state: Omit<DockerStandIn, 'address' | 'hostsFile' | 'caPath' | 'env' | 'close'> = {
    oidc,
    org,
    connectionId: randomUUID(),
    ruleset: opts.ruleset ?? /^repo:octo-org\/hello-world:/,
    minted: [],
    exchanges: [],
    exchangeFaults: [],
    logins: [],
    publicPackages: new Set(),
    ghcrToken: opts.ghcrToken ?? 'ghs_docker_standin_job_token',
    registryRequests: []
  };

  /** The exchange: every check of the form and the ID token, then a minted token. */
  function exchange(text: string): {
    status: number;
    body: object;
    refused: string;
    sub: string;
    form: Record<string, string>;
  } {
    const form = Object.fromEntries(new URLSearchParams(text));
    const refuse = (status: number, error: string, description: string, sub = '') => ({
      status,
      body: { error, error_description: description },
      refused: description,
      sub,
      form
    });
    if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return refuse(400, 'unsupported_grant_type', `grant_type ${form.grant_type}`);
    if (form.subject_token_type !== 'urn:ietf:params:oauth:token-type:id_token')
      return refuse(400, 'invalid_request', `subject_token_type ${form.subject_token_type}`);
    const lifetime = Number(form.expires_in);
    if (!Number.isInteger(lifetime) || lifetime < 300 || lifetime > 3600)
      return refuse(400, 'invalid_request', `expires_in must be 300 to 3600, got ${form.expires_in}`);
    if (form.connection_id !== state.connectionId)
      return refuse(400, 'invalid_request', `unknown connection ${form.connection_id}`);
    const [h, c, s] = (form.subject_token ?? '').split('.');
    let header: { kid?: string; alg?: string };
    let claims: { iss?: string; aud?: string; exp?: number; nbf?: number; sub?: string };
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString());
      claims = JSON.parse(Buffer.from(c, 'base64url').toString());
    } catch {
      return refuse(400, 'invalid_grant', 'subject_token is not a JWT');
    }
    const jwk = (oidc.jwks() as { keys: { kid: string }[] }).keys.find(k => k.kid === header.kid);
    const signed =
      jwk !== undefined &&
      header.alg === 'RS256' &&
      verify(
        'RSA-SHA256',
        Buffer.from(`${h}.${c}`),
        createPublicKey({ key: jwk, format: 'jwk' }),
        Buffer.from(s ?? '', 'base64url')
      );
    const sub = claims.sub ?? '';
    if (!signed) return refuse(401, 'invalid_grant', 'the token signature does not verify', sub);
    if (claims.iss !== ISSUER) return refuse(401, 'invalid_grant', `issuer ${claims.iss}`, sub);
    if (claims.aud !== AUDIENCE) return refuse(401, 'invalid_grant', `audience ${claims.aud}`, sub);
    const now = Date.now() / 1000;
    if (!claims.exp || claims.exp < now || (claims.nbf ?? 0) > now + 5)
      return refuse(401, 'invalid_grant', 'the token has expired', sub);
    if (!state.ruleset.test(sub))
      return refuse(
        403,
        'access_denied',
        `the subject does not match any rule of connection ${state.connectionId}`,
        sub
      );
    const token = `dckr_oat_${randomBytes(18).toString('base64url')}`;
    minted.set(token, Date.now() + lifetime * 1000);
    state.minted.push(token);
    return {
      status: 200,
      body: {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: lifetime
      },
      refused: '',
      sub,
      form
    };
  }

  /** A registry token service: `accepts` decides what credentials get; anonymous gets `anonymous`. */
  function tokenService(
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    url: URL,
    text: string
  ): void {
    const params = req.method === 'POST' ? new URLSearchParams(text) : url.searchParams;
    const scopes = params.getAll('scope');
    const creds =
      basic(req) ??
      (params.get('password')
        ? { user: params.get('username') ?? '', password: params.get('password')! }
        : undefined);
    let access: Access[] = [];
    let accepted: boolean;
    if (creds) {
      if (host === HUB_AUTH_HOST) {
        const expires = minted.get(creds.password);
        accepted = creds.user === org && expires !== undefined && expires > Date.now();
        if (accepted) access = parseScopes(scopes).filter(a => a.name.startsWith(`${org}/`));
      } else {
        accepted = creds.password === state.ghcrToken;
        if (accepted) access = parseScopes(scopes);
      }
      state.logins.push({ host, user: creds.user, accepted, scopes });
      if (!accepted) return send(res, 401, { details: 'incorrect username or password' });
    } else if (host === GHCR_HOST) {
      access = parseScopes(scopes)
        .filter(a => state.publicPackages.has(a.name))
        .map(a => ({ ...a, actions: a.actions.filter(x => x === 'pull') }));
    }
    const token = signToken(keys, creds?.user ?? 'anonymous', access);
    send(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    if (
      (host === HUB_HOST || host === 'index.docker.io' || host === GHCR_HOST) &&
      url.pathname.startsWith('/v2')
    ) {
      state.registryRequests.push(`${host} ${req.method} ${url.pathname}`);
      return forward(req, res, host === GHCR_HOST ? ghcr.url : hub.url);
    }
    const text = await body(req);
    if ((host === HUB_AUTH_HOST || host === GHCR_HOST) && url.pathname === '/token')
      return tokenService(req, res, host, url, text);
    if (host === IDENTITY_HOST && req.method === 'POST' && url.pathname === '/oauth/token') {
      const fault = state.exchangeFaults.shift();
      if (fault) {
        state.exchanges.push({ at: Date.now(), status: fault, refused: 'injected', form: {}, sub: '' });
        return send(res, fault, { error: 'temporarily_unavailable', error_description: 'injected failure' });
      }
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? ''))
        return send(res, 415, { error: 'invalid_request', error_description: 'not a form' });
      const answer = exchange(text);
      state.exchanges.push({
        at: Date.now(),
        status: answer.status,
        refused: answer.refused,
        form: answer.form,
        sub: answer.sub
      });
      return send(res, answer.status, answer.body);
    }
    if (host === RUNNER_TOKEN_HOST && req.method === 'GET' && url.pathname === '/token') {
      const answer = oidc.answerTokenRequest(url, req.headers.authorization);
      return send(res, answer.status, answer.body);
    }
    if (host === TOKEN_HOST && url.pathname === '/.well-known/openid-configuration')
      return send(res, 200, oidc.discovery());
    if (host === TOKEN_HOST && url.pathname === '/.well-known/jwks') return send(res, 200, oidc.jwks());
    send(res, 404, { message: `no route ${req.method} ${host}${url.pathname}` });
  };
  const server: Server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(err => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  const address = await listenOnLoopback(server);
  const hostsFile = join(tls.dir, 'hosts');
  writeFileSync(
    hostsFile,
    `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n${address} ${HOSTS.join(' ')}\n`
  );
  return Object.assign(state, {
    address,
    hostsFile,
    caPath: tls.caPath,
    env: {
      NODE_EXTRA_CA_CERTS: tls.caPath,
      ACTIONS_ID_TOKEN_REQUEST_URL: `https://${RUNNER_TOKEN_HOST}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
    },
    async close() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
      await hub.stop();
      await ghcr.stop();
    }
  });
}
