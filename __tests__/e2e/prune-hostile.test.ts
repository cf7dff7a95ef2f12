/**
 * The built prune bundle against a hostile or broken Packages API and registry: an endless `next`,
 * a `last` of page 50,000,000, a `Link` to the page itself, a 100 MiB answer. Each is a named error
 * naming the endpoint, within bounded time and memory (the step's peak RSS is measured in its own
 * process), and nothing is deleted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ROOT, runAction, type StepResult } from '../support/action-runner.js';
import { startGhcr, type Ghcr } from '../support/ghcr/index.js';
import { streamBytes } from '../support/ghcr/faults.js';
import { pushImage } from '../support/ghcr/images.js';

const REPO = 'octo-org/hostile';
const DAY = 86_400_000;
const MiB = 1024 * 1024;
const PRELOAD = join(ROOT, '__tests__/support/max-rss.mjs');

let ghcr: Ghcr;
let before: string[] = [];
const measured: string[] = [];

beforeAll(async () => {
  ghcr = await startGhcr();
  for (const n of [1, 2]) await pushImage(ghcr, REPO, ['edge'], { content: `hostile build ${n}` });
  for (const m of await ghcr.store.manifests(REPO)) {
    if (!m.tags.includes('edge')) ghcr.api.setCreated(m.digest, new Date(Date.now() - 30 * DAY));
  }
  before = await digests();
}, 120_000);
afterAll(async () => {
  console.log(`prune against hostile endpoints (wall time, peak RSS of the step):\n${measured.join('\n')}`);
  await ghcr?.close();
});
beforeEach(() => ghcr.resetStats());
afterEach(() => {
  ghcr.faults.listLink = undefined;
  ghcr.faults.listBytes = undefined;
  ghcr.faults.registryAnswer = undefined;
});

async function digests() {
  return (await ghcr.store.manifests(REPO)).map(m => m.digest).sort();
}

async function prune(name: string): Promise<StepResult & { ms: number; rssMiB: number }> {
  const started = performance.now();
  const res = await runAction({
    action: 'prune/action.yml',
    inputs: { registry: ghcr.registry, packages: 'hostile', 'older-than': '1d' },
    env: {
      GITHUB_API_URL: ghcr.apiUrl,
      DOCKER_CONFIG: ghcr.dockerConfig(),
      NODE_OPTIONS: `--import=${PRELOAD}`
    },
    githubToken: ghcr.token,
    timeoutMs: 120_000
  });
  const ms = performance.now() - started;
  const rssMiB = Number(/max-rss-kib (\d+)/.exec(res.stderr)?.[1] ?? NaN) / 1024;
  measured.push(`${name}: ${(ms / 1000).toFixed(2)} s, ${rssMiB.toFixed(0)} MiB`);
  return { ...res, ms, rssMiB };
}

/** Nothing deleted: no DELETE reached the API, every manifest is still there. */
async function nothingDeleted() {
  expect(Object.keys(ghcr.api.stats.byRoute).some(r => r.startsWith('DELETE'))).toBe(false);
  expect(await digests()).toEqual(before);
}

/** A registry answer of its own for GETs of `path` (the hostile registry). */
function registryAnswers(path: RegExp, answer: (url: URL, res: ServerResponse) => void) {
  ghcr.faults.registryAnswer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    if (req.method !== 'GET' || !path.test(url.pathname)) return false;
    req.resume();
    answer(url, res);
    return true;
  };
}

const versionsOf = (url: string) => `${url.replace(/\?.*/, '')}`;

test('a baseline run: the same package read and pruned by a well-behaved API and registry (dry run)', async () => {
  const res = await runAction({
    action: 'prune/action.yml',
    inputs: { registry: ghcr.registry, packages: 'hostile', 'older-than': '1d', 'dry-run': 'true' },
    env: {
      GITHUB_API_URL: ghcr.apiUrl,
      DOCKER_CONFIG: ghcr.dockerConfig(),
      NODE_OPTIONS: `--import=${PRELOAD}`
    },
    githubToken: ghcr.token
  });
  expect(res.errors).toEqual([]);
  measured.push(
    `baseline (dry run): ${(Number(/max-rss-kib (\d+)/.exec(res.stderr)?.[1]) / 1024).toFixed(0)} MiB`
  );
}, 60_000);

describe('the Packages API', () => {
  test('an endless next: stops after 1,000 pages', async () => {
    ghcr.faults.listLink = (page, url) => `<${url}?per_page=100&page=${page + 1}>; rel="next"`;
    const res = await prune('API endless next');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([
      `hostile: listing the package's versions failed: GET ${ghcr.apiUrl}/orgs/octo-org/packages/container/hostile/versions: ` +
        'the Link header still names a next page after 1000 pages, the most the step reads here'
    ]);
    expect(ghcr.api.stats.byRoute['GET /orgs/{org}/packages/{package_type}/{package_name}/versions']).toBe(
      1000
    );
    await nothingDeleted();
  }, 120_000);

  test('a last page of 50,000,000: refused after page 1', async () => {
    ghcr.faults.listLink = (_page, url) =>
      `<${url}?per_page=100&page=2>; rel="next", <${url}?per_page=100&page=50000000>; rel="last"`;
    const res = await prune('API last page 50,000,000');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([
      `hostile: listing the package's versions failed: GET ${ghcr.apiUrl}/orgs/octo-org/packages/container/hostile/versions: ` +
        'the Link header names page 50000000 as the last one, beyond the 1000 pages the step reads here'
    ]);
    expect(ghcr.api.stats.byRoute['GET /orgs/{org}/packages/{package_type}/{package_name}/versions']).toBe(1);
    await nothingDeleted();
  }, 60_000);

  test('a page that names itself as the next', async () => {
    ghcr.faults.listLink = (page, url) => `<${versionsOf(url)}?per_page=100&page=${page}>; rel="next"`;
    const res = await prune('API Link to itself');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([
      `hostile: listing the package's versions failed: GET ${ghcr.apiUrl}/orgs/octo-org/packages/container/hostile/versions: ` +
        'the Link header names page 1 as the next page, which was read already'
    ]);
    await nothingDeleted();
  }, 60_000);

  test('a 100 MiB answer: refused at 16 MiB', async () => {
    ghcr.faults.listBytes = 100 * MiB;
    const res = await prune('API 100 MiB body');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([
      `hostile: listing the package's versions failed: GET ${ghcr.apiUrl}/orgs/octo-org/packages/container/hostile/versions: ` +
        'the answer is larger than 16 MiB, more than the step reads'
    ]);
    await nothingDeleted();
  }, 60_000);
});

describe('the registry', () => {
  const tags = `http://${'REGISTRY'}/v2/${REPO}/tags/list`;
  const expected = (detail: string) => [
    `hostile: the registry's tag list could not be read (GET ${tags.replace('REGISTRY', ghcr.registry)}: ${detail}); nothing in this package is deleted`
  ];

  test('an endless next in the tag list: stops after 1,000 pages', async () => {
    registryAnswers(/\/tags\/list$/, (url, res) => {
      const n = Number(url.searchParams.get('last') ?? 0) + 1;
      res.writeHead(200, {
        'content-type': 'application/json',
        link: `</v2/${REPO}/tags/list?n=1000&last=${n}>; rel="next"`
      });
      res.end(JSON.stringify({ name: REPO, tags: [`t${n}`] }));
    });
    const res = await prune('registry endless next');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual(
      expected('the Link header still names a next page after 1000 pages, the most the step reads here')
    );
    await nothingDeleted();
  }, 120_000);

  test('a tag list that names itself as the next page', async () => {
    registryAnswers(/\/tags\/list$/, (url, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        link: `<${url.pathname}${url.search}>; rel="next"`
      });
      res.end(JSON.stringify({ name: REPO, tags: ['edge'] }));
    });
    const res = await prune('registry Link to itself');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual(
      expected(
        `the Link header names ${tags.replace('REGISTRY', ghcr.registry)}?n=1000 as the next page, which was read already`
      )
    );
    await nothingDeleted();
  }, 60_000);

  test('a 100 MiB manifest: refused at 4 MiB', async () => {
    registryAnswers(/\/manifests\/sha256:/, (_url, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      streamBytes(res, 100 * MiB);
    });
    const res = await prune('registry 100 MiB manifest');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^hostile: manifest sha256:\\w{12} could not be read \\(GET http://${ghcr.registry}/v2/${REPO}/manifests/sha256:\\w{64}: ` +
            'the answer is larger than 4 MiB, more than the step reads\\); nothing in this package is deleted$'
        )
      )
    ]);
    await nothingDeleted();
  }, 60_000);
});
