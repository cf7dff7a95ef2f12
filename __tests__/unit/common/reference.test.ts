import { InputError } from '../../../src/common/runner.js';
import {
  apiHost,
  authKey,
  checkRegistry,
  imageNameProblem,
  isDockerHub,
  isLoopbackHost,
  parseReference,
  registryBaseUrl,
  registryHost,
  registryOf
} from '../../../src/common/reference.js';

describe('parseReference', () => {
  test.each([
    ['alpine', { registry: 'docker.io', name: 'alpine', path: 'library/alpine' }],
    ['octo/app:1.2', { registry: 'docker.io', name: 'octo/app', path: 'octo/app', tag: '1.2' }],
    [
      'ghcr.io/octo-org/hello-world:main',
      { registry: 'ghcr.io', name: 'ghcr.io/octo-org/hello-world', path: 'octo-org/hello-world', tag: 'main' }
    ],
    [
      '127.0.0.1:5001/a/b:V1_x',
      { registry: '127.0.0.1:5001', name: '127.0.0.1:5001/a/b', path: 'a/b', tag: 'V1_x' }
    ],
    ['localhost/a__b/c-d.e', { registry: 'localhost', name: 'localhost/a__b/c-d.e', path: 'a__b/c-d.e' }],
    [
      `ghcr.io/o/app@sha256:${'a'.repeat(64)}`,
      { registry: 'ghcr.io', name: 'ghcr.io/o/app', path: 'o/app', digest: `sha256:${'a'.repeat(64)}` }
    ]
  ])('%s', (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });

  test.each([
    [
      'ghcr.io/Octo/app:1',
      '"ghcr.io/Octo/app:1" has upper case in the repository name (repository names are lower case: "ghcr.io/octo/app:1")'
    ],
    ['Octo/app', '"Octo/app" has upper case in the repository name'],
    ['ghcr.io/o/app:v1+build', '"ghcr.io/o/app:v1+build" has an invalid tag "v1+build"'],
    ['ghcr.io/o/app:-x', 'has an invalid tag "-x"'],
    [`ghcr.io/o/app:${'x'.repeat(129)}`, 'has an invalid tag'],
    ['ghcr.io/o/app:', 'has an invalid tag ""'],
    ['ghcr.io/o/-app', 'has an invalid repository name component "-app"'],
    ['ghcr.io/o//app', 'has an invalid repository name component ""'],
    ['ghcr.io/', 'has no repository name'],
    ['ghcr.io/o/app@sha256:abc', 'has an invalid digest "sha256:abc"'],
    ['my app', 'contains white space'],
    ['', 'is empty']
  ])('%j fails: %s', (ref, message) => {
    expect(() => parseReference(ref)).toThrow(InputError);
    expect(() => parseReference(ref)).toThrow(
      `Input "tags": ${message.startsWith('"') ? '' : `"${ref}" `}${message}`
    );
  });

  test('apiHost sends Docker Hub to registry-1', () => {
    expect([apiHost('docker.io'), apiHost('ghcr.io')]).toEqual(['registry-1.docker.io', 'ghcr.io']);
  });
});

describe('registry hosts', () => {
  test.each([
    ['', 'https://index.docker.io/v1/', true],
    ['docker.io', 'https://index.docker.io/v1/', true],
    ['registry-1.docker.io', 'https://index.docker.io/v1/', true],
    ['ghcr.io', 'ghcr.io', false],
    ['https://GHCR.io/', 'ghcr.io', false],
    ['127.0.0.1:5001', '127.0.0.1:5001', false]
  ])('%j → key %j', (registry, key, hub) => {
    expect(authKey(registry)).toBe(key);
    expect(isDockerHub(registry)).toBe(hub);
  });

  test.each([
    ['', 'docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['https://ghcr.io', 'https://ghcr.io'],
    ['[::1]:5000', '[::1]:5000'],
    ['registry.example.com/some/path', 'registry.example.com/some/path']
  ])('checkRegistry(%j) = %j', (input, expected) => {
    expect(checkRegistry(input, 'registry')).toBe(expected);
  });

  test.each(['ghcr io', 'ghcr.io:port', '-bad.io', 'a..b'])('checkRegistry(%j) fails', input => {
    expect(() => checkRegistry(input, 'registry')).toThrow(
      `Input "registry" is not a registry host: "${input}"`
    );
  });

  test('registryHost drops scheme and path', () => {
    expect(registryHost('https://Example.com:443/v2/')).toBe('example.com:443');
  });

  test.each([
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['', 'registry-1.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['https://GHCR.io/', 'ghcr.io']
  ])('apiHost(%j) = %j', (registry, host) => expect(apiHost(registry)).toBe(host));
});

describe('registryOf', () => {
  test.each([
    ['ghcr.io/o/r', 'ghcr.io'],
    ['127.0.0.1:5001/o/r', '127.0.0.1:5001'],
    ['localhost/r', 'localhost'],
    ['mona/app', 'docker.io'],
    ['app', 'docker.io']
  ])('registry of %s is %s', (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });
});

describe('loopback', () => {
  test.each([
    ['localhost', true],
    ['LOCALHOST:5000', true],
    ['127.0.0.1', true],
    ['127.3.4.5:5001', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['::1', true],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
    ['ghcr.io', false],
    ['[::2]:5000', false]
  ])('isLoopbackHost(%j) = %j', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback));

  test.each([
    ['ghcr.io', 'https://ghcr.io'],
    ['docker.io', 'https://registry-1.docker.io'],
    ['127.0.0.1:5003', 'http://127.0.0.1:5003'],
    ['localhost:5000/', 'http://localhost:5000'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['https://127.0.0.1:5003/', 'https://127.0.0.1:5003']
  ])('registryBaseUrl(%j) = %j', (registry, url) => expect(registryBaseUrl(registry)).toBe(url));
});

describe('imageNameProblem', () => {
  test.each([
    ['ghcr.io/octo/app', ''],
    ['127.0.0.1:5001/a/b', ''],
    ['alpine', ''],
    ['a.b_c/x', ''],
    ['ghcr.io/octo/app:1', 'an image name without a tag or digest (tags come from the tags input)'],
    ['ghcr.io/octo/app@sha256:abc', 'an image name without a tag or digest (tags come from the tags input)'],
    [
      'ghcr.io/octo/-app',
      'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators'
    ],
    [
      `x/${'a'.repeat(254)}`,
      'a registry host, then path components of a-z, 0-9 and single . _ __ or - separators'
    ]
  ])('%j', (name, problem) => expect(imageNameProblem(name)).toBe(problem));
});
