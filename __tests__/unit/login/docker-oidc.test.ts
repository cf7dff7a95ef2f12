import { InputError } from '../../../src/common/runner.js';
import { idTokenUnavailable, idTokenUrl, jwtSubject } from '../../../src/common/id-token.js';
import {
  checkConnectionId,
  dockerMessage,
  exchangeForm,
  exchangeRefused,
  mintDockerToken,
  readLifetime,
  takesDockerOidc
} from '../../../src/login/docker-oidc.js';
import { readLoginInputs } from '../../../src/login/inputs.js';
import { readRunContext } from '../../../src/common/run-context.js';
import type { FetchInit } from '../../../src/common/transport.js';
import { captureStdout } from '../../support/runner-sandbox.js';

const ID = '0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f';
const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const jwt = (claims: object) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const oidcEnv = {
  GITHUB_ACTOR: 'mona',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
};

describe('Docker OIDC rules', () => {
  test('connection ids are UUIDs', () => {
    expect(() => checkConnectionId(ID, 'x')).not.toThrow();
    expect(() => checkConnectionId('my-connection', 'Input "dockerhub-oidc-connection-id"')).toThrow(
      new InputError(
        'Input "dockerhub-oidc-connection-id" must be the UUID of a Docker OIDC connection (e.g. 0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f), got "my-connection"',
        []
      )
    );
  });

  test.each([
    ['', 3600],
    ['300', 300],
    ['3600', 3600],
    ['1800', 1800]
  ])('lifetime %j is %d s', (value, seconds) => expect(readLifetime(value, 'l')).toBe(seconds));

  test.each(['299', '3601', '1h', '-5', '60.5'])('lifetime %j is refused', value =>
    expect(() => readLifetime(value, 'dockerhub-oidc-lifetime')).toThrow(
      `Input "dockerhub-oidc-lifetime" must be a number of seconds from 300 to 3600, got "${value}"`
    )
  );

  test('registries that take a connection', () => {
    expect(
      ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'dhi.io', ''].map(takesDockerOidc)
    ).toEqual([true, true, true, true, true]);
    expect(['ghcr.io', 'quay.io', 'dhi.io.example.com'].map(takesDockerOidc)).toEqual([false, false, false]);
  });

  test('the exchange form is an RFC 8693 token exchange', () => {
    const form = new URLSearchParams(exchangeForm('id.token.x', { connectionId: ID, lifetime: 3600 }));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      subject_token: 'id.token.x',
      connection_id: ID,
      expires_in: '3600'
    });
  });

  test("a refusal names Docker's message and the token's subject", () => {
    const token = jwt({ sub: 'repo:acme/app:ref:refs/tags/v1.2.0' });
    const message = exchangeRefused(
      403,
      '{"error":"access_denied","error_description":"subject does not match the ruleset"}',
      token,
      ID
    );
    expect(message).toContain('subject does not match the ruleset');
    expect(message).toContain('"repo:acme/app:ref:refs/tags/v1.2.0"');
    expect(message).toContain(ID);
    expect(message).not.toContain(token);
    expect(dockerMessage('{"message":"nope"}')).toBe('nope');
    expect(dockerMessage('plain text\nmore')).toBe('plain text');
  });

  test('ID token request', () => {
    expect(idTokenUrl('https://r.example/token?api-version=2.0', 'https://identity.docker.com')).toBe(
      'https://r.example/token?api-version=2.0&audience=https%3A%2F%2Fidentity.docker.com'
    );
    expect(idTokenUnavailable({})).toContain('`permissions: id-token: write`');
    expect(idTokenUnavailable(oidcEnv)).toBe('');
    expect(jwtSubject(jwt({ sub: 's' }))).toBe('s');
    expect(jwtSubject('garbage')).toBe('');
  });
});

describe('mintDockerToken', () => {
  const idToken = jwt({ sub: 'repo:octo-org/hello-world:ref:refs/heads/main' });
  function fakeFetch(exchange: { status: number; body: string }[]) {
    const calls: { url: string; init?: FetchInit }[] = [];
    const fetch = async (url: string, init?: FetchInit) => {
      calls.push({ url, init });
      if (url.startsWith('https://runner.example/')) return new Response(JSON.stringify({ value: idToken }));
      const next = exchange.shift()!;
      return new Response(next.body, { status: next.status });
    };
    return { fetch, calls };
  }

  test('asks for the Docker audience, posts the form, returns and masks the access token', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: '{"access_token":"dckr_oat_minted"}' }]);
    const { value: token, printed } = await captureStdout(() =>
      mintDockerToken({ connectionId: ID, lifetime: 900 }, { env: oidcEnv, fetch })
    );
    expect(token).toBe('dckr_oat_minted');
    expect(calls[0].url).toContain('audience=https%3A%2F%2Fidentity.docker.com');
    expect(new Headers(calls[0].init?.headers).get('authorization')).toBe('Bearer request-token');
    expect(calls[1].url).toBe('https://identity.docker.com/oauth/token');
    expect(calls[1].init?.method).toBe('POST');
    expect(new URLSearchParams(String(calls[1].init?.body)).get('expires_in')).toBe('900');
    expect(printed).toContain(`::add-mask::${idToken}`);
    expect(printed).toContain('::add-mask::dckr_oat_minted');
  });

  test('a 5xx is retried with backoff, then the token comes', async () => {
    const { fetch } = fakeFetch([
      { status: 503, body: '{"error":"unavailable"}' },
      { status: 502, body: '' },
      { status: 200, body: '{"access_token":"dckr_oat_2"}' }
    ]);
    const waits: number[] = [];
    const token = await mintDockerToken(
      { connectionId: ID, lifetime: 3600 },
      { env: oidcEnv, fetch, sleep: async ms => void waits.push(ms), backoffMs: [10, 20, 40] }
    );
    expect(token).toBe('dckr_oat_2');
    expect(waits).toEqual([10, 20]);
  });

  test('5xx every time: named after the last attempt', async () => {
    const { fetch } = fakeFetch(Array(4).fill({ status: 500, body: '{"error":"server_error"}' }));
    await expect(
      mintDockerToken(
        { connectionId: ID, lifetime: 3600 },
        { env: oidcEnv, fetch, sleep: async () => undefined, backoffMs: [1, 1, 1] }
      )
    ).rejects.toThrow(/failed 4 times .* the last answer: 500: server_error/);
  });

  test("a 4xx is not retried: Docker's message and the subject", async () => {
    const { fetch, calls } = fakeFetch([
      { status: 400, body: '{"error":"invalid_grant","error_description":"no rule matches"}' }
    ]);
    await expect(
      mintDockerToken({ connectionId: ID, lifetime: 3600 }, { env: oidcEnv, fetch })
    ).rejects.toThrow(/no rule matches.*"repo:octo-org\/hello-world:ref:refs\/heads\/main"/);
    expect(calls).toHaveLength(2);
  });

  test('no ACTIONS_ID_TOKEN_REQUEST_URL: the permission is named, nothing is asked', async () => {
    const { fetch, calls } = fakeFetch([]);
    await expect(mintDockerToken({ connectionId: ID, lifetime: 3600 }, { env: {}, fetch })).rejects.toThrow(
      '`permissions: id-token: write`'
    );
    expect(calls).toEqual([]);
  });
});

describe('login inputs with a Docker OIDC connection', () => {
  test.each<[string, Record<string, string>, NodeJS.ProcessEnv, object]>([
    [
      'the input, the organization as user, no password',
      { username: 'acme', 'dockerhub-oidc-connection-id': ID },
      oidcEnv,
      { registry: 'docker.io', username: 'acme', password: '', oidc: { connectionId: ID, lifetime: 3600 } }
    ],
    [
      'DOCKERHUB_OIDC_CONNECTIONID, as docker/login-action reads it; dhi.io; a lifetime',
      { registry: 'dhi.io', username: 'acme', 'dockerhub-oidc-lifetime': '600' },
      { ...oidcEnv, DOCKERHUB_OIDC_CONNECTIONID: ID },
      { registry: 'dhi.io', username: 'acme', password: '', oidc: { connectionId: ID, lifetime: 600 } }
    ],
    [
      'a password wins over the environment variable',
      { username: 'acme', password: 'dckr_pat' },
      { ...oidcEnv, DOCKERHUB_OIDC_CONNECTIONID: ID },
      { registry: 'docker.io', username: 'acme', password: 'dckr_pat' }
    ]
  ])('%s', (_name, values, env, expected) => {
    const [login] = readLoginInputs(source(values), readRunContext(env), env).logins;
    expect(login).toEqual({ githubToken: false, ...expected });
  });

  test('a registry-auth item names its own connection', () => {
    const yaml = `- registry: dhi.io\n  username: acme\n  oidc-connection-id: ${ID}\n- registry: ghcr.io\n  username: mona\n  password: ghp_x\n`;
    const { logins } = readLoginInputs(source({ 'registry-auth': yaml }), readRunContext(oidcEnv), oidcEnv);
    expect(logins[0]).toMatchObject({ registry: 'dhi.io', oidc: { connectionId: ID } });
    expect(logins[1]).not.toHaveProperty('oidc');
  });

  test.each<[string, Record<string, string>, NodeJS.ProcessEnv, string]>([
    [
      'not a UUID',
      { username: 'acme', 'dockerhub-oidc-connection-id': 'acme-conn' },
      oidcEnv,
      'Input "dockerhub-oidc-connection-id" must be the UUID of a Docker OIDC connection'
    ],
    [
      'a token and a connection',
      { username: 'acme', password: 'dckr_pat', 'dockerhub-oidc-connection-id': ID },
      oidcEnv,
      'Inputs "password" and "dockerhub-oidc-connection-id" both give credentials for docker.io'
    ],
    [
      'an item with both',
      {
        'registry-auth': `- registry: docker.io\n  username: acme\n  password: dckr_pat\n  oidc-connection-id: ${ID}\n`
      },
      oidcEnv,
      'Inputs "registry-auth" item 1 "password" and "registry-auth" item 1 "oidc-connection-id"'
    ],
    [
      'a connection for another registry',
      { 'registry-auth': `- registry: ghcr.io\n  username: acme\n  oidc-connection-id: ${ID}\n` },
      oidcEnv,
      'docker.io and dhi.io only, not ghcr.io'
    ],
    [
      'no organization',
      { 'dockerhub-oidc-connection-id': ID },
      oidcEnv,
      'Input "username" is required to log in to docker.io (the Docker organization of the OIDC connection)'
    ],
    [
      'no ID token for the job',
      { username: 'acme', 'dockerhub-oidc-connection-id': ID },
      { GITHUB_ACTOR: 'mona' },
      'The Docker OIDC connection for docker.io cannot be used: the job cannot request an OIDC ID token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job `permissions: id-token: write`'
    ]
  ])('%s is an input error', (_name, values, env, message) => {
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(InputError);
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(message);
  });
});
