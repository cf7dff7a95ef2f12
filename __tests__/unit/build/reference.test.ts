import { InputError } from '../../../src/common/runner.js';
import {
  parsePlatform,
  platformKey,
  builderPlatformKeys,
  hostArch,
  nativeArches
} from '../../../src/build/platforms.js';
import { apiHost, parseReference } from '../../../src/build/reference.js';

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

describe('platforms', () => {
  test.each([
    ['linux/amd64', { os: 'linux', arch: 'amd64' }, 'linux/amd64'],
    ['linux/arm64/v8', { os: 'linux', arch: 'arm64', variant: 'v8' }, 'linux/arm64'],
    ['linux/arm', { os: 'linux', arch: 'arm' }, 'linux/arm/v7'],
    ['linux/arm/v6', { os: 'linux', arch: 'arm', variant: 'v6' }, 'linux/arm/v6'],
    ['linux/amd64/v3', { os: 'linux', arch: 'amd64', variant: 'v3' }, 'linux/amd64'],
    ['windows/amd64', { os: 'windows', arch: 'amd64' }, 'windows/amd64']
  ])('%s', (text, platform, key) => {
    expect(parsePlatform(text)).toEqual(platform);
    expect(platformKey(parsePlatform(text))).toBe(key);
  });

  test.each([
    ['linux', 'is not a platform (os/arch or os/arch/variant, e.g. linux/arm64)'],
    ['linux/amd64/v2/x', 'is not a platform'],
    ['linux//amd64', 'is not a platform'],
    ['Linux/AMD64', 'must be lower case ("linux/amd64")'],
    ['linux/x86_64', 'has an unknown architecture "x86_64" (did you mean linux/amd64?)'],
    ['linux/aarch64', 'has an unknown architecture "aarch64" (did you mean linux/arm64?)'],
    ['linux/sparc', 'has an unknown architecture "sparc"'],
    ['haiku/amd64', 'has an unknown operating system "haiku"'],
    ['linux/arm/7', 'has an invalid variant "7"']
  ])('%j fails: %s', (text, message) => {
    expect(() => parsePlatform(text)).toThrow(`Input "platforms": "${text}" ${message}`);
  });

  test('builder lists compare by key; user-set platforms carry a *', () => {
    expect([
      ...builderPlatformKeys(['linux/amd64', ' linux/amd64/v2', 'linux/arm64*', 'linux/arm/v7'])
    ]).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
  });

  test('host architecture in Go names', () => {
    expect([hostArch('x64'), hostArch('arm64'), hostArch('s390x')]).toEqual(['amd64', 'arm64', 's390x']);
    expect(nativeArches('amd64')).toEqual(['amd64', '386']);
    expect(nativeArches('arm64')).toEqual(['arm64']);
  });
});
