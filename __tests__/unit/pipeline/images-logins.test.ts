import { defaultImages } from '../../../src/pipeline/images.js';
import { checkDockerHubPair, loginEntries, type LoginSources } from '../../../src/pipeline/logins.js';

describe('default images', () => {
  test.each([
    ['Octo-Org/Hello-World', '', ['ghcr.io/octo-org/hello-world']],
    ['octo-org/app', 'Mona', ['ghcr.io/octo-org/app', 'docker.io/mona/app']]
  ])('%s with docker hub user %j', (repository, user, expected) => {
    expect(defaultImages({ GITHUB_REPOSITORY: repository }, user)).toEqual(expected);
  });

  test('a missing GITHUB_REPOSITORY is an error', () => {
    expect(() => defaultImages({}, '')).toThrow('GITHUB_REPOSITORY must be owner/repo, got ""');
  });
});

describe('login entries', () => {
  const none: LoginSources = {
    images: [],
    registry: '',
    username: '',
    password: '',
    registryAuth: '',
    dockerhubUsername: '',
    dockerhubToken: ''
  };

  test.each<[string, Partial<LoginSources>, object[]]>([
    ['nothing to log in to', { images: ['127.0.0.1:5001/o/r'] }, []],
    ['GHCR with the github token', { images: ['ghcr.io/o/r'] }, [{ registry: 'ghcr.io' }]],
    [
      'GHCR and Docker Hub',
      { images: ['ghcr.io/o/r', 'docker.io/u/r'], dockerhubUsername: 'u', dockerhubToken: 't' },
      [{ registry: 'ghcr.io' }, { registry: 'docker.io', username: 'u', password: 't' }]
    ],
    [
      'an explicit registry-auth entry for GHCR wins',
      { images: ['ghcr.io/o/r'], registryAuth: '- registry: ghcr.io\n  username: bot\n  password: pat' },
      [{ registry: 'ghcr.io', username: 'bot', password: 'pat' }]
    ],
    [
      'the single registry inputs, Docker Hub by default',
      { images: ['u/r'], username: 'u', password: 'p' },
      [{ registry: 'docker.io', username: 'u', password: 'p' }]
    ]
  ])('%s', (_, given, expected) => {
    expect(loginEntries({ ...none, ...given })).toEqual(expected);
  });
});

describe('the Docker Hub pair', () => {
  test.each([
    ['u', '', 'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-username"'],
    ['', 't', 'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-token"'],
    ['u', 't', ''],
    ['', '', '']
  ])('Docker Hub pair %j %j', (dockerhubUsername, dockerhubToken, message) => {
    const check = () => checkDockerHubPair(dockerhubUsername, dockerhubToken);
    if (message) expect(check).toThrow(message);
    else expect(check).not.toThrow();
  });
});
