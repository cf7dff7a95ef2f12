import { loginEntries, checkDockerConnection, checkDockerHubPair } from '../../../src/pipeline/logins.js';
import { pullLogins } from '../../../src/pipeline/pull-logins.js';

const ID = '0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f';
const none = {
  images: ['ghcr.io/o/app', 'docker.io/acme/app'],
  registry: '',
  username: '',
  password: '',
  registryAuth: '',
  dockerhubUsername: '',
  dockerhubToken: ''
};
const facts = { githubToken: 'ghs_x', actor: 'mona', trusted: false, dockerConnection: false };

describe('logins on a run that pushes nothing', () => {
  test('GHCR with the job token and the items that have a password', () => {
    const listed = loginEntries({
      ...none,
      images: ['127.0.0.1:5000/o/app'],
      registryAuth:
        '- registry: quay.io\n  username: bot\n  password: p\n- registry: 127.0.0.1:5000\n  username: u\n  password: ""\n'
    });
    expect(pullLogins(listed, facts)).toEqual({
      entries: [{ registry: 'quay.io', username: 'bot', password: 'p' }],
      skipped: ['127.0.0.1:5000: no password on this event']
    });
    // GHCR where an image or an item names it, with the job token.
    const ghcr = loginEntries({ ...none, registryAuth: '- registry: ghcr.io\n' });
    expect(pullLogins(ghcr, facts).entries).toEqual([{ registry: 'ghcr.io', username: '', password: '' }]);
  });

  test('no credentials: no login', () => {
    expect(pullLogins(loginEntries(none), { ...facts, githubToken: '' }).entries).toEqual([]);
  });

  test('Docker OIDC: not where the code may be a fork', () => {
    const listed = loginEntries({ ...none, dockerhubUsername: 'acme', dockerConnection: ID });
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
    const listed = loginEntries({ ...none, dockerhubUsername: 'acme', dockerhubToken: 'dckr_pat' });
    expect(pullLogins(listed, facts).entries).toContainEqual({
      registry: 'docker.io',
      username: 'acme',
      password: 'dckr_pat'
    });
  });
});

describe('Docker OIDC inputs of the root action', () => {
  test('dhi.io joins with the connection where an image names it', () => {
    const entries = loginEntries({
      ...none,
      images: ['dhi.io/acme/app', 'ghcr.io/o/app'],
      dockerhubUsername: 'acme',
      dockerConnection: ID
    });
    expect(entries).toEqual([
      { registry: 'ghcr.io' },
      { registry: 'docker.io', username: 'acme', password: '' },
      { registry: 'dhi.io', username: 'acme' }
    ]);
  });

  test('the pair: the organization needs no token with a connection', () => {
    expect(() => checkDockerHubPair('acme', '', ID)).not.toThrow();
    expect(() => checkDockerHubPair('acme', '', '')).toThrow('go together');
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
});
