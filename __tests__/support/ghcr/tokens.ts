/**
 * The registry's token service: Basic credentials in, an RS256 JWT out (with the certificate in
 * `x5c`, as distribution's `auth.token` verifies it), for GET (docker/distribution) and POST (OAuth2
 * password grant, as containerd asks).
 */
import { createSign, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKeys } from './keys.js';

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export const ISSUER = 'ghcr-stand-in-issuer';
export const SERVICE = 'ghcr-stand-in';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signToken(keys: SigningKeys, subject: string, access: Access[], lifetime = 300): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [keys.certDer] };
  const claims = {
    iss: ISSUER,
    sub: subject,
    aud: SERVICE,
    exp: now + lifetime,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createSign('RSA-SHA256').update(input).sign(keys.privateKey))}`;
}

const verified = new Map<string, { access: Access[]; exp: number }>();

/** The access a token grants, or undefined when its signature or lifetime is wrong. */
export function readToken(keys: SigningKeys, token: string): Access[] | undefined {
  const known = verified.get(token);
  if (known) return known.exp > Date.now() / 1000 ? known.access : undefined;
  const [header, claims, signature] = token.split('.');
  if (!signature) return undefined;
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${claims}`),
    keys.publicKey,
    Buffer.from(signature, 'base64url')
  );
  if (!ok) return undefined;
  const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { exp: number; access: Access[] };
  verified.set(token, body);
  return body.exp > Date.now() / 1000 ? body.access : undefined;
}

export function parseScopes(values: string[]): Access[] {
  return values
    .flatMap(v => v.split(' '))
    .filter(Boolean)
    .map(scope => {
      const last = scope.lastIndexOf(':');
      const first = scope.indexOf(':');
      return {
        type: scope.slice(0, first),
        name: scope.slice(first + 1, last),
        actions: scope.slice(last + 1).split(',')
      };
    });
}

/** Handles `/token`: any known password (a GitHub token) gets what it asks for; none gets nothing. */
export function tokenHandler(keys: SigningKeys, passwords: () => Set<string>, count: () => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    count();
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    let user = '';
    let password = params.get('password') ?? '';
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString();
      user = decoded.slice(0, decoded.indexOf(':'));
      password = decoded.slice(decoded.indexOf(':') + 1);
    }
    user ||= params.get('username') ?? '';
    if (password && !passwords().has(password)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const access = password ? parseScopes(params.getAll('scope')) : [];
    const token = signToken(keys, user || 'anonymous', access);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() })
    );
  };
}
