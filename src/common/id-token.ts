/**
 * The job's OIDC ID token, asked of the runner's token service (ACTIONS_ID_TOKEN_REQUEST_URL with the
 * bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN, both set only where the job has `permissions: id-token:
 * write`). The token is a secret: it is masked before anything else happens with it.
 */
import { idTokenService } from './run-context.js';
import { setSecret } from './runner.js';
import { keepAliveFetch, type FetchLike } from './transport.js';

export const ID_TOKEN_PERMISSION = '`permissions: id-token: write`';

/** Why the job cannot ask for an ID token, or '' when it can. */
export function idTokenUnavailable(env: NodeJS.ProcessEnv): string {
  if (!idTokenService(env)) {
    return `the job cannot request an OIDC ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job ${ID_TOKEN_PERMISSION}`;
  }
  return '';
}

/** The token request's URL: the runner's, with `audience` added (pure). */
export function idTokenUrl(requestUrl: string, audience: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  return url.toString();
}

/** The `sub` claim of a JWT, '' when it has none (the signature is not checked: this is for messages). */
export function jwtSubject(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof claims.sub === 'string' ? claims.sub : '';
  } catch {
    return '';
  }
}

/** Requests an ID token for `audience`; masked as soon as it is read. */
export async function requestIdToken(
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
  fetcher: FetchLike = keepAliveFetch(2, env)
): Promise<string> {
  const service = idTokenService(env);
  if (!service) throw new Error(`No OIDC ID token for ${audience}: ${idTokenUnavailable(env)}`);
  let res: Response;
  try {
    res = await fetcher(idTokenUrl(service.url, audience), {
      headers: {
        authorization: `Bearer ${service.token}`,
        accept: 'application/json'
      },
      signal: AbortSignal.timeout(30_000),
      maxBytes: 64 * 1024
    });
  } catch (err) {
    throw new Error(`The runner's OIDC token service did not answer: ${(err as Error).message}`, {
      cause: err
    });
  }
  const text = await res.text();
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value === 'string' && value) setSecret(value);
  if (!res.ok || typeof value !== 'string' || !value) {
    throw new Error(
      `The runner's OIDC token service answered ${res.status} ${res.statusText} without a token for ${audience} (check ${ID_TOKEN_PERMISSION})`
    );
  }
  return value;
}
