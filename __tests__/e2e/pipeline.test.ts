/**
 * The root action on the real engine: meta -> login -> build in one step, on a branch push, a tag push
 * and a pull_request, with the post step; and default images with Docker Hub credentials.
 */
import { jest } from '@jest/globals';
import { runAction, type RunOptions } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  readAuths,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const repo = `e2e-pipeline/${unique('app')}`;
const images = `${GHCR}/${repo}\n${HUB}/${repo}`;
const registryAuth = JSON.stringify([
  { registry: GHCR, username: USER, password: PASSWORD },
  { registry: HUB, username: USER, password: PASSWORD }
]);
const clients = {
  [GHCR]: new RegistryClient(`http://${GHCR}`, USER, PASSWORD),
  [HUB]: new RegistryClient(`http://${HUB}`, USER, PASSWORD)
};
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  default_branch: 'main'
};

function pipeline(
  event: string,
  ref: string,
  extra: Partial<RunOptions> = {},
  inputs: Record<string, string> = {}
) {
  const workspace = buildContext(unique('tok'));
  return runAction({
    action: 'action.yml',
    inputs: { images, 'registry-auth': registryAuth, cache: 'none', ...inputs },
    event: {
      ref,
      repository,
      pull_request:
        event === 'pull_request'
          ? { number: 7, head: { sha: 'f'.repeat(40) }, base: { ref: 'main' } }
          : undefined
    },
    ...extra,
    env: {
      GITHUB_EVENT_NAME: event,
      GITHUB_REF: ref,
      GITHUB_WORKSPACE: workspace,
      DOCKER_CONFIG: dockerConfig({ 'other.example:5000': 'someone:kept' }),
      ...extra.env
    }
  });
}

beforeAll(() => ensureStack());

test('a branch push: tags from the default rules, one index in both registries, post step logs out', async () => {
  const config = dockerConfig({ 'other.example:5000': 'someone:kept' });
  const step = await pipeline('push', 'refs/heads/main', { env: { DOCKER_CONFIG: config } });
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  expect(step.outputs.tags.split('\n')).toEqual([`${GHCR}/${repo}:main`, `${HUB}/${repo}:main`]);
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(step.outputs.images.split('\n')).toEqual([`${GHCR}/${repo}@${digest}`, `${HUB}/${repo}@${digest}`]);
  for (const [registry, client] of Object.entries(clients)) {
    const index = await client.manifest(repo, 'main');
    expect({ registry, digest: index?.digest }).toEqual({ registry, digest });
    const platforms = index!.body.manifests!.map(m => `${m.platform!.os}/${m.platform!.architecture}`);
    expect(platforms.filter(p => p !== 'unknown/unknown').sort()).toEqual(['linux/amd64', 'linux/arm64']);
  }
  expect(step.summary).toContain('### Docker metadata');
  expect(step.summary).toContain(digest);
  expect(step.stdout).toContain(`Logging in to ${GHCR} as ${USER}`);
  expect(step.stdout).toContain(`Logging in to ${HUB} as ${USER}`);
  expect(step.post?.code).toBe(0);
  expect(Object.keys(readAuths(config))).toEqual(['other.example:5000']);
});

test('a tag push makes the semver tags and latest', async () => {
  const step = await pipeline(
    'push',
    'refs/tags/v1.2.3',
    {},
    { tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}' }
  );
  expect(step.errors).toEqual([]);
  expect(step.outputs.version).toBe('1.2.3');
  const tags = await clients[GHCR].tags(repo);
  expect(tags).toEqual(expect.arrayContaining(['1.2.3', '1.2', 'latest']));
  expect((await clients[HUB].manifest(repo, 'latest'))?.digest).toBe(step.outputs.digest);
});

test('a pull_request builds both platforms, logged in only to pull, and pushes nothing', async () => {
  const before = await clients[GHCR].tags(repo);
  const config = dockerConfig();
  const step = await pipeline('pull_request', 'refs/pull/7/merge', { env: { DOCKER_CONFIG: config } });
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  expect(step.outputs.tags.split('\n')).toEqual([`${GHCR}/${repo}:pr-7`, `${HUB}/${repo}:pr-7`]);
  expect(step.outputs.images).toBe('');
  expect(step.stdout).toContain('Logging in for pulls only: this run pushes nothing');
  expect(step.stdout).toContain(`Logging in to ${GHCR} as ${USER}`);
  // The post step logged out of both again.
  expect(step.post?.stdout).toContain(`Logged out of ${GHCR}`);
  expect(step.post?.stdout).toContain(`Logged out of ${HUB}`);
  expect(Object.keys(readAuths(config))).toEqual([]);
  expect(await clients[GHCR].tags(repo)).toEqual(before);
});

test('Docker Hub credentials add docker.io/<user>/<repo> to the default images', async () => {
  // An event that builds nothing, so no login to the real hosts is tried: the tags are meta's.
  const step = await runAction({
    action: 'action.yml',
    inputs: {
      'dockerhub-username': 'Mona',
      'dockerhub-token': 'dckr_pat_secret',
      cache: 'none',
      platforms: 'linux/amd64'
    },
    event: { ref: 'refs/pull/7/merge', number: 7, repository, pull_request: { number: 7 } },
    env: {
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_REPOSITORY: 'Octo-Org/Hello-World',
      GITHUB_WORKSPACE: buildContext(unique('tok')),
      DOCKER_CONFIG: dockerConfig()
    }
  });
  expect(step.errors).toEqual([]);
  expect(step.outputs.tags.split('\n')).toEqual([
    'ghcr.io/octo-org/hello-world:pr-7',
    'docker.io/mona/hello-world:pr-7'
  ]);
  expect(step.masked).toContain('dckr_pat_secret');
  expect(step.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('dckr_pat_secret');
});

test('bad input fails at once, naming the root input, and pushes nothing', async () => {
  const step = await pipeline('push', 'refs/heads/main', {}, { 'prune-older-than': 'soon', prune: 'true' });
  expect(step.code).toBe(1);
  expect(step.errors.join('\n')).toContain('"prune-older-than"');
  expect(step.stdout).not.toContain('Logging in');
});

test('prune: true with no pushed image on prune-registry skips the prune and says why', async () => {
  const step = await pipeline('push', 'refs/heads/main', {}, { prune: 'true' });
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  expect(step.notices).toContain(
    `Prune skipped: none of the pushed images (${GHCR}/${repo}, ${HUB}/${repo}) is a package of octo-org ` +
      'on ghcr.io; set prune-packages to prune other packages'
  );
  expect(step.outputs['prune-deleted-count']).toBeUndefined();
  expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
});
