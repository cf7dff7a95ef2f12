import { INSTALLATION_TOKEN, startGhcr, USER_TOKEN, type Ghcr } from '../../support/ghcr/index.js';
import { addMultiArch, type SyntheticImage } from '../../support/ghcr/synthetic.js';
import { client, digests, prune, tagProblems } from './harness.js';

const SLOW = 60_000;

let ghcr: Ghcr;
beforeAll(async () => {
  ghcr = await startGhcr({ backend: 'memory' });
}, SLOW);
afterAll(() => ghcr.close());
beforeEach(() => ghcr.resetStats());
afterEach(() => expect(ghcr.violations).toEqual([]));

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

/** `count` builds, newest last; every `tagEvery`-th one counting back from the newest is tagged r<i>. */
function builds(repository: string, count: number, tagEvery: number): SyntheticImage[] {
  return Array.from({ length: count }, (_, i) =>
    addMultiArch(ghcr.memory!, repository, `${repository}#${i}`, {
      tags: (count - 1 - i) % tagEvery === 0 ? [`r${i}`] : [],
      created: minutesAgo(count - i)
    })
  );
}

describe('runPrune', () => {
  test(
    'API requests: one owner lookup, the list pages, one per deletion; kept tags stay whole',
    async () => {
      builds('octo-org/many', 45, 1);
      const { result } = await prune(ghcr, { packages: 'many', 'keep-n-tagged': '40' });
      const deletions = 5 * 5;
      expect(result.deleted).toHaveLength(deletions);
      expect(ghcr.api.stats.byRoute).toEqual({
        'GET /users/{username}': 1,
        'GET /orgs/{org}/packages/{package_type}/{package_name}/versions': 3,
        'DELETE /orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}': deletions
      });
      expect(result.apiRequests).toBe(1 + 3 + deletions);
      expect([result.keptCount, result.backlog, result.failure]).toEqual([200, 0, undefined]);
      const problems = await tagProblems(ghcr, 'octo-org/many');
      expect(Object.keys(problems)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i + 5}`).sort());
      expect(Object.values(problems).flat()).toEqual([]);
      expect(await digests(ghcr, 'octo-org/many')).toHaveLength(200);
    },
    SLOW
  );

  test.each([
    [
      'an organization',
      'octo-org',
      'octo-org/svc',
      INSTALLATION_TOKEN,
      'GET /orgs/{org}/packages/{package_type}/{package_name}/versions'
    ],
    [
      'the token owner',
      'mona',
      'mona/app/worker',
      USER_TOKEN,
      'GET /user/packages/{package_type}/{package_name}/versions'
    ],
    [
      'another user',
      'mona',
      'mona/tool/cli',
      INSTALLATION_TOKEN,
      'GET /users/{username}/packages/{package_type}/{package_name}/versions'
    ]
  ])(
    'owner %s, nested names',
    async (_, owner, repository, token, listRoute) => {
      const pkg = repository.slice(repository.indexOf('/') + 1);
      addMultiArch(ghcr.memory!, repository, `${repository}-${token}-old`, { created: minutesAgo(9) });
      addMultiArch(ghcr.memory!, repository, `${repository}-${token}-new`, {
        tags: ['latest'],
        created: minutesAgo(1)
      });
      const { result } = await prune(ghcr, { owner, packages: pkg }, { token });
      expect(result.deleted.map(d => d.package)).toEqual([pkg, pkg, pkg, pkg, pkg]);
      expect(ghcr.api.stats.byRoute[listRoute]).toBe(1);
      expect(await digests(ghcr, repository)).toHaveLength(5);
    },
    SLOW
  );

  test(
    'dry run: the plan as outputs, nothing deleted',
    async () => {
      const [old] = builds('octo-org/dry', 3, 1);
      const before = await digests(ghcr, 'octo-org/dry');
      const { result } = await prune(ghcr, { packages: 'dry', 'keep-n-tagged': '2', 'dry-run': 'true' });
      expect(result.dryRun).toBe(true);
      // Only the kept indexes are read: the old index's parts are untagged and used by no kept image.
      expect(result.deleted[0]).toMatchObject({
        digest: old.index,
        reason: 'beyond the 2 newest tagged images (keep-n-tagged)'
      });
      expect(
        result.deleted
          .slice(1)
          .map(d => [d.digest, d.reason])
          .sort()
      ).toEqual(
        [...old.platforms, ...old.attestations]
          .sort()
          .map(p => [p, 'untagged and not used by any kept image'])
      );
      // one challenge probe, the tag list, the two kept indexes
      expect(result.registryRequests).toBe(4);
      expect(await digests(ghcr, 'octo-org/dry')).toEqual(before);
      expect(Object.keys(ghcr.api.stats.byRoute).filter(r => r.startsWith('DELETE'))).toEqual([]);
    },
    SLOW
  );

  test(
    'a deleted tag on an image that keeps others is moved to a placeholder that is then deleted',
    async () => {
      const img = addMultiArch(ghcr.memory!, 'octo-org/tags', 'tags-img', {
        tags: ['v1', 'pr-5'],
        created: minutesAgo(5)
      });
      const before = await digests(ghcr, 'octo-org/tags');
      const { result } = await prune(ghcr, { packages: 'tags', 'delete-tags': 'pr-*' });
      expect(result.removedTags).toEqual([{ package: 'tags', tag: 'pr-5', digest: img.index }]);
      expect(result.deleted).toEqual([
        expect.objectContaining({
          package: 'tags',
          tags: ['pr-5'],
          reason: 'placeholder that took the removed tags'
        })
      ]);
      expect(await client(ghcr).listTags('octo-org/tags')).toEqual(['v1']);
      expect(await digests(ghcr, 'octo-org/tags')).toEqual(before);
      expect(Object.values(ghcr.api.stats.byRoute)).toEqual([1, 2, 1]);
    },
    SLOW
  );

  test(
    'max-deletions leaves a backlog; untagged versions not read go newest first, so an index before its parts',
    async () => {
      const [, second, third] = builds('octo-org/capped', 4, 10);
      const { result } = await prune(ghcr, { packages: 'capped', 'max-deletions': '7' });
      expect(result.deleted[0].digest).toBe(third.index);
      expect(
        result.deleted
          .slice(1, 5)
          .map(d => d.digest)
          .sort()
      ).toEqual([...third.platforms, ...third.attestations].sort());
      expect(result.deleted[5].digest).toBe(second.index);
      expect([result.deleted.length, result.backlog, result.failure]).toEqual([7, 8, undefined]);
      expect(Object.values(await tagProblems(ghcr, 'octo-org/capped')).flat()).toEqual([]);
    },
    SLOW
  );

  test(
    'when the API budget runs short it stops cleanly and reports the backlog',
    async () => {
      builds('octo-org/budget', 6, 10);
      ghcr.api.rate.remaining = 2 + 15;
      try {
        const { result, logs } = await prune(ghcr, { packages: 'budget' });
        expect([result.deleted.length, result.backlog, result.failure]).toEqual([6, 25 - 6, undefined]);
        expect(logs.notice).toEqual([
          expect.stringMatching(
            /^budget: stopped \(API budget running short: 9 requests left .*\); 19 deletions left/
          )
        ]);
      } finally {
        ghcr.api.rate.remaining = 5000;
      }
    },
    SLOW
  );
});
