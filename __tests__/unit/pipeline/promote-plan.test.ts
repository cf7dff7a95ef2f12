import { pushOrder, type ImageGraph, type GraphManifest } from '../../../src/pipeline/promote/graph.js';
import { planTarget, targetsOf, totals } from '../../../src/pipeline/promote/plan.js';
import { sourceProblem, chooseSource, missingSource } from '../../../src/pipeline/promote/source.js';
import { tagRefusal } from '../../../src/pipeline/promote/apply.js';
import { promoteSummary } from '../../../src/pipeline/promote/summary.js';
import { parseManifest } from '../../../src/common/registry/media.js';
import { RegistryError } from '../../../src/common/registry/errors.js';
import { InputError } from '../../../src/common/runner.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const blob = (c: string, size: number) => ({ mediaType: 'x', digest: d(c), size });
const graph: ImageGraph = {
  digest: d('0'),
  manifests: [d('1'), d('2'), d('0')].map(digest => ({
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    bytes: Buffer.from('{}'),
    parsed: parseManifest('{"config":{"digest":"' + d('a') + '"}}')
  })),
  blobs: [blob('a', 10), blob('b', 1000), blob('c', 5)],
  referrers: new Map()
};
const source = { registry: 'ghcr.io', repository: 'o/src' };
const state = (blobs: string[], manifests: string[], tags: [string, string | undefined][]) => ({
  blobs: new Set(blobs),
  manifests: new Set(manifests),
  tags: new Map(tags)
});

test('same registry, other repository: missing blobs are mounted, present ones skipped', () => {
  const target = {
    image: 'ghcr.io/o/app',
    registry: 'ghcr.io',
    repository: 'o/app',
    tags: ['1.2.3', 'latest']
  };
  const plan = planTarget(graph, source, target, state([d('a')], [d('1')], [['latest', d('9')]]));
  expect(plan.blobs.map(b => b.action)).toEqual(['skip', 'mount', 'mount']);
  expect(plan.manifests.map(m => m.action)).toEqual(['skip', 'put', 'put']);
  expect(plan.tags).toEqual([
    { tag: '1.2.3', action: 'put' },
    { tag: 'latest', action: 'put', from: d('9') }
  ]);
  expect(totals(plan)).toMatchObject({
    mounted: 2,
    mountedBytes: 1005,
    copied: 0,
    skipped: 1,
    skippedBytes: 10
  });
});

test('another registry: missing blobs are copied; a tag already at the digest is kept', () => {
  const target = { image: 'docker.io/u/app', registry: 'docker.io', repository: 'u/app', tags: ['1.2.3'] };
  const plan = planTarget(graph, source, target, state([], [], [['1.2.3', d('0')]]));
  expect(plan.blobs.map(b => b.action)).toEqual(['copy', 'copy', 'copy']);
  expect(plan.tags).toEqual([{ tag: '1.2.3', action: 'keep' }]);
  expect(totals(plan)).toMatchObject({ copied: 3, copiedBytes: 1015, tagsPut: 0, tagsKept: 1 });
  expect(promoteSummary({ source: 'ghcr.io/o/src:sha-1', digest: d('0'), plans: [plan] })).toContain(
    '| `docker.io/u/app` | `1.2.3` (kept) | 0 | 3 (1015 B) | 0 | 3 |'
  );
});

test('targets: one per image with its tags', () => {
  const parse = (image: string) => ({
    registry: image.split('/')[0],
    repository: image.split('/').slice(1).join('/')
  });
  expect(
    targetsOf(
      ['ghcr.io/o/a', 'docker.io/u/a'],
      ['ghcr.io/o/a:1', 'docker.io/u/a:1', 'ghcr.io/o/a:latest'],
      parse
    )
  ).toEqual([
    { image: 'ghcr.io/o/a', registry: 'ghcr.io', repository: 'o/a', tags: ['1', 'latest'] },
    { image: 'docker.io/u/a', registry: 'docker.io', repository: 'u/a', tags: ['1'] }
  ]);
});

describe('source', () => {
  const index = (platforms: string[]) =>
    parseManifest(
      JSON.stringify({
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: platforms.map((p, i) => {
          const [os, architecture] = p.split('/');
          return { mediaType: 'x', digest: d(String(i + 1)), size: 1, platform: { os, architecture } };
        })
      })
    );
  const image = parseManifest(JSON.stringify({ config: { digest: d('a'), size: 1 }, layers: [] }));
  test('default: the first image under sha-<short>; an input error for a reference without tag or digest', () => {
    const choice = chooseSource('', ['ghcr.io/o/app', 'docker.io/u/app'], 'abc1234');
    expect(choice.text).toBe('ghcr.io/o/app:sha-abc1234');
    expect(missingSource(choice).message).toMatch(/Add "type=sha" to the tags of the branch builds/);
    expect(() => chooseSource('ghcr.io/o/App:1', [], 'x')).toThrow(InputError);
  });
  test.each([
    [index(['linux/amd64', 'linux/arm64', 'unknown/unknown']), ['linux/amd64', 'linux/arm64'], ''],
    [index(['linux/amd64']), ['linux/amd64', 'linux/arm64'], 'holds linux/amd64, not linux/arm64'],
    [image, ['linux/amd64', 'linux/arm64'], 'is a single-platform image'],
    [image, ['linux/amd64'], ''],
    [index(['unknown/unknown']), ['linux/amd64'], 'names no image']
  ])('%#', (parsed, platforms, problem) => {
    const text = sourceProblem('src', d('0'), parsed, platforms);
    if (problem) expect(text).toContain(problem);
    else expect(text).toBe('');
  });
});

test("a registry's refusal to move a tag names the tag, the repository and Docker Hub's rule", () => {
  const target = { image: 'docker.io/u/app', registry: 'docker.io', repository: 'u/app', tags: ['latest'] };
  const err = new RegistryError('PUT u/app:latest: 403 DENIED: immutable', 403, 'DENIED');
  const text = tagRefusal(target, 'latest', d('1'), d('2'), err);
  expect(text).toContain(
    `The registry refused to point docker.io/u/app:latest at ${d('2')} (it is at ${d('1')})`
  );
  expect(text).toContain('tag mutability setting on Docker Hub');
  expect(text).toContain('403 DENIED');
});

test('push order: entries before their index, referrers after their subject', () => {
  const node = (digest: string, doc: object): GraphManifest => ({
    digest,
    mediaType: 'x',
    bytes: Buffer.from(''),
    parsed: parseManifest(JSON.stringify(doc))
  });
  const image = { config: { digest: d('a'), size: 1 }, layers: [] };
  const index = node(d('0'), {
    manifests: [
      { digest: d('1'), size: 1 },
      { digest: d('2'), size: 1 }
    ]
  });
  const found = new Map([
    [d('0'), index],
    [d('1'), node(d('1'), image)],
    [d('2'), node(d('2'), image)],
    [d('3'), node(d('3'), { ...image, subject: { digest: d('0'), size: 1 } })],
    [d('4'), node(d('4'), { ...image, subject: { digest: d('1'), size: 1 } })],
    [d('5'), node(d('5'), { ...image, subject: { digest: d('3'), size: 1 } })]
  ]);
  const referrers = new Map([
    [d('0'), [{ mediaType: 'x', digest: d('3'), size: 1 }]],
    [d('1'), [{ mediaType: 'x', digest: d('4'), size: 1 }]],
    [d('3'), [{ mediaType: 'x', digest: d('5'), size: 1 }]]
  ]);
  expect(pushOrder(d('0'), found, referrers).map(m => m.digest)).toEqual([
    d('1'),
    d('4'),
    d('2'),
    d('0'),
    d('3'),
    d('5')
  ]);
});
