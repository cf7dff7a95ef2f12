import { handoffRefs, handoffTag, platformSlug } from '../../../src/pipeline/handoff.js';
import { mergeArgs } from '../../../src/pipeline/merge-args.js';
import { pruneFailed } from '../../../src/pipeline/prune-failure.js';

describe('handoff tags', () => {
  test.each([
    ['linux/amd64', 'linux-amd64'],
    ['linux/arm64/v8', 'linux-arm64-v8'],
    ['linux/arm/v7', 'linux-arm-v7']
  ])('%s -> %s', (platform, slug) => {
    expect(platformSlug(platform)).toBe(slug);
  });

  test('an invalid platform names the input and the value', () => {
    expect(() => platformSlug('linux')).toThrow('Input "platforms" has an invalid platform "linux"');
    expect(() => platformSlug('Linux/AMD64')).toThrow('"Linux/AMD64"');
  });

  test('tags are scoped to the run and reference every image', () => {
    expect(handoffTag('8123456789', 'linux/arm64')).toBe('handoff-8123456789-linux-arm64');
    expect(handoffRefs(['ghcr.io/o/r', 'docker.io/u/r'], '7', 'linux/amd64')).toEqual([
      'ghcr.io/o/r:handoff-7-linux-amd64',
      'docker.io/u/r:handoff-7-linux-amd64'
    ]);
    expect(() => handoffTag('abc', 'linux/amd64')).toThrow('GITHUB_RUN_ID must be a number');
  });
});

describe('mergeArgs', () => {
  test('exact argv: index annotations, every tag, sources by digest', () => {
    expect(
      mergeArgs({
        tags: ['ghcr.io/o/r:1.2.3', 'ghcr.io/o/r:latest'],
        sources: ['ghcr.io/o/r@sha256:aa', 'ghcr.io/o/r@sha256:bb'],
        annotations: [
          'org.opencontainers.image.description=Hi, there',
          'index:org.opencontainers.image.licenses=MIT'
        ]
      })
    ).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--annotation',
      'index:org.opencontainers.image.description=Hi, there',
      '--annotation',
      'index:org.opencontainers.image.licenses=MIT',
      '--tag',
      'ghcr.io/o/r:1.2.3',
      '--tag',
      'ghcr.io/o/r:latest',
      '--',
      'ghcr.io/o/r@sha256:aa',
      'ghcr.io/o/r@sha256:bb'
    ]);
  });
});

describe('a prune that fails after the push', () => {
  const pushed = 'ghcr.io/o/r@sha256:aa';
  test('says the image is out, then what failed', () => {
    expect(pruneFailed(pushed, 'r: DELETE version 7 of r: 403 Forbidden')).toBe(
      'The image was pushed (ghcr.io/o/r@sha256:aa), but pruning failed: r: DELETE version 7 of r: 403 Forbidden'
    );
  });

  test('names the API call an error from the GitHub client answered', () => {
    const err = Object.assign(new Error('Not Found'), {
      status: 404,
      request: {
        method: 'GET',
        url: 'https://api.github.com/orgs/o/packages/container/r/versions?per_page=100&page=1'
      }
    });
    expect(pruneFailed(pushed, new Error('listing failed', { cause: err }))).toBe(
      'The image was pushed (ghcr.io/o/r@sha256:aa), but pruning failed at ' +
        'GET /orgs/o/packages/container/r/versions?per_page=100&page=1: listing failed'
    );
  });
});
