/**
 * Before building: every registry the build pushes to answers, and takes the stored credentials.
 * buildx pushes to one registry after another, so a dead second registry would otherwise leave the
 * image half published.
 */
import { Authorizer, type Credentials } from '../common/registry/auth.js';
import { parseChallenges } from '../common/registry/challenge.js';
import type { FetchInit, FetchLike } from '../common/transport.js';
import { parseAttributes, splitField } from '../common/lists.js';
import { configPath, inlineEntry, readConfig } from '../common/docker-config.js';
import { httpGet, type Answer, type HttpGet } from '../common/http-get.js';
import { apiHost, authKey, isLoopbackHost, parseReference } from '../common/reference.js';

export interface Destination {
  registry: string;
  /** A repository path on it, for the token scope. */
  path: string;
  /** The reference that sends the build there, for messages. */
  ref: string;
}

/** One destination per registry, from the tags and registry cache exports. */
export function destinations(tags: string[], cacheTo: string[]): Destination[] {
  const refs: [ref: string, input: string][] = tags.map(t => [t, 'tags']);
  for (const item of cacheTo) {
    const fields = Object.fromEntries(parseAttributes(item).map(splitField));
    if (fields.type === 'registry' && fields.ref && !/^true$/i.test(fields['ignore-error'] ?? '')) {
      refs.push([fields.ref, 'cache-to']);
    }
  }
  const byRegistry = new Map<string, Destination>();
  for (const [ref, input] of refs) {
    const parsed = parseReference(ref, input);
    if (!byRegistry.has(parsed.registry))
      byRegistry.set(parsed.registry, { registry: parsed.registry, path: parsed.path, ref });
  }
  return [...byRegistry.values()];
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT'
]);

/**
 * GET /v2/ over HTTPS; loopback registries (which Docker also reaches over plain HTTP) over HTTP
 * first. Any answer means reachable.
 */
async function probe(
  get: HttpGet,
  host: string,
  timeoutMs: number
): Promise<{ url: string; answer?: Answer; code?: string }> {
  const schemes = isLoopbackHost(host) ? ['http', 'https'] : ['https'];
  let code = 'EUNKNOWN';
  for (const scheme of schemes) {
    const url = `${scheme}://${host}/v2/`;
    try {
      return { url, answer: await get(url, {}, timeoutMs) };
    } catch (err) {
      code = (err as { code?: string }).code ?? 'EUNKNOWN';
    }
  }
  return { url: '', code };
}

/**
 * A FetchLike over the bare GET: the token request of common/registry/auth.ts without loading fetch.
 * The token endpoint's last answer is kept, for its status.
 */
function tokenFetcher(get: HttpGet, timeoutMs: number): { fetch: FetchLike; last: () => Answer | undefined } {
  let last: Answer | undefined;
  const fetch = async (url: string, init: FetchInit = {}) => {
    last = await get(url, init.headers as Record<string, string>, timeoutMs);
    const answer = last;
    // The parts of a Response the Authorizer reads.
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      text: async () => answer.body,
      json: async () => JSON.parse(answer.body) as unknown
    } as Response;
  };
  return { fetch, last: () => last };
}

/** The stored `auth` (base64 `user:password`) as credentials. */
function credentialsOf(auth: string): Credentials {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const at = text.indexOf(':');
  return { username: text.slice(0, at), password: text.slice(at + 1) };
}

/** The credentials' answer: '' when accepted or when they cannot be checked, else the problem. */
async function checkAuth(
  get: HttpGet,
  first: Answer,
  url: string,
  dest: Destination,
  auth: string,
  timeoutMs: number
): Promise<string> {
  const [challenge] = parseChallenges(first.header('www-authenticate'));
  if (challenge?.scheme !== 'basic' && challenge?.scheme !== 'bearer') return '';
  if (challenge.scheme === 'bearer' && !challenge.params.realm) return '';
  const token = tokenFetcher(get, timeoutMs);
  const authorizer = new Authorizer(token.fetch, credentialsOf(auth), new URL(url).origin);
  authorizer.learn(challenge);
  let answer: Answer | undefined;
  try {
    const header = await authorizer.header(`repository:${dest.path}:push,pull`);
    // Basic: the registry itself judges the credentials; bearer: the token endpoint has.
    answer =
      challenge.scheme === 'basic' ? await get(url, { authorization: header ?? '' }, timeoutMs) : undefined;
  } catch {
    answer = token.last();
  }
  return answer?.status === 401 ? `${answer.status} ${answer.statusText}`.trim() : '';
}

/** Throws when a destination is unreachable or rejects its stored credentials. */
export async function preflight(
  dests: Destination[],
  env: NodeJS.ProcessEnv,
  get: HttpGet = httpGet,
  timeoutMs = 5000
): Promise<void> {
  if (dests.length === 0) return;
  const config = readConfig(configPath(env));
  const problems = await Promise.all(
    dests.map(async dest => {
      const host = apiHost(dest.registry);
      const { url, answer, code } = await probe(get, host, timeoutMs);
      if (!answer) {
        return UNREACHABLE.has(code ?? '')
          ? `registry ${dest.registry} (for ${dest.ref}) is unreachable (${code})`
          : '';
      }
      if (answer.status !== 401) return '';
      const key = authKey(dest.registry);
      const entry = inlineEntry(config, key);
      if (!entry?.auth) {
        const elsewhere =
          config.credsStore || (config.credHelpers as Record<string, string> | undefined)?.[key];
        return elsewhere || config.auths?.[key]
          ? ''
          : `registry ${dest.registry} needs credentials and none are stored for it: log in to it first`;
      }
      const rejected = await checkAuth(get, answer, url, dest, entry.auth, timeoutMs).catch(() => '');
      return rejected
        ? `registry ${dest.registry} rejects the stored credentials (${rejected}): log in to it again`
        : '';
    })
  );
  const found = problems.filter(Boolean);
  if (found.length > 0) throw new Error(`Nothing was built or pushed: ${found.join('; ')}`);
}
