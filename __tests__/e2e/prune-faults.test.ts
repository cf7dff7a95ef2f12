/**
 * The built prune bundle when things go wrong, over a real registry: a manifest that cannot be read,
 * a deletion refused halfway, and a kept tag broken by a concurrent push (restored).
 */
import { MediaType } from '../../src/common/registry/media.js';
import { runAction, type StepResult } from '../support/action-runner.js';
import { startGhcr, type Ghcr } from '../support/ghcr/index.js';
import { childrenOf, pullProblems, pushImage, registryClient } from '../support/ghcr/images.js';

const REPOS = ['octo-org/closed', 'octo-org/halfway', 'octo-org/race'];
const DAY = 86_400_000;

let ghcr: Ghcr;
const builds: string[] = [];

beforeAll(async () => {
  ghcr = await startGhcr();
  for (const n of [1, 2, 3]) builds.push(await pushImage(ghcr, REPOS, ['edge'], { content: `build ${n}` }));
  for (const repo of REPOS) {
    for (const m of await ghcr.store.manifests(repo)) {
      if (!m.tags.includes('edge')) ghcr.api.setCreated(m.digest, new Date(Date.now() - 30 * DAY));
    }
  }
}, 120_000);
afterAll(() => ghcr?.close());
beforeEach(() => ghcr.resetStats());
afterEach(() => {
  expect(ghcr.violations).toEqual([]);
  ghcr.faults.api.length = 0;
  ghcr.faults.registry.length = 0;
  ghcr.faults.onDelete = undefined;
});

function prune(pkg: string): Promise<StepResult> {
  return runAction({
    action: 'prune/action.yml',
    inputs: { registry: ghcr.registry, packages: pkg, 'older-than': '1d' },
    env: { GITHUB_API_URL: ghcr.apiUrl, DOCKER_CONFIG: ghcr.dockerConfig() },
    githubToken: ghcr.token
  });
}

async function digests(repo: string) {
  return (await ghcr.store.manifests(repo)).map(m => m.digest).sort();
}

test('a kept manifest that cannot be read: the step fails, nothing is deleted, and it says why', async () => {
  const before = await digests('octo-org/closed');
  ghcr.faults.registry.push({
    method: 'GET',
    path: new RegExp(`closed/manifests/${builds[2]}$`),
    status: 500,
    times: 10
  });
  const res = await prune('closed');
  expect([res.code, res.outputs['deleted-count']]).toEqual([1, '0']);
  expect(res.errors).toEqual([
    expect.stringMatching(
      /^closed: manifest sha256:\w{12} could not be read \(.*500.*\); nothing in this package is deleted$/
    )
  ]);
  expect(res.summary).toContain('> [!WARNING]');
  expect(Object.keys(ghcr.api.stats.byRoute).some(r => r.startsWith('DELETE'))).toBe(false);
  expect(await digests('octo-org/closed')).toEqual(before);
}, 60_000);

test('a deletion refused halfway: the run fails, the rest waits, every kept image stays whole', async () => {
  ghcr.faults.api.push({
    method: 'DELETE',
    status: 403,
    skip: 3,
    times: 100,
    body: { message: 'Resource not accessible by integration' }
  });
  const res = await prune('halfway');
  expect(res.code).toBe(1);
  expect(res.errors).toEqual([
    expect.stringMatching(
      /^halfway: DELETE version \d+ of halfway: 403 Resource not accessible by integration; 7 deletions left undone$/
    )
  ]);
  expect([res.outputs['deleted-count'], res.outputs.backlog]).toEqual(['3', '7']);
  const client = registryClient(ghcr);
  expect(await pullProblems(client, 'octo-org/halfway', 'edge')).toEqual([]);
  for (const d of JSON.parse(res.outputs.deleted) as { digest: string }[])
    expect(await client.headManifest('octo-org/halfway', d.digest)).toBeUndefined();
}, 60_000);

test('a kept tag broken by a concurrent push is caught after deleting, and the deletions are restored', async () => {
  const client = registryClient(ghcr);
  const before = await digests('octo-org/race');
  const [reused] = await childrenOf(client, 'octo-org/race', builds[0]);
  const head = await client.headManifest('octo-org/race', reused);
  ghcr.faults.onDelete = async (repo, digest) => {
    if (repo !== 'octo-org/race' || digest !== builds[0]) return;
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: head!.mediaType, digest: reused, size: head!.size }]
    };
    await client.putManifest(repo, 'racer', Buffer.from(JSON.stringify(index)), MediaType.ociIndex);
  };
  const res = await prune('race');
  expect(res.code).toBe(1);
  expect(res.errors).toEqual([
    expect.stringMatching(
      /^race: kept tags broke after deleting \(racer: sha256:\w{12} is missing\); restored 10 versions; every kept tag resolves again$/
    )
  ]);
  expect(res.summary).toContain('**Verification failed**; restored 10 versions:');
  for (const tag of ['edge', 'racer']) expect(await pullProblems(client, 'octo-org/race', tag)).toEqual([]);
  const after = await digests('octo-org/race');
  expect(before.every(d => after.includes(d))).toBe(true);
}, 60_000);
