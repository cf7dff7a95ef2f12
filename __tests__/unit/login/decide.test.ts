/**
 * Which registries the login stage logs in to: alone, what its inputs list; in the root action,
 * from meta's images and the build's push (or pulls only), with the root action's own inputs.
 */
import { readRunContext, type RunContext } from '../../../src/common/run-context.js';
import { InputError } from '../../../src/common/runner.js';
import { decideLogins, type LoginUpstream } from '../../../src/login/decide.js';
import { readRootLoginInputs } from '../../../src/login/inputs.js';
import { pullLogins } from '../../../src/login/pull-logins.js';
import { checkDockerConnection } from '../../../src/login/docker-oidc.js';
import { checkAddedLogins, checkDockerHubPair, loginEntries } from '../../../src/login/root-logins.js';

const ID = '0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f';
const BASE_ENV = { GITHUB_ACTOR: 'mona', GITHUB_EVENT_NAME: 'push' };
const MINT = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://t.example/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' };

const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const ctxOf = (env: NodeJS.ProcessEnv = BASE_ENV): RunContext => readRunContext(env);
const rootInputs = (values: Record<string, string>, env: NodeJS.ProcessEnv = BASE_ENV) =>
  readRootLoginInputs(source(values), ctxOf(env), env);
const entries = (values: Record<string, string>, images: string[], env?: NodeJS.ProcessEnv) =>
  loginEntries(rootInputs(values, env), images);

const PUSH: LoginUpstream = { images: ['ghcr.io/o/r'], push: true, pull: false, trusted: true };
const decide = (values: Record<string, string>, up: Partial<LoginUpstream> = {}, env = BASE_ENV) =>
  decideLogins(rootInputs(values, env), { ...PUSH, ...up }, ctxOf(env));

describe('login entries of the root action', () => {
  test.each<[string, Record<string, string>, string[], object[]]>([
    ['nothing to log in to', {}, ['127.0.0.1:5001/o/r'], []],
    ['GHCR with the github token', {}, ['ghcr.io/o/r'], [{ registry: 'ghcr.io' }]],
    [
      'GHCR and Docker Hub',
      { 'dockerhub-username': 'u', 'dockerhub-token': 't' },
      ['ghcr.io/o/r', 'docker.io/u/r'],
      [{ registry: 'ghcr.io' }, { registry: 'docker.io', username: 'u', password: 't' }]
    ],
    [
      'an explicit registry-auth entry for GHCR wins',
      { 'registry-auth': '- registry: ghcr.io\n  username: bot\n  password: pat' },
      ['ghcr.io/o/r'],
      [{ registry: 'ghcr.io', username: 'bot', password: 'pat' }]
    ],
    [
      'the single registry inputs, Docker Hub by default',
      { username: 'u', password: 'p' },
      ['u/r'],
      [{ registry: 'docker.io', username: 'u', password: 'p' }]
    ],
    [
      'dhi.io joins with the connection where an image names it',
      { 'dockerhub-username': 'acme', 'dockerhub-oidc-connection-id': ID },
      ['dhi.io/acme/app', 'ghcr.io/o/app'],
      [
        { registry: 'ghcr.io' },
        { registry: 'docker.io', username: 'acme', password: '' },
        { registry: 'dhi.io', username: 'acme' }
      ]
    ]
  ])('%s', (_, values, images, expected) => {
    expect(entries(values, images)).toEqual(expected);
  });
});

describe('logins on a run that pushes nothing', () => {
  const facts = { githubToken: 'ghs_x', actor: 'mona', trusted: false, dockerConnection: false };
  const images = ['ghcr.io/o/app', 'docker.io/acme/app'];

  test('GHCR with the job token and the items that have a password', () => {
    const listed = entries(
      {
        'registry-auth':
          '- registry: quay.io\n  username: bot\n  password: p\n- registry: 127.0.0.1:5000\n  username: u\n  password: ""\n'
      },
      ['127.0.0.1:5000/o/app']
    );
    expect(pullLogins(listed, facts)).toEqual({
      entries: [{ registry: 'quay.io', username: 'bot', password: 'p' }],
      skipped: ['127.0.0.1:5000: no password on this event']
    });
    // GHCR where an image or an item names it, with the job token.
    const ghcr = entries({ 'registry-auth': '- registry: ghcr.io\n' }, images);
    expect(pullLogins(ghcr, facts).entries).toEqual([{ registry: 'ghcr.io', username: '', password: '' }]);
  });

  test('no credentials: no login', () => {
    expect(pullLogins(entries({}, images), { ...facts, githubToken: '' }).entries).toEqual([]);
  });

  test('Docker OIDC: not where the code may be a fork', () => {
    const listed = entries({ 'dockerhub-username': 'acme', 'dockerhub-oidc-connection-id': ID }, images);
    expect(pullLogins(listed, { ...facts, dockerConnection: true })).toEqual({
      entries: [{ registry: 'ghcr.io' }],
      skipped: [
        "docker.io: no login through the Docker OIDC connection on this event (a fork's job gets no OIDC ID token)"
      ]
    });
    expect(pullLogins(listed, { ...facts, trusted: true, dockerConnection: true }).entries).toEqual([
      { registry: 'ghcr.io' },
      { registry: 'docker.io', username: 'acme', password: '' }
    ]);
  });

  test('a Docker Hub token is a pull credential', () => {
    const listed = entries({ 'dockerhub-username': 'acme', 'dockerhub-token': 'dckr_pat' }, images);
    expect(pullLogins(listed, facts).entries).toContainEqual({
      registry: 'docker.io',
      username: 'acme',
      password: 'dckr_pat'
    });
  });
});

describe('the Docker Hub inputs of the root action', () => {
  test.each([
    [
      'u',
      '',
      '',
      'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-username"'
    ],
    [
      '',
      't',
      '',
      'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-token"'
    ],
    ['u', 't', '', ''],
    ['', '', '', ''],
    ['acme', '', ID, ''],
    ['', '', ID, '']
  ])('the pair %j %j with connection %j', (username, token, connection, message) => {
    const check = () => checkDockerHubPair(username, token, connection);
    if (message) expect(check).toThrow(message);
    else expect(check).not.toThrow();
  });

  test.each([
    [
      'dckr_pat',
      ID,
      '',
      'Inputs "dockerhub-token" and "dockerhub-oidc-connection-id" both give the Docker Hub login'
    ],
    ['', 'nope', '', 'Input "dockerhub-oidc-connection-id" must be the UUID'],
    ['', '', 'nope', 'DOCKERHUB_OIDC_CONNECTIONID must be the UUID']
  ])('token %j, input %j, env %j', (token, input, env, message) => {
    expect(() => checkDockerConnection(token, input, env)).toThrow(message);
  });

  test('a token beside the environment variable: the token is used, no error', () => {
    expect(() => checkDockerConnection('dckr_pat', '', 'whatever')).not.toThrow();
  });

  test('the GHCR login the root action adds needs the github-token and the actor', () => {
    expect(() => checkAddedLogins([{ registry: 'ghcr.io' }], 't', 'mona')).not.toThrow();
    expect(() => checkAddedLogins([{ registry: 'ghcr.io' }], 't', '')).toThrow('GITHUB_ACTOR is not set');
    expect(() => checkAddedLogins([{ registry: 'x', username: 'u', password: '' }], '', '')).not.toThrow();
  });
});

describe('reading the root action login inputs: checked on every event', () => {
  test.each<[string, Record<string, string>, string]>([
    ['logout', { logout: 'maybe' }, 'Input "logout" must be true or false, got "maybe"'],
    [
      'a registry that is no host',
      { registry: 'not a host', username: 'u' },
      'Input "registry" is not a registry host'
    ],
    [
      'a scoped item',
      { 'registry-auth': '- {registry: a.io, username: u, password: p, scope: "@push"}' },
      'Input "registry-auth" item 1 has a scope, which only the login stage takes'
    ],
    [
      'a Docker Hub token and a connection',
      { 'dockerhub-token': 't', 'dockerhub-oidc-connection-id': ID },
      'both give the Docker Hub login'
    ],
    ['a lifetime out of range', { 'dockerhub-oidc-lifetime': '60' }, 'Input "dockerhub-oidc-lifetime"']
  ])('%s', (_, values, message) => {
    expect(() => rootInputs(values)).toThrow(InputError);
    expect(() => rootInputs(values)).toThrow(message);
  });

  test('empty credentials are no error where nothing logs in (a pull request without secrets)', () => {
    expect(() => rootInputs({ username: 'u' })).not.toThrow();
    expect(decide({ username: 'u' }, { push: false, pull: false })).toEqual({
      logins: [],
      logout: true,
      event: 'push'
    });
  });
});

describe('decideLogins', () => {
  test('the stage alone: its own logins, whatever the upstream', () => {
    const logins = [{ registry: 'a.io', username: 'u', password: 'p', githubToken: false }];
    expect(decideLogins({ kind: 'stage', logins, logout: false }, undefined, ctxOf())).toEqual({
      logins,
      logout: false,
      event: 'push'
    });
  });

  test('a push: the user listed, then GHCR and Docker Hub from the images', () => {
    expect(
      decide(
        {
          'registry-auth': '- {registry: quay.io, username: bot, password: q}',
          registry: '127.0.0.1:5000',
          username: 'u',
          password: 'p',
          'github-token': 'ghs_x',
          'dockerhub-username': 'acme',
          'dockerhub-token': 'dckr_pat'
        },
        { images: ['ghcr.io/o/app', 'docker.io/acme/app'] }
      )
    ).toEqual({
      logins: [
        { registry: 'quay.io', username: 'bot', password: 'q', githubToken: false },
        { registry: '127.0.0.1:5000', username: 'u', password: 'p', githubToken: false },
        { registry: 'ghcr.io', username: 'mona', password: 'ghs_x', githubToken: true },
        { registry: 'docker.io', username: 'acme', password: 'dckr_pat', githubToken: false }
      ],
      logout: true,
      event: 'push',
      skipped: [],
      pullsOnly: false
    });
  });

  test('pulls only: what the event has, the rest skipped with why', () => {
    const env = { ...BASE_ENV, GITHUB_EVENT_NAME: 'pull_request' };
    expect(
      decide(
        { 'github-token': 'ghs_x', 'dockerhub-username': 'acme' },
        { images: ['ghcr.io/o/app', 'docker.io/acme/app'], push: false, pull: true, trusted: false },
        env
      )
    ).toEqual({
      logins: [{ registry: 'ghcr.io', username: 'mona', password: 'ghs_x', githubToken: true }],
      logout: true,
      event: 'pull_request',
      skipped: ['docker.io: no password on this event'],
      pullsOnly: true
    });
  });

  test('a Docker OIDC login on a trusted event; the job must be able to mint an ID token', () => {
    const values = { 'dockerhub-username': 'acme', 'dockerhub-oidc-connection-id': ID };
    const up = { images: ['docker.io/acme/app'] };
    expect(decide(values, up, { ...BASE_ENV, ...MINT }).logins).toEqual([
      {
        registry: 'docker.io',
        username: 'acme',
        password: '',
        githubToken: false,
        oidc: { connectionId: ID, lifetime: 3600 }
      }
    ]);
    expect(() => decide(values, up)).toThrow('The Docker OIDC connection for docker.io cannot be used');
    // A fork's pull request: no OIDC login, so no ID token needed.
    expect(decide(values, { ...up, push: false, pull: true, trusted: false }).logins).toEqual([]);
  });

  test.each<[string, Record<string, string>, Partial<LoginUpstream>, string]>([
    [
      'username without password: the inputs the user set',
      { username: 'u' },
      {},
      'Input "password" is required to log in to docker.io (set: "username", and "registry" is empty, which means Docker Hub)'
    ],
    [
      'a registry with a username and no password',
      { registry: '127.0.0.1:5000', username: 'u' },
      {},
      'Input "password" is required to log in to 127.0.0.1:5000 (set: "registry" and "username")'
    ],
    [
      'the same registry in registry and registry-auth',
      {
        registry: 'a.io',
        username: 'u',
        password: 'p',
        'registry-auth': '- {registry: a.io, username: v, password: q}'
      },
      {},
      'Inputs "registry" and "registry-auth" both log in to a.io: list it once'
    ],
    [
      'an empty github-token for the GHCR login the root action adds',
      {},
      {},
      'Input "github-token" is empty, and it is the password for ghcr.io, where the images are pushed'
    ],
    [
      'a Docker Hub username without its token, on a push',
      { 'dockerhub-username': 'mona', 'github-token': 't' },
      {},
      'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-username"'
    ],
    [
      'an item without a password, on a push',
      { 'registry-auth': '- {registry: a.io, username: u}', 'github-token': 't' },
      {},
      'Input "registry-auth" item 1 "password" is required to log in to a.io'
    ]
  ])('%s', (_, values, up, message) => {
    expect(() => decide(values, up)).toThrow(InputError);
    expect(() => decide(values, up)).toThrow(message);
  });

  test('the same pair on a pull request is no error: a fork gets the username but not the token', () => {
    expect(() =>
      decide({ 'dockerhub-username': 'mona' }, { push: false, pull: true, trusted: false })
    ).not.toThrow();
  });

  test('the root action renames the inputs as data: every name in a two-input message', () => {
    const err = (() => {
      try {
        decide({
          registry: 'a.io',
          username: 'u',
          password: 'p',
          'registry-auth': '- {registry: a.io, username: v, password: q}'
        });
      } catch (e) {
        return e as InputError;
      }
      throw new Error('no error');
    })();
    expect(err.inputs).toEqual(['registry', 'registry-auth']);
    expect(err.renamed(n => `x-${n}`).message).toBe(
      'Inputs "x-registry" and "x-registry-auth" both log in to a.io: list it once'
    );
  });
});
