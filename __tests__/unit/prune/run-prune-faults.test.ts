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
  ghcr.faults.writeLimit = undefined;
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
    'a version GitHub refuses to delete is kept with its reason, and so are its parts, restored if need be',
    async () => {
      const { old, kept } = fixture('octo-org/popular', 2);
      ghcr.faults.popular.add(old[0].index);
      const { result, logs } = await prune(ghcr, { packages: 'popular' });
      expect(result.deleted.map(d => d.digest).sort()).toEqual(all(old[1]).sort());
      expect([result.failure, result.backlog, result.keptCount]).toEqual([undefined, 0, 10]);
      expect(logs.warn).toEqual([
        expect.stringMatching(
          /^Version \d+ \(sha256:\w{12}\) of popular is kept: GitHub refused to delete it \(Publicly visible package versions with more than 5000 downloads cannot be deleted\.\)$/
        )
      ]);
      const skipped = result.packages[0].outcome!.skipped;
      expect(skipped.map(s => s.deletion.digest).sort()).toEqual(all(old[0]).sort());
      expect(skipped.map(s => s.why.replace(/sha256:\w+/, 'D').replace(/; restored$/, ''))).toEqual([
        'GitHub refused to delete it: Publicly visible package versions with more than 5000 downloads cannot be deleted.',
        ...Array(4).fill('part of D, which GitHub refused to delete')
      ]);
      expect((await digests(ghcr, 'octo-org/popular')).sort()).toEqual([...all(old[0]), ...all(kept)].sort());
    },
    SLOW
  );

  test(
    'parts of a refused image deleted before it (their index was not read) are restored',
    async () => {
      const { old } = fixture('octo-org/popular-parts', 1);
      // an index pushed before its parts: the parts go first
      ghcr.api.setCreated(old[0].index, minutesAgo(120));
      ghcr.faults.popular.add(old[0].index);
      const { result } = await prune(ghcr, { packages: 'popular-parts' });
      expect(result.deleted).toEqual([]);
      const skipped = result.packages[0].outcome!.skipped;
      expect(skipped.filter(s => s.why.endsWith('; restored'))).toHaveLength(4);
      expect(
        ghcr.api.stats.byRoute[
          'POST /orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore'
        ]
      ).toBe(4);
      expect(await tagProblems(ghcr, 'octo-org/popular-parts')).toEqual({ latest: [] });
      expect((await digests(ghcr, 'octo-org/popular-parts')).length).toBe(10);
    },
    SLOW
  );

  test.each([
    [400, 'You cannot delete the last tagged version of a package. You must delete the package instead.'],
    [400, 'You cannot delete the last version of a package. You must delete the package instead.']
  ])(
    'a %i "%s" is a skip, not a failure',
    async (status, message) => {
      const { old } = fixture(`octo-org/last-${message.length}`, 1);
      ghcr.faults.api.push({ method: 'DELETE', status, body: { message }, times: 1 });
      const { result } = await prune(ghcr, { packages: `last-${message.length}` });
      expect(result.failure).toBeUndefined();
      expect(result.packages[0].outcome!.skipped[0].why).toBe(`GitHub refused to delete it: ${message}`);
      expect(result.deleted.map(d => d.digest)).not.toContain(old[0].index);
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
      expect(result.keptCount).toBe(1);
    },
    SLOW
  );

  test(
    'a 404 on delete counts as already gone',
    async () => {
      const { old } = fixture('octo-org/gone', 2);
      ghcr.faults.onDelete = async (repository, digest) => {
        if (digest === old[1].index) await ghcr.store.remove(repository, old[0].index);
      };
      const { result } = await prune(ghcr, { packages: 'gone' });
      expect(result.deleted).toHaveLength(10);
      expect(result.deleted[0].digest).toBe(old[1].index);
      expect(result.deleted[5]).toMatchObject({
        digest: old[0].index,
        reason: 'untagged and not used by any kept image (already gone)'
      });
      expect(result.failure).toBeUndefined();
    },
    SLOW
  );

  test(
    'a limit answer is waited out as told and halves the pace; server errors are retried',
    async () => {
      fixture('octo-org/limits', 1);
      ghcr.faults.api.push(
        {
          method: 'DELETE',
          status: 403,
          skip: 1,
          headers: { 'retry-after': '7' },
          body: { message: SECONDARY }
        },
        {
          method: 'DELETE',
          status: 429,
          skip: 1,
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000))
          },
          body: { message: 'API rate limit exceeded' }
        },
        { method: 'GET', path: /versions\?/, status: 502 }
      );
      const sleeps: number[] = [];
      const { result, logs } = await prune(ghcr, { packages: 'limits' }, { pacing: true, sleeps });
      expect(result.deleted).toHaveLength(5);
      expect(result.apiRequests).toBe(1 + 1 + 5 + 2 + 1);
      expect(logs.warn.filter(w => /rate/.test(w))).toEqual([
        expect.stringMatching(
          /^DELETE version \d+ of limits: rate-limited by GitHub; waiting 7 s as told, then writing at half the pace \(668 ms apart\)$/
        ),
        expect.stringMatching(
          /^DELETE version \d+ of limits: .* then writing at half the pace \(1336 ms apart\)$/
        )
      ]);
      expect(sleeps).toContain(7000);
      expect(result.pace).toMatchObject({ intervalMs: 1336, writes: 5, limitAnswers: 2 });
      expect(result.pace.limitWaitMs).toBeGreaterThanOrEqual(7000);
    },
    SLOW
  );

  test(
    "the stand-in's write limit answers 403 with retry-after beyond its budget; a limit that will not lift stops the run with a backlog",
    async () => {
      fixture('octo-org/write-limit', 1);
      // 2 writes a minute: the third is refused, and again after each (not really slept) wait
      ghcr.faults.writeLimit = { pointsPerMinute: 10 };
      const sleeps: number[] = [];
      const { result, logs } = await prune(ghcr, { packages: 'write-limit' }, { sleeps });
      expect(ghcr.api.stats.limitAnswers).toBe(3);
      expect(result.deleted).toHaveLength(2);
      expect(result.backlog).toBe(3);
      expect(result.failure).toBeUndefined();
      expect(result.packages[0].outcome!.stop).toMatchObject({ kind: 'budget' });
      expect(result.packages[0].outcome!.stop!.message).toMatch(
        /403 You have exceeded a secondary rate limit/
      );
      expect(logs.warn.filter(w => /rate-limited/.test(w))).toHaveLength(2);
      expect(sleeps.filter(ms => ms >= 59_000)).toHaveLength(2);
      expect(result.pace).toMatchObject({ limitAnswers: 2, intervalMs: 334 * 2 });
      expect(await tagProblems(ghcr, 'octo-org/write-limit')).toEqual({ latest: [] });
    },
    SLOW
  );

  test(
    'a deletion failing halfway stops the run, fails it, and leaves every kept image whole',
    async () => {
      fixture('octo-org/halfway', 4);
      ghcr.faults.api.push({ method: 'DELETE', status: 500, skip: 2, times: 100 });
      const { result } = await prune(ghcr, { packages: 'halfway' });
      expect(result.deleted).toHaveLength(2);
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

  test.each([
    [
      'a kept manifest',
      (img: { kept: SyntheticImage }) => new RegExp(`manifests/${img.kept.index}$`),
      /^closed-1: manifest sha256:\w{12} could not be read \(GET octo-org\/closed-1:sha256:\w+: 500 UNKNOWN: injected failure\); nothing in this package is deleted$/
    ],
    [
      'the tag list',
      () => /tags\/list/,
      /^closed-2: the registry's tag list could not be read \(GET octo-org\/closed-2 tags: 500 UNKNOWN: injected failure\); nothing in this package is deleted$/
    ]
  ] as const)(
    'when %s cannot be read, the run fails and deletes nothing',
    async (what, path, failure) => {
      const name = what === 'the tag list' ? 'closed-2' : 'closed-1';
      const img = fixture(`octo-org/${name}`, 2);
      const before = await digests(ghcr, `octo-org/${name}`);
      ghcr.faults.registry.push({ method: 'GET', path: path(img), status: 500, times: 4 });
      const { result } = await prune(ghcr, { packages: name });
      expect(result.deleted).toEqual([]);
      expect(result.failure).toMatch(failure);
      expect(Object.keys(ghcr.api.stats.byRoute).filter(r => r.startsWith('DELETE'))).toEqual([]);
      expect(await digests(ghcr, `octo-org/${name}`)).toEqual(before);
    },
    SLOW
  );

  test(
    'with keep-n-untagged every manifest is read, and one that cannot be read fails the run',
    async () => {
      const { old } = fixture('octo-org/closed-3', 2);
      ghcr.faults.registry.push({
        method: 'GET',
        path: new RegExp(`manifests/${old[1].platforms[1]}$`),
        status: 500,
        times: 4
      });
      const { result } = await prune(ghcr, { packages: 'closed-3', 'keep-n-untagged': '1' });
      expect(result.deleted).toEqual([]);
      expect(result.failure).toMatch(/^closed-3: manifest sha256:\w{12} could not be read/);
    },
    SLOW
  );

  test(
    'a malformed API answer fails with an error that names the request',
    async () => {
      fixture('octo-org/malformed', 1);
      ghcr.faults.api.push({ method: 'GET', path: /versions\?/, status: 200, body: { versions: [] } });
      await expect(prune(ghcr, { packages: 'malformed' })).rejects.toThrow(
        "malformed: listing the package's versions failed: GET /orgs/octo-org/packages/container/malformed/versions?page=1: " +
          'malformed answer from the Packages API (expected a list of versions, got {"versions":[]})'
      );
      // the stand-in notes the answer it was made to give as off the description
      expect(ghcr.violations.splice(0)).toEqual([
        'GET /orgs/{org}/packages/{package_type}/{package_name}/versions 200: data must be array'
      ]);
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
