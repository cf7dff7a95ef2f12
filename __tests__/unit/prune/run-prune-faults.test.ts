import { MediaType } from '../../../src/common/registry/media.js';
import { startGhcr, type Ghcr } from '../../support/ghcr/index.js';
import { addMultiArch, type SyntheticImage } from '../../support/ghcr/synthetic.js';
import { digests, prune, tagProblems } from './harness.js';

const SLOW = 60_000;

let ghcr: Ghcr;
beforeAll(async () => {
  ghcr = await startGhcr({ backend: 'memory' });
}, SLOW);
afterAll(() => ghcr.close());
beforeEach(() => ghcr.resetStats());
afterEach(() => {
  expect(ghcr.violations).toEqual([]);
  ghcr.faults.api.length = 0;
  ghcr.faults.registry.length = 0;
  ghcr.faults.popular.clear();
  ghcr.faults.onDelete = undefined;
  ghcr.faults.staleList = false;
});

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
const all = (img: SyntheticImage) => [img.index, ...img.platforms, ...img.attestations];

/** `untagged` superseded builds, then one tagged `latest`. */
function fixture(repository: string, untagged: number): { old: SyntheticImage[]; kept: SyntheticImage } {
  const old = Array.from({ length: untagged }, (_, i) =>
    addMultiArch(ghcr.memory!, repository, `${repository}#${i}`, { created: minutesAgo(60 - i) })
  );
  const kept = addMultiArch(ghcr.memory!, repository, `${repository}#kept`, {
    tags: ['latest'],
    created: minutesAgo(1)
  });
  return { old, kept };
}

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

describe('runPrune under faults', () => {
  test(
    'a version GitHub refuses to delete is skipped with a warning, and so are its children',
    async () => {
      const { old } = fixture('octo-org/popular', 2);
      ghcr.faults.popular.add(old[0].index);
      const { result, logs } = await prune(ghcr, { packages: 'popular' });
      expect(result.deleted.map(d => d.digest)).toEqual([
        old[1].index,
        ...[...old[1].platforms, ...old[1].attestations].sort()
      ]);
      expect([result.failure, result.backlog, result.keptCount]).toEqual([undefined, 0, 10]);
      expect(logs.warn).toEqual([
        expect.stringMatching(/cannot be deleted: DELETE version \d+ of popular: 403 .*5000 downloads/)
      ]);
      expect(result.packages[0].outcome?.skipped.map(s => s.why.replace(/sha256:\w+/, 'D'))).toEqual([
        expect.stringMatching(/5000 downloads/),
        'D refers to it and stays',
        'D refers to it and stays',
        'D refers to it and stays',
        'D refers to it and stays'
      ]);
    },
    SLOW
  );

  test(
    'the last version of a package is skipped with a warning',
    async () => {
      ghcr.memory!.add('octo-org/single', {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociEmpty, digest: `sha256:${'4'.repeat(64)}`, size: 2 },
        layers: []
      });
      const { result, logs } = await prune(ghcr, { packages: 'single' });
      expect([result.deleted, result.failure]).toEqual([[], undefined]);
      expect(logs.warn).toEqual([expect.stringContaining('You cannot delete the last version of a package')]);
    },
    SLOW
  );

  test(
    'a 404 on delete counts as already gone',
    async () => {
      const { old } = fixture('octo-org/gone', 2);
      ghcr.faults.onDelete = async (repository, digest) => {
        if (digest === old[0].index) await ghcr.store.remove(repository, old[1].index);
      };
      const { result } = await prune(ghcr, { packages: 'gone' });
      expect(result.deleted).toHaveLength(10);
      expect(result.deleted[5]).toMatchObject({
        digest: old[1].index,
        reason: 'untagged and not used by any kept image (already gone)'
      });
      expect(result.failure).toBeUndefined();
    },
    SLOW
  );

  test(
    'secondary rate limits wait for retry-after; server errors are retried',
    async () => {
      fixture('octo-org/limits', 1);
      ghcr.faults.api.push(
        {
          method: 'DELETE',
          status: 403,
          skip: 1,
          headers: { 'retry-after': '1' },
          body: { message: SECONDARY }
        },
        { method: 'GET', path: /versions\?/, status: 502 }
      );
      const { result, logs } = await prune(ghcr, { packages: 'limits' });
      expect(result.deleted).toHaveLength(5);
      expect(result.apiRequests).toBe(1 + 1 + 5 + 2);
      expect(logs.warn.filter(w => /secondary rate limit/.test(w))).toEqual([
        expect.stringMatching(/^GitHub API secondary rate limit on DELETE .*: retrying in 1 s$/)
      ]);
    },
    SLOW
  );

  test(
    'a deletion failing halfway stops the run, fails it, and leaves every kept image whole',
    async () => {
      const { old } = fixture('octo-org/halfway', 4);
      ghcr.faults.api.push({ method: 'DELETE', status: 500, skip: 2, times: 100 });
      const { result } = await prune(ghcr, { packages: 'halfway' });
      expect(result.deleted.map(d => d.digest)).toEqual([
        old[0].index,
        [...old[0].platforms, ...old[0].attestations].sort()[0]
      ]);
      expect(result.backlog).toBe(18);
      expect(result.failure).toMatch(
        /^halfway: DELETE version \d+ of halfway: 500 Server Error; 18 deletions left undone$/
      );
      expect(await tagProblems(ghcr, 'octo-org/halfway')).toEqual({ latest: [] });
      expect(result.packages[0].issues).toEqual([]);
    },
    SLOW
  );

  test(
    'a kept tag broken during the run (a concurrent push) is caught, and the deletions are restored',
    async () => {
      const { old } = fixture('octo-org/race', 1);
      const before = await digests(ghcr, 'octo-org/race');
      ghcr.faults.onDelete = async (repository, digest) => {
        if (digest !== old[0].index) return;
        const reused = { mediaType: MediaType.ociManifest, digest: old[0].platforms[0], size: 1 };
        ghcr.memory!.add(
          repository,
          { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [reused] },
          ['racer']
        );
      };
      const { result } = await prune(ghcr, { packages: 'race' });
      expect(result.failure).toMatch(
        /^race: kept tags broke after deleting \(racer: sha256:\w{12} is missing\); restored 5 versions; every kept tag resolves again$/
      );
      expect(result.packages[0].restored).toBe(5);
      expect(
        ghcr.api.stats.byRoute[
          'POST /orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore'
        ]
      ).toBe(5);
      const after = await digests(ghcr, 'octo-org/race');
      expect(after.filter(d => !before.includes(d))).toHaveLength(1);
      expect(before.every(d => after.includes(d))).toBe(true);
      expect(await tagProblems(ghcr, 'octo-org/race')).toEqual({ latest: [], racer: [] });
    },
    SLOW
  );

  test(
    'an unreadable manifest makes the package fail closed',
    async () => {
      const { old } = fixture('octo-org/closed', 2);
      const before = await digests(ghcr, 'octo-org/closed');
      ghcr.faults.registry.push({
        method: 'GET',
        path: new RegExp(`manifests/${old[1].platforms[1]}$`),
        status: 500,
        times: 4
      });
      const { result, logs } = await prune(ghcr, { packages: 'closed' });
      expect(result.deleted).toEqual([]);
      expect(result.failure).toBeUndefined();
      expect(logs.warn).toEqual([
        expect.stringMatching(
          /^closed: manifest sha256:\w{12} could not be read \(GET octo-org\/closed:sha256:\w+: 500 UNKNOWN: injected failure\); nothing in this package is deleted$/
        )
      ]);
      expect(await digests(ghcr, 'octo-org/closed')).toEqual(before);
    },
    SLOW
  );

  test(
    'with a stale list, a tag the registry has but the list lacks protects what it uses',
    async () => {
      const { old, kept } = fixture('octo-org/stale', 1);
      await ghcr.api.snapshot();
      ghcr.faults.staleList = true;
      const reused = old[0].platforms.map(digest => ({ mediaType: MediaType.ociManifest, digest, size: 1 }));
      const edge = ghcr.memory!.add(
        'octo-org/stale',
        { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: reused },
        ['edge']
      );
      const { result } = await prune(ghcr, { packages: 'stale' });
      expect(result.deleted.map(d => d.digest).sort()).toEqual([old[0].index, ...old[0].attestations].sort());
      expect(
        result.packages[0].plan.kept.filter(k => old[0].platforms.includes(k.digest)).map(k => k.reason)
      ).toEqual(['part of kept edge', 'part of kept edge']);
      expect(await tagProblems(ghcr, 'octo-org/stale')).toEqual({ edge: [], latest: [] });
      expect((await digests(ghcr, 'octo-org/stale')).sort()).toEqual(
        [edge, ...all(kept), ...old[0].platforms].sort()
      );
    },
    SLOW
  );
});
