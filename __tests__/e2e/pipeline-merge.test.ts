/**
 * Scaled-out builds: two `mode: platform` runs (one per platform) and a `mode: merge` run of the same
 * workflow run, against both registries; the result has the shape of a single multi-platform build.
 */
import { jest } from '@jest/globals';
import { runAction } from '../support/action-runner.js';
import { RegistryClient, type Manifest } from '../support/registry-client.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  readAuths,
  GHCR,
  HUB,
  PASSWORD,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const repo = `e2e-merge/${unique('app')}`;
const runId = String(Date.now());
const clients = [GHCR, HUB].map(r => new RegistryClient(`http://${r}`, USER, PASSWORD));
const repository = { name: 'hello-world', full_name: 'octo-org/hello-world', owner: { login: 'octo-org' } };
const context = buildContext(unique('tok'));

function step(
  mode: string,
  platforms: string,
  extra: Record<string, string> = {},
  images = `${GHCR}/${repo}\n${HUB}/${repo}`
) {
  return runAction({
    action: 'action.yml',
    inputs: {
      mode,
      platforms,
      images,
      tags: 'type=semver,pattern={{version}}',
      labels: 'org.opencontainers.image.description=Merged from native runners',
      'registry-auth': JSON.stringify(
        [GHCR, HUB].map(registry => ({ registry, username: USER, password: PASSWORD }))
      ),
      cache: 'none',
      ...extra
    },
    event: { ref: 'refs/tags/v2.0.0', repository },
    env: {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/tags/v2.0.0',
      GITHUB_RUN_ID: runId,
      GITHUB_WORKSPACE: context,
      DOCKER_CONFIG: dockerConfig()
    }
  });
}

const shape = (index: Manifest) =>
  index
    .manifests!.map(m =>
      m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
        ? 'attestation'
        : `${m.platform!.os}/${m.platform!.architecture}`
    )
    .sort();

beforeAll(() => ensureStack());

test('platform jobs push only handoff tags; the merge makes one index with every tag in every registry', async () => {
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    const built = await step('platform', platform);
    expect({ platform, errors: built.errors, code: built.code }).toEqual({ platform, errors: [], code: 0 });
    expect(built.outputs.digest).toMatch(/^sha256:/);
  }
  for (const client of clients) {
    expect((await client.tags(repo)).sort()).toEqual([
      `handoff-${runId}-linux-amd64`,
      `handoff-${runId}-linux-arm64`
    ]);
  }

  const merged = await step('merge', 'linux/amd64,linux/arm64');
  expect(merged.errors).toEqual([]);
  expect(merged.code).toBe(0);
  const digest = merged.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(merged.outputs.images.split('\n')).toEqual([
    `${GHCR}/${repo}@${digest}`,
    `${HUB}/${repo}@${digest}`
  ]);
  for (const client of clients) {
    for (const tag of ['2.0.0', 'latest']) expect((await client.manifest(repo, tag))?.digest).toBe(digest);
    const index = (await client.manifest(repo, digest))!.body;
    expect(shape(index)).toEqual(['attestation', 'attestation', 'linux/amd64', 'linux/arm64']);
    expect(index.annotations?.['org.opencontainers.image.description']).toBe('Merged from native runners');
    for (const child of index.manifests!) expect(await client.manifest(repo, child.digest)).toBeDefined();
  }

  // The same context built in one multi-platform step has the same shape.
  const single = await step('build', 'linux/amd64,linux/arm64', {}, `${GHCR}/${repo}-single`);
  expect(single.errors).toEqual([]);
  const one = (await clients[0].manifest(`${repo}-single`, single.outputs.digest))!.body;
  expect(shape(one)).toEqual(shape((await clients[0].manifest(repo, digest))!.body));
});

test('a merge whose platform image is missing fails naming the platform and the image', async () => {
  // The v2.0.0 of the test above is there already: the version tag check is off for this one.
  const merged = await step('merge', 'linux/amd64,linux/s390x', { 'immutable-tags': 'none' });
  expect(merged.code).toBe(1);
  expect(merged.errors.join('\n')).toContain(`No linux/s390x image of this run in ${GHCR}/${repo}`);
});

test('platform mode takes exactly one platform', async () => {
  const built = await step('platform', 'linux/amd64,linux/arm64');
  expect(built.code).toBe(1);
  expect(built.errors).toEqual([
    'Input "platforms" must name exactly one platform with mode "platform", got "linux/amd64,linux/arm64"'
  ]);
});

test('a merge on a pull request, where the platform jobs pushed nothing: no login, no merge, one notice', async () => {
  const config = dockerConfig();
  const before = await clients[0].tags(repo);
  const merged = await runAction({
    action: 'action.yml',
    inputs: {
      mode: 'merge',
      platforms: 'linux/amd64,linux/arm64',
      images: `${GHCR}/${repo}\n${HUB}/${repo}`,
      'registry-auth': JSON.stringify(
        [GHCR, HUB].map(registry => ({ registry, username: USER, password: PASSWORD }))
      ),
      prune: 'true'
    },
    event: {
      number: 7,
      pull_request: { number: 7, head: { sha: '0123456789abcdef0123456789abcdef01234567' } },
      repository
    },
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_WORKSPACE: context,
      DOCKER_CONFIG: config
    }
  });
  expect([merged.errors, merged.code]).toEqual([[], 0]);
  expect(merged.notices).toEqual([
    'Nothing to merge: the platform jobs of this run pushed no image (pull_request event)'
  ]);
  expect(merged.stdout).not.toContain('Logging in');
  expect(merged.stdout).not.toContain('imagetools');
  expect([merged.outputs.digest, merged.outputs.images]).toEqual(['', '']);
  expect(readAuths(config)).toEqual({});
  expect(await clients[0].tags(repo)).toEqual(before);
});
