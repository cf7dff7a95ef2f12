import { planPackage } from '../../../src/prune/plan.js';
import { d, input, multiArch, policy, readable } from './fixtures.js';

const DAY = 86_400_000;

describe('planPackage: fail closed', () => {
  test('an unreadable manifest blocks every deletion in the package and says why', () => {
    const plan = planPackage(
      input([...multiArch('v1', { tags: ['v1'] }), { name: 'bad', read: 'error' }, { name: 'old' }], policy())
    );
    const why = 'manifest bad could not be read (HTTP 500); nothing in this package is deleted';
    expect(readable(plan).blocked).toBe(why);
    expect(plan.deletions).toEqual([]);
    expect(plan.tagRemovals).toEqual([]);
    expect(readable(plan).kept).toHaveLength(7);
    expect(new Set(readable(plan).kept.map(([, reason]) => reason))).toEqual(
      new Set([`fail closed: ${why}`])
    );
  });

  test('an unreadable child outside the list blocks too', () => {
    const plan = planPackage(
      input(
        [
          { name: 'idx', children: ['hidden'] },
          { name: 'hidden', listed: false, read: 'error' }
        ],
        policy()
      )
    );
    expect(readable(plan).blocked).toBe(
      'manifest hidden could not be read (HTTP 500); nothing in this package is deleted'
    );
  });

  test('a failed tag lookup blocks too', () => {
    const plan = planPackage({
      ...input([{ name: 'old' }], policy()),
      failures: ['tag edge could not be resolved (HTTP 500)']
    });
    expect(plan.blocked).toBe(
      'tag edge could not be resolved (HTTP 500); nothing in this package is deleted'
    );
    expect(plan.deletions).toEqual([]);
  });

  test('a version the registry no longer has is neither deleted nor kept', () => {
    const plan = planPackage(input([{ name: 'ghost', read: 'gone' }, { name: 'old' }], policy()));
    expect(readable(plan)).toEqual({
      deleted: [['old', 'untagged and not used by any kept image']],
      kept: [],
      tagRemovals: [],
      gone: ['ghost']
    });
  });
});

describe('planPackage: the registry is the truth for tags', () => {
  test('an index tagged in the registry but missing from a stale list protects its listed children', () => {
    const plan = planPackage(input(multiArch('new', { tags: ['edge'], listed: false }), policy()));
    expect(readable(plan)).toEqual({
      deleted: [],
      kept: [
        ['new/att-arm64', 'part of kept edge'],
        ['new/att-amd64', 'part of kept edge'],
        ['new/arm64', 'part of kept edge'],
        ['new/amd64', 'part of kept edge']
      ],
      tagRemovals: []
    });
  });

  test('a version listed untagged that the registry tags is kept', () => {
    const plan = planPackage(input([{ name: 'w' }], policy(), { registryTags: [['latest', 'w']] }));
    expect(readable(plan).kept).toEqual([
      ['w', 'tag latest points here in the registry but is not in the package list yet']
    ]);
  });
});

describe('planPackage: attachments whose subject is not listed', () => {
  test.each([
    ['absent', true, 'deleted', 'orphaned signature: goneimg is not in the registry'],
    ['absent', false, 'kept', 'orphaned signature; delete-untagged is false'],
    ['present', true, 'kept', 'signature of goneimg, which is not in the package list'],
    ['unknown', true, 'kept', 'signature of goneimg, which is not in the package list']
  ] as const)('subject %s, delete-untagged %s: %s', (presence, deleteUntagged, fate, reason) => {
    const tag = `${d('goneimg').replace(':', '-')}.sig`;
    const outside: [string, 'absent' | 'present'][] = presence === 'unknown' ? [] : [['goneimg', presence]];
    const pol = deleteUntagged ? policy() : policy({ deleteUntagged: false, keepNTagged: 1 });
    const plan = readable(planPackage(input([{ name: 'sig', tags: [tag] }], pol, { outside })));
    expect(fate === 'deleted' ? plan.deleted : plan.kept).toEqual([['sig', reason]]);
  });

  test('an orphaned referrer is probed the same way', () => {
    const plan = readable(
      planPackage(
        input([{ name: 'ref', subject: 'elsewhere' }], policy(), { outside: [['elsewhere', 'absent']] })
      )
    );
    expect(plan.deleted).toEqual([['ref', 'orphaned referrer: elsewhere is not in the registry']]);
  });
});

describe('planPackage: older-than protects whatever is young', () => {
  test('a young untagged image and its children stay, an old one goes', () => {
    const plan = planPackage(
      input(
        [...multiArch('fresh', { age: 1 }), { name: 'stale', age: 9 }],
        policy({ olderThanMs: 7 * DAY, olderThan: '7d' })
      )
    );
    expect(readable(plan).deleted).toEqual([['stale', 'untagged and not used by any kept image']]);
    expect(readable(plan).kept).toContainEqual(['fresh', 'newer than 7d (older-than)']);
    expect(readable(plan).kept).toHaveLength(5);
  });

  test('young tags matching delete-tags are not removed yet', () => {
    const plan = planPackage(
      input(
        [{ name: 'img', tags: ['pr-1', 'v1'], age: 1 }],
        policy({ deleteTags: ['pr-*'], olderThanMs: 7 * DAY, olderThan: '7d' })
      )
    );
    expect(plan.tagRemovals).toEqual([]);
  });
});

describe('planPackage: scale', () => {
  test('5,000 versions plan in well under the 10 s budget', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) =>
      multiArch(`b${i}`, { tags: i % 4 === 0 ? [`r${i}`] : [], age: 1000 - i })
    ).flat();
    const started = performance.now();
    const plan = planPackage(input(nodes, policy({ keepNTagged: 100 })));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(plan.deletions).toHaveLength(5000 - 100 * 5);
    expect(plan.kept).toHaveLength(500);
  });
});
