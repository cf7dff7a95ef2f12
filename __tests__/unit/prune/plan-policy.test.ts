import { planPackage } from '../../../src/prune/plan.js';
import { input, multiArch, policy, readable, type Node } from './fixtures.js';

const DAY = 86_400_000;
const releases: Node[] = [50, 40, 30, 20, 10].map((age, i) => ({
  name: `t${i + 1}`,
  tags: [`t${i + 1}`],
  age
}));

describe('planPackage: keep-n-tagged and older-than', () => {
  test.each([
    [
      'keep-n-tagged alone',
      policy({ keepNTagged: 2 }),
      ['t1', 't2', 't3'],
      [
        ['t5', 'one of the 2 newest tagged images (keep-n-tagged)'],
        ['t4', 'one of the 2 newest tagged images (keep-n-tagged)']
      ]
    ],
    [
      'older-than shields the younger ones beyond keep-n',
      policy({ keepNTagged: 2, olderThanMs: 45 * DAY, olderThan: '45d' }),
      ['t1'],
      [
        ['t5', 'one of the 2 newest tagged images (keep-n-tagged)'],
        ['t4', 'one of the 2 newest tagged images (keep-n-tagged)'],
        ['t3', 'newer than 45d (older-than)'],
        ['t2', 'newer than 45d (older-than)']
      ]
    ],
    [
      'keep-n-tagged 0 with older-than',
      policy({ keepNTagged: 0, olderThanMs: 25 * DAY, olderThan: '25d' }),
      ['t1', 't2', 't3'],
      [
        ['t5', 'newer than 25d (older-than)'],
        ['t4', 'newer than 25d (older-than)']
      ]
    ],
    ['no tag policy: every tagged image stays', policy(), [], releases.map(r => [r.name, 'tagged']).reverse()]
  ])('%s', (_, pol, deleted, kept) => {
    const plan = readable(planPackage(input(releases, pol)));
    expect(plan.deleted.map(([name]) => name)).toEqual(deleted);
    expect(plan.kept).toEqual(kept);
  });

  test('a deletion reason names the rule', () => {
    const plan = readable(planPackage(input(releases, policy({ keepNTagged: 4 }))));
    expect(plan.deleted).toEqual([['t1', 'beyond the 4 newest tagged images (keep-n-tagged)']]);
  });
});

describe('planPackage: keep-n-untagged', () => {
  test('counts untagged images (not their children), newest first', () => {
    const plan = planPackage(
      input(
        [...multiArch('u1', { age: 10 }), ...multiArch('u2', { age: 20 }), { name: 'u3', age: 30 }],
        policy({ keepNUntagged: 1 })
      )
    );
    expect(readable(plan).deleted).toEqual([
      ['u3', 'untagged, beyond the 1 newest untagged images (keep-n-untagged)'],
      ['u2', 'untagged, beyond the 1 newest untagged images (keep-n-untagged)'],
      ['u2/amd64', 'part of deleted u2'],
      ['u2/arm64', 'part of deleted u2'],
      ['u2/att-amd64', 'part of deleted u2'],
      ['u2/att-arm64', 'part of deleted u2']
    ]);
    expect(readable(plan).kept.at(-1)).toEqual([
      'u1',
      'one of the 1 newest untagged images (keep-n-untagged)'
    ]);
    expect(readable(plan).kept).toHaveLength(5);
  });
});

describe('planPackage: keep-tags and delete-tags', () => {
  const nodes: Node[] = [
    { name: 'pr1', tags: ['pr-1'] },
    { name: 'mixed', tags: ['pr-2', 'v2'] },
    { name: 'rel', tags: ['release-5'] },
    { name: 'misc', tags: ['misc'] },
    { name: 'both', tags: ['pr-3', 'misc2'] },
    { name: 'regexed', tags: ['feature-x', 'stable'] }
  ];
  test('globs, regex, tag removal on images that stay', () => {
    const pol = policy({
      keepNTagged: 0,
      keepTags: ['v*', 'regex:^release-\\d+$', 'stable'],
      deleteTags: ['pr-*', 'regex:^feature-']
    });
    expect(readable(planPackage(input(nodes, pol)))).toEqual({
      deleted: [
        ['pr1', 'tag pr-1 matches delete-tags'],
        ['misc', 'beyond the 0 newest tagged images (keep-n-tagged)'],
        ['both', 'beyond the 0 newest tagged images (keep-n-tagged)']
      ],
      kept: [
        ['regexed', 'tag stable matches keep-tags'],
        ['rel', 'tag release-5 matches keep-tags'],
        ['mixed', 'tag v2 matches keep-tags']
      ],
      tagRemovals: [
        ['regexed', 'feature-x'],
        ['mixed', 'pr-2']
      ]
    });
  });

  test('the tag removal explains why the image stays', () => {
    const plan = planPackage(input(nodes.slice(1, 2), policy({ deleteTags: ['pr-*'] })));
    expect(plan.tagRemovals).toEqual([
      expect.objectContaining({
        tags: ['pr-2'],
        reason: 'tag pr-2 matches delete-tags; the image is kept (tagged)'
      })
    ]);
  });

  test('an image whose every tag is deleted goes with its children', () => {
    const plan = planPackage(
      input(multiArch('pr', { tags: ['pr-7', 'pr-7-sha'] }), policy({ deleteTags: ['pr-*'] }))
    );
    expect(readable(plan).deleted.slice(0, 2)).toEqual([
      ['pr', 'tags pr-7, pr-7-sha match delete-tags'],
      ['pr/amd64', 'part of deleted pr-7']
    ]);
    expect(plan.tagRemovals).toEqual([]);
  });

  test('a deleted tag on a platform manifest a kept index uses is only removed', () => {
    const plan = planPackage(
      input(
        [
          { name: 'idx', tags: ['v1'], children: ['amd'] },
          { name: 'amd', tags: ['tmp-amd64'] }
        ],
        policy({ deleteTags: ['tmp-*'] })
      )
    );
    expect(readable(plan)).toEqual({
      deleted: [],
      kept: [
        ['amd', 'part of kept v1'],
        ['idx', 'tagged']
      ],
      tagRemovals: [['amd', 'tmp-amd64']]
    });
  });

  test('a tag the registry has moved elsewhere is not removed from this image', () => {
    const plan = planPackage(
      input([{ name: 'img', tags: ['pr-1', 'v1'] }, { name: 'other' }], policy({ deleteTags: ['pr-*'] }), {
        registryTags: [['pr-1', 'other']]
      })
    );
    expect(plan.tagRemovals).toEqual([]);
    expect(readable(plan).kept).toEqual([
      ['other', 'tag pr-1 points here in the registry but is not in the package list yet'],
      ['img', 'tagged']
    ]);
  });
});
