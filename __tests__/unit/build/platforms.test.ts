import {
  parsePlatform,
  platformKey,
  builderPlatformKeys,
  hostArch,
  nativeArches
} from '../../../src/build/platforms.js';

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
