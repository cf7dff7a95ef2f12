/**
 * The build stage on an engine with Docker's classic image store (a daemon started without the
 * containerd snapshotter, as on many runners): the docker driver builds one platform; for several
 * the stage decides to make a docker-container builder, whose BuildKit image cannot be pulled here,
 * so the test asserts the decision and the clear error that follows, and the post step's clean-up.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { engineEnv, ROOT, runAction, stateValues } from '../support/action-runner.js';
import { MEDIA, RegistryClient } from '../support/registry-client.js';
import { buildContext, dockerConfig, GHCR, PASSWORD, unique, USER } from '../support/e2e-stack.js';

jest.setTimeout(180_000);

const classic = engineEnv({ E2E_STORE: 'classic' });
const ghcr = new RegistryClient(`http://${GHCR}`, USER, PASSWORD);
const good = { [GHCR]: `${USER}:${PASSWORD}` };

function build(inputs: Record<string, string>, token: string) {
  return runAction({
    action: 'build/action.yml',
    inputs,
    env: {
      DOCKER_HOST: classic.DOCKER_HOST,
      PATH: classic.PATH,
      DOCKER_CONFIG: dockerConfig(good),
      GITHUB_WORKSPACE: buildContext(token)
    },
    timeoutMs: 150_000
  });
}

beforeAll(() => {
  execFileSync('bash', [join(ROOT, 'scripts/e2e/up.sh')], {
    env: { ...process.env, ...classic },
    stdio: ['ignore', 'pipe', 'pipe']
  });
});

test('the engine keeps images in the classic store', () => {
  const status = execFileSync('docker', ['info', '--format', '{{json .DriverStatus}}'], {
    env: { ...process.env, ...classic },
    encoding: 'utf8'
  });
  expect(status).not.toContain('io.containerd.snapshotter');
});

test('one platform: the docker driver builds and pushes it', async () => {
  const repo = `e2e-classic/${unique('one')}`;
  const token = unique('tok');
  const step = await build({ platforms: 'linux/amd64', tags: `${GHCR}/${repo}:1` }, token);
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  expect(step.stdout).toContain('Using builder "default" (docker driver) builds these platforms');
  expect(step.stdout).not.toContain('Creating builder');
  const pushed = await ghcr.manifest(repo, '1');
  expect(pushed?.digest).toBe(step.outputs.digest);
  // One image, not an index: the classic store holds one platform per image.
  expect([MEDIA.dockerManifest, MEDIA.ociManifest]).toContain(pushed?.mediaType);
  expect(step.post?.code).toBe(0);
});

test('several platforms: a docker-container builder is made, and its failure is clear', async () => {
  const repo = `e2e-classic/${unique('multi')}`;
  const step = await build(
    { platforms: 'linux/amd64,linux/arm64', tags: `${GHCR}/${repo}:1` },
    unique('tok')
  );
  const made = /^Creating builder (push-to-image-1-[0-9a-f]{8}): (.*)$/m.exec(step.stdout);
  expect(made?.[2]).toBe('the docker driver builds several platforms only with the containerd image store');
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  // buildx's own ERROR line: booting the builder needs an image no registry here can serve.
  expect(step.errors[0]).toMatch(
    /^Creating builder push-to-image-\S+ \(the docker driver builds .*\) failed: ERROR: .+\. Instead, enable the containerd image store, or name a builder that can build these platforms in "builder"$/
  );
  expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  expect(await ghcr.tags(repo)).toEqual([]);
  // The post step removes the builder the main step recorded, though it never booted.
  expect(stateValues(step.state)['build-builder']).toBe(made?.[1]);
  expect(step.post?.code).toBe(0);
  expect(step.post?.stdout).toContain(`Removed builder ${made?.[1]}`);
});
