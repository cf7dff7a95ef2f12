import { planPackage } from '../../../src/prune/plan.js';
import { d, input, multiArch, policy, readable } from './fixtures.js';

describe('planPackage: reachability', () => {
  test('a superseded multi-arch build goes, index first; the tagged one stays whole', () => {
    const plan = planPackage(
      input([...multiArch('v1', { tags: ['v1'], age: 10 }), ...multiArch('old', { age: 20 })], policy())
    );
    expect(readable(plan)).toEqual({
      deleted: [
        ['old', 'untagged and not used by any kept image'],
        ['old/amd64', 'part of deleted old'],
        ['old/arm64', 'part of deleted old'],
        ['old/att-amd64', 'part of deleted old'],
        ['old/att-arm64', 'part of deleted old']
      ],
      kept: [
        ['v1/att-arm64', 'part of kept v1'],
        ['v1/att-amd64', 'part of kept v1'],
        ['v1/arm64', 'part of kept v1'],
        ['v1/amd64', 'part of kept v1'],
        ['v1', 'tagged']
      ],
      tagRemovals: []
    });
    expect(plan.deletions.map(x => x.after.length)).toEqual([0, 1, 1, 1, 1]);
  });

  test('a child shared with a kept index stays; the old index and its own child go', () => {
    const plan = planPackage(
      input(
        [
          { name: 'K', tags: ['k'], age: 5, children: ['shared', 'k-only'] },
          { name: 'k-only', age: 5 },
          { name: 'U', age: 30, children: ['shared', 'u-only'] },
          { name: 'shared', age: 30 },
          { name: 'u-only', age: 30 }
        ],
        policy()
      )
    );
    expect(readable(plan)).toEqual({
      deleted: [
        ['U', 'untagged and not used by any kept image'],
        ['u-only', 'part of deleted U']
      ],
      kept: [
        ['k-only', 'part of kept k'],
        ['K', 'tagged'],
        ['shared', 'part of kept k']
      ],
      tagRemovals: []
    });
  });

  test('nested indexes: everything under a kept root stays, an unreachable chain goes top down', () => {
    const plan = planPackage(
      input(
        [
          { name: 'T', tags: ['t'], children: ['N'] },
          { name: 'N', children: ['L'] },
          { name: 'L' },
          { name: 'O', children: ['N2'] },
          { name: 'N2', children: ['L2'] },
          { name: 'L2' }
        ],
        policy()
      )
    );
    expect(readable(plan)).toEqual({
      deleted: [
        ['O', 'untagged and not used by any kept image'],
        ['N2', 'part of deleted O'],
        ['L2', 'part of deleted N2']
      ],
      kept: [
        ['L', 'part of kept t'],
        ['N', 'part of kept t'],
        ['T', 'tagged']
      ],
      tagRemovals: []
    });
    expect(plan.deletions.map(x => x.after)).toEqual([[], [d('O')], [d('N2')]]);
  });

  test('a listed child of an unlisted, unkept index says so', () => {
    const plan = planPackage(
      input(
        [{ name: 'O', children: ['N2'] }, { name: 'N2', children: ['L2'], listed: false }, { name: 'L2' }],
        policy()
      )
    );
    expect(readable(plan).deleted).toEqual([
      ['O', 'untagged and not used by any kept image'],
      ['L2', 'part of N2, which is not listed and not kept']
    ]);
  });

  test('referrer chains and signatures follow their subject, and go before it', () => {
    const sig = (name: string) => `${d(name).replace(':', '-')}.sig`;
    const plan = planPackage(
      input(
        [
          { name: 'K', tags: ['v2'], age: 10 },
          { name: 'R1', subject: 'K', age: 10 },
          { name: 'R2', subject: 'R1', age: 10 },
          { name: 'KSIG', tags: [sig('K')], age: 10 },
          { name: 'D', tags: ['v1'], age: 40 },
          { name: 'RD', subject: 'D', age: 40 },
          { name: 'SIG', tags: [sig('D')], age: 40 }
        ],
        policy({ keepNTagged: 1 })
      )
    );
    expect(readable(plan)).toEqual({
      deleted: [
        ['RD', 'referrer of deleted v1'],
        ['SIG', 'signature of deleted v1'],
        ['D', 'beyond the 1 newest tagged images (keep-n-tagged)']
      ],
      kept: [
        ['KSIG', 'signature of kept v2'],
        ['R2', 'referrer of kept R1'],
        ['R1', 'referrer of kept v2'],
        ['K', 'one of the 1 newest tagged images (keep-n-tagged)']
      ],
      tagRemovals: []
    });
    expect(plan.deletions.at(-1)!.after).toEqual([d('RD'), d('SIG')]);
  });

  test('a child of a deleted index goes even when untagged versions are otherwise kept', () => {
    const plan = planPackage(
      input(
        [
          ...multiArch('v1', { tags: ['v1'], age: 10 }),
          ...multiArch('v0', { tags: ['v0'], age: 50 }),
          { name: 'loose', age: 60 }
        ],
        policy({ keepNTagged: 1, deleteUntagged: false })
      )
    );
    expect(readable(plan).deleted).toEqual([
      ['v0', 'beyond the 1 newest tagged images (keep-n-tagged)'],
      ['v0/amd64', 'part of deleted v0'],
      ['v0/arm64', 'part of deleted v0'],
      ['v0/att-amd64', 'part of deleted v0'],
      ['v0/att-arm64', 'part of deleted v0']
    ]);
    expect(readable(plan).kept.at(-1)).toEqual(['loose', 'untagged; delete-untagged is false']);
  });

  test('a tagged platform image inside a kept index is kept, whatever the tag policy says', () => {
    const plan = planPackage(
      input(
        [
          { name: 'multi', tags: ['v3'], age: 1, children: ['amd'] },
          { name: 'amd', tags: ['v3-amd64'], age: 2 }
        ],
        policy({ keepNTagged: 1 })
      )
    );
    expect(readable(plan)).toEqual({
      deleted: [],
      kept: [
        ['multi', 'one of the 1 newest tagged images (keep-n-tagged)'],
        ['amd', 'part of kept v3']
      ],
      tagRemovals: []
    });
  });
});
