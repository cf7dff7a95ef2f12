/**
 * floating-tags on the root action (default highest), as the runner runs it on tag pushes: the Git
 * tags come from a stand-in for GitHub's REST API checked against the OpenAPI description, and the
 * registry is read independently to see where latest, 1 and 1.4 point. The tests run in order over
 * one repository's release history.
 */
import { jest } from '@jest/globals';
import { runAction } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import { startReposApi, type ReposApi } from '../support/repos-api.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const TOKEN = 'ghs_floating_tags';
const repo = `e2e-floating/${unique('app')}`;
const images = `${GHCR}/${repo}\n${HUB}/${repo}`;
const clients = [GHCR, HUB].map(r => new RegistryClient(`http://${r}`, USER, PASSWORD));
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  default_branch: 'main'
};
const TAGS =
  'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

let api: ReposApi;

beforeAll(async () => {
  ensureStack();
  api = await startReposApi({ owner: 'octo-org', repo: 'hello-world', token: TOKEN });
});
afterAll(() => api.close());

/** Pushes the Git tag `version` (added to the repository's tags first) through the root action. */
async function release(version: string, inputs: Record<string, string> = {}, runId = '1') {
  if (!api.tags.includes(version)) api.tags.push(version);
  api.requests = [];
  const ref = `refs/tags/${version}`;
  return runAction({
    action: 'action.yml',
    githubToken: TOKEN,
    inputs: {
      images,
      tags: TAGS,
      platforms: 'linux/amd64',
      cache: 'none',
      ...inputs,
      'registry-auth': JSON.stringify(
        [GHCR, HUB].map(registry => ({ registry, username: USER, password: PASSWORD }))
      )
    },
    event: { ref, repository },
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: ref,
      GITHUB_API_URL: api.url,
      GITHUB_RUN_ID: runId,
      // No RUN step: the release only needs an image of its own.
      GITHUB_WORKSPACE: buildContext(
        '',
        `FROM e2e-base\nCOPY hello.txt /hello.txt\nENV RELEASE=${unique(version)}\n`
      ),
      DOCKER_CONFIG: dockerConfig()
    }
  });
}

/** Where each tag points in both registries (the same digest in both, or a mismatch shows). */
async function pointers(tags: string[]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const tag of tags) {
    const digests = await Promise.all(clients.map(async c => (await c.manifest(repo, tag))?.digest));
    out[tag] = digests[0] === digests[1] ? digests[0] : `registries differ: ${digests.join(' / ')}`;
  }
  return out;
}

test('a backport keeps latest and the newer line where they are; a newer release takes them all', async () => {
  api.tags = ['v1.4.0', 'v1.5.0-rc.1', 'nightly'];
  api.pageSize = 2; // the tag list comes in pages, with Link headers

  const v200 = await release('v2.0.0');
  expect({ errors: v200.errors, warnings: v200.warnings, code: v200.code }).toEqual({
    errors: [],
    warnings: [],
    code: 0
  });
  expect(v200.outputs.tags.split('\n')).toEqual(
    [GHCR, HUB].flatMap(r => ['2.0.0', '2.0', '2', 'latest'].map(t => `${r}/${repo}:${t}`))
  );
  const d200 = v200.outputs.digest;
  expect(await pointers(['2.0.0', '2.0', '2', 'latest'])).toEqual({
    '2.0.0': d200,
    '2.0': d200,
    '2': d200,
    latest: d200
  });
  // Every page of the tag list was read, with the workflow's token.
  expect(api.requests.filter(r => r.path.includes('/git/matching-refs/'))).toEqual([
    { path: '/repos/octo-org/hello-world/git/matching-refs/tags', authorization: `Bearer ${TOKEN}` },
    { path: '/repos/octo-org/hello-world/git/matching-refs/tags?page=2', authorization: `Bearer ${TOKEN}` }
  ]);

  const v141 = await release('v1.4.1');
  expect({ errors: v141.errors, code: v141.code }).toEqual({ errors: [], code: 0 });
  expect(v141.outputs['tag-names'].split('\n')).toEqual(['1.4.1', '1.4', '1']);
  expect(v141.notices).toContain(
    'latest stays on 2.0.0, which is higher than 1.4.1 (floating-tags: highest)'
  );
  expect(v141.summary).toContain('- `latest` stays on 2.0.0');
  expect(JSON.parse(v141.outputs.json).tags).toEqual(
    [GHCR, HUB].flatMap(r => ['1.4.1', '1.4', '1'].map(t => `${r}/${repo}:${t}`))
  );
  const d141 = v141.outputs.digest;
  expect(d141).not.toBe(d200);
  expect(await pointers(['1.4.1', '1.4', '1', 'latest'])).toEqual({
    '1.4.1': d141,
    '1.4': d141,
    '1': d141,
    latest: d200
  });

  const v139 = await release('v1.3.9');
  expect({ errors: v139.errors, code: v139.code }).toEqual({ errors: [], code: 0 });
  expect(v139.outputs['tag-names'].split('\n')).toEqual(['1.3.9', '1.3']);
  expect(v139.notices).toEqual([
    '1 stays on 1.4.1, which is higher than 1.3.9 (floating-tags: highest)',
    'latest stays on 2.0.0, which is higher than 1.3.9 (floating-tags: highest)'
  ]);
  const d139 = v139.outputs.digest;
  expect(await pointers(['1.3.9', '1.3', '1', 'latest'])).toEqual({
    '1.3.9': d139,
    '1.3': d139,
    '1': d141,
    latest: d200
  });
  // The pushed index carries the version it was released as.
  const labels = JSON.parse(v139.outputs.json).labels as Record<string, string>;
  expect(labels['org.opencontainers.image.version']).toBe('1.3.9');

  const v201 = await release('v2.0.1');
  expect({ errors: v201.errors, notices: v201.notices, code: v201.code }).toEqual({
    errors: [],
    notices: [],
    code: 0
  });
  const d201 = v201.outputs.digest;
  expect(await pointers(['2.0.1', '2.0', '2', 'latest', '1'])).toEqual({
    '2.0.1': d201,
    '2.0': d201,
    '2': d201,
    latest: d201,
    '1': d141
  });
  expect(api.violations).toEqual([]);
});

test('when the tags cannot be read, a warning says why and the tags move as with always', async () => {
  api.tagsStatus = 503;
  try {
    const step = await release('v1.2.0');
    expect({ errors: step.errors, code: step.code }).toEqual({ errors: [], code: 0 });
    expect(step.warnings).toContain(
      `Cannot read the repository's Git tags (${api.url}/repos/octo-org/hello-world/git/matching-refs/tags): HTTP 503 (Service Unavailable); floating tags move as with floating-tags: always`
    );
    expect(step.outputs['tag-names'].split('\n')).toEqual(['1.2.0', '1.2', '1', 'latest']);
    expect((await pointers(['latest']))['latest']).toBe(step.outputs.digest);
  } finally {
    api.tagsStatus = undefined;
  }
  expect(api.violations).toEqual([]);
});

test('mode merge computes the same tags as a single build: a backport merged from platform jobs leaves latest', async () => {
  const runId = String(Date.now());
  const before = await pointers(['latest']);
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    const built = await release('v1.4.2', { mode: 'platform', platforms: platform }, runId);
    expect({ platform, errors: built.errors, code: built.code }).toEqual({ platform, errors: [], code: 0 });
  }
  const merged = await release('v1.4.2', { mode: 'merge', platforms: 'linux/amd64,linux/arm64' }, runId);
  expect({ errors: merged.errors, code: merged.code }).toEqual({ errors: [], code: 0 });
  // 1.4.2 is the highest 1.x release (v1.5.0-rc.1 is a pre-release): it takes 1, not latest.
  expect(merged.outputs['tag-names'].split('\n')).toEqual(['1.4.2', '1.4', '1']);
  expect(merged.notices).toEqual([
    'latest stays on 2.0.1, which is higher than 1.4.2 (floating-tags: highest)'
  ]);
  const digest = merged.outputs.digest;
  expect(await pointers(['1.4.2', '1.4', '1', 'latest'])).toEqual({
    '1.4.2': digest,
    '1.4': digest,
    '1': digest,
    latest: before.latest
  });
  expect(api.violations).toEqual([]);
});

test('the default tag rules on a backport: the pushed tag, and latest stays', async () => {
  const before = await pointers(['latest']);
  const step = await release('v1.4.3', { tags: '' });
  expect({ errors: step.errors, code: step.code }).toEqual({ errors: [], code: 0 });
  expect(step.outputs['tag-names']).toBe('v1.4.3');
  expect(step.notices).toEqual([
    'latest stays on 2.0.1, which is higher than 1.4.3 (floating-tags: highest)'
  ]);
  expect(await pointers(['v1.4.3', 'latest'])).toEqual({
    'v1.4.3': step.outputs.digest,
    latest: before.latest
  });
  expect(api.violations).toEqual([]);
});
