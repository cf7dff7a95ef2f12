/**
 * Planning that reads only what changes the decision: the plan names the manifests it needs, they
 * are read, and it is planned again, until it needs nothing more. Exact plans and exact reads.
 */
import type { ManifestRead, PackagePlan, PlanInput } from '../../../src/prune/model.js';
import { planPackage } from '../../../src/prune/plan.js';
import { d, input, multiArch, named, policy, readable, type Node } from './fixtures.js';

/** Plans lazily over a package whose every manifest is known, reading as the plan asks. */
function planLazily(nodes: Node[], pol = policy(), extra: Parameters<typeof input>[2] = {}) {
  const full = input(nodes, pol, extra);
  const isIndex = new Set(nodes.filter(n => n.children?.length).map(n => d(n.name)));
  const manifests = new Map<string, ManifestRead>();
  const reads: string[][] = [];
  const registryTags = new Map(full.registryTags);
  const run = (): PackagePlan => planPackage({ ...full, manifests, registryTags, lazy: true } as PlanInput);
  for (let plan = run(); ; plan = run()) {
    if (!plan.needs?.length) return { plan: readable(plan), reads };
    reads.push(plan.needs.map(named).sort());
    for (const digest of plan.needs) {
      const read = full.manifests.get(digest)!;
      manifests.set(
        digest,
        read.status === 'ok' ? { ...read, indexChildren: read.children.filter(c => isIndex.has(c)) } : read
      );
    }
  }
}

const ref = (name: string) => d(name).replace(':', '-');

describe('lazy planning: only what changes the decision is read', () => {
  test('keep 1 tagged: the kept index is read, nothing else; the rest goes from the listing alone', () => {
    const { plan, reads } = planLazily(
      [...multiArch('v2', { tags: ['v2'], age: 10 }), ...multiArch('v1', { tags: ['v1'], age: 20 })],
      policy({ keepNTagged: 1 })
    );
    expect(reads).toEqual([['v2']]);
    expect(plan).toEqual({
      deleted: [
        ['v1', 'beyond the 1 newest tagged images (keep-n-tagged)'],
        // not read: untagged, newest first (the listing's order), after every tagged candidate
        ['v1/att-arm64', 'untagged and not used by any kept image'],
        ['v1/att-amd64', 'untagged and not used by any kept image'],
        ['v1/arm64', 'untagged and not used by any kept image'],
        ['v1/amd64', 'untagged and not used by any kept image']
      ],
      kept: [
        ['v2/att-arm64', 'part of kept v2'],
        ['v2/att-amd64', 'part of kept v2'],
        ['v2/arm64', 'part of kept v2'],
        ['v2/amd64', 'part of kept v2'],
        ['v2', 'one of the 1 newest tagged images (keep-n-tagged)']
      ],
      tagRemovals: []
    });
  });

  test('a nested index under a kept root is read; a leaf under it is not', () => {
    const { plan, reads } = planLazily([
      { name: 'T', tags: ['t'], children: ['N', 'leaf'] },
      { name: 'N', children: ['L'] },
      { name: 'L' },
      { name: 'leaf' },
      { name: 'loose', age: 200 }
    ]);
    expect(reads).toEqual([['T'], ['N']]);
    expect(plan.deleted).toEqual([['loose', 'untagged and not used by any kept image']]);
    expect(plan.kept.map(k => k[0]).sort()).toEqual(['L', 'N', 'T', 'leaf']);
  });

  test('a tag the package list lacks is a root and is read; so is a young untagged image (older-than)', () => {
    const { plan, reads } = planLazily(
      [
        { name: 'w', age: 1, children: ['w/a'] },
        { name: 'w/a', age: 1 },
        { name: 'u', children: ['u/a'] },
        { name: 'u/a' }
      ],
      policy({ olderThanMs: 7 * 86_400_000, olderThan: '7d' }),
      { registryTags: [['edge', 'u']] }
    );
    // every young version is a root of its own (older-than), so it is read
    expect(reads).toEqual([['u', 'w', 'w/a']]);
    expect(plan.deleted).toEqual([]);
    expect(plan.kept).toContainEqual(['u/a', 'part of kept edge']);
    expect(plan.kept).toContainEqual(['w', 'newer than 7d (older-than)']);
  });

  test('attestations (referrers tag schema): a kept image keeps them, a deleted one takes them along', () => {
    const nodes: Node[] = [
      ...multiArch('v2', { tags: ['v2'], age: 10 }),
      { name: 'att2', subject: 'v2', age: 10 },
      { name: 'refs2', tags: [ref('v2')], children: ['att2'], age: 10 },
      ...multiArch('v1', { tags: ['v1'], age: 20 }),
      { name: 'att1', subject: 'v1', age: 20 },
      { name: 'refs1', tags: [ref('v1')], children: ['att1'], age: 20 }
    ];
    const { plan, reads } = planLazily(nodes, policy({ keepNTagged: 1 }));
    // every referrers index is known from its tag and read, kept or not: the referrers it lists
    // belong to its subject (a kept one is read in turn, as every kept attachment is)
    expect(reads).toEqual([['refs1', 'refs2', 'v2'], ['att2']]);
    expect(plan.kept).toContainEqual(['refs2', 'referrers index of kept v2']);
    expect(plan.kept).toContainEqual(['att2', 'referrer of kept v2']);
    // the deleted image's attestation goes with it, before it, not as an untagged image of its own
    expect(plan.deleted.slice(0, 3)).toEqual([
      ['refs1', 'referrers index of deleted v1'],
      ['att1', 'referrer of deleted v1'],
      ['v1', 'beyond the 1 newest tagged images (keep-n-tagged)']
    ]);
    expect(plan.deleted.map(x => x[0]).sort()).toEqual(
      ['refs1', 'v1', 'att1', ...['amd64', 'arm64', 'att-amd64', 'att-arm64'].map(p => `v1/${p}`)].sort()
    );
  });
});

describe('attestations are never images of their own', () => {
  const nodes = (): Node[] => [
    ...multiArch('v3', { tags: ['v3'], age: 5 }),
    { name: 'att3', subject: 'v3', age: 5 },
    { name: 'refs3', tags: [ref('v3')], children: ['att3'], age: 4 },
    ...multiArch('v2', { tags: ['v2'], age: 10 }),
    { name: 'att2', subject: 'v2', age: 10 },
    { name: 'refs2', tags: [ref('v2')], children: ['att2'], age: 9 },
    ...multiArch('old', { age: 30 }),
    { name: 'att-old', subject: 'old', age: 30 },
    { name: 'refs-old', tags: [ref('old')], children: ['att-old'], age: 29 }
  ];

  test('keep-n-tagged counts images, not referrers indexes', () => {
    const plan = readable(planPackage(input(nodes(), policy({ keepNTagged: 1 }))));
    expect(plan.kept).toContainEqual(['v3', 'one of the 1 newest tagged images (keep-n-tagged)']);
    expect(plan.kept).toContainEqual(['refs3', 'referrers index of kept v3']);
    expect(plan.kept).toContainEqual(['att3', 'referrer of kept v3']);
    expect(plan.deleted).toContainEqual(['v2', 'beyond the 1 newest tagged images (keep-n-tagged)']);
    expect(plan.deleted).toContainEqual(['refs2', 'referrers index of deleted v2']);
    expect(plan.deleted).toContainEqual(['att2', 'referrer of deleted v2']);
  });

  test('keep-n-untagged counts untagged images, not attestations: the one untagged image is kept with its own', () => {
    const plan = readable(planPackage(input(nodes(), policy({ keepNUntagged: 1 }))));
    expect(plan.deleted).toEqual([]);
    expect(plan.kept).toContainEqual(['old', 'one of the 1 newest untagged images (keep-n-untagged)']);
    expect(plan.kept).toContainEqual(['refs-old', 'referrers index of kept old']);
    expect(plan.kept).toContainEqual(['att-old', 'referrer of kept old']);
  });

  test('keep-n-untagged 0: the untagged image goes with its attestation and referrers index, referrers first', () => {
    const plan = readable(planPackage(input(nodes(), policy({ keepNUntagged: 0 }))));
    expect(plan.deleted.map(x => x[0])).toEqual([
      'refs-old',
      'att-old',
      'old',
      'old/amd64',
      'old/arm64',
      'old/att-amd64',
      'old/att-arm64'
    ]);
    expect(plan.deleted[0][1]).toBe('referrers index of deleted old');
  });
});
