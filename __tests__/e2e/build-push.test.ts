/**
 * login + build on the real engine: one multi-arch index pushed to both registries, read back over
 * their HTTP API; a rebuild from the registry cache; the login post step.
 */
import { jest } from '@jest/globals';
import { runAction, runStep, type StepResult } from '../support/action-runner.js';
import { fileFromLayer, MEDIA, RegistryClient, type Manifest } from '../support/registry-client.js';
import {
  base64,
  buildContext,
  dockerConfig,
  dropLocalCache,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  readAuths,
  removeLocalImages,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(180_000);

const DESC = 'org.opencontainers.image.description';
const SRC = 'org.opencontainers.image.source';
const LIC = 'org.opencontainers.image.licenses';
const LABELS = {
  [DESC]: 'Hello, multi-arch world',
  [SRC]: 'https://github.com/octo-org/hello-world',
  [LIC]: 'MIT',
  'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567'
};

const token = unique('tok');
const repo = `e2e-build/${unique('app')}`;
const tags = [
  `${GHCR}/${repo}:1.2.3`,
  `${GHCR}/${repo}:latest`,
  `${HUB}/${repo}:1.2.3`,
  `${HUB}/${repo}:latest`
];
const registries: Record<string, RegistryClient> = {
  [GHCR]: new RegistryClient(`http://${GHCR}`, USER, PASSWORD),
  [HUB]: new RegistryClient(`http://${HUB}`, USER, PASSWORD)
};
const OTHER = { 'other.example:5000': 'someone:kept' };

let config: string;
let context: string;
let login: StepResult;
let cold: StepResult;

function build() {
  return runAction({
    action: 'build/action.yml',
    inputs: {
      platforms: 'linux/amd64,linux/arm64',
      tags: tags.join('\n'),
      labels: Object.entries(LABELS)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
      annotations: 'manifest:org.opencontainers.image.title=hello-world',
      cache: 'registry'
    },
    env: { DOCKER_CONFIG: config, GITHUB_WORKSPACE: context },
    timeoutMs: 150_000
  });
}

beforeAll(async () => {
  ensureStack();
  config = dockerConfig(OTHER);
  context = buildContext(token);
  login = await runAction({
    action: 'login/action.yml',
    inputs: {
      'registry-auth': `- registry: ${GHCR}\n  username: ${USER}\n  password: ${PASSWORD}\n- registry: ${HUB}\n  username: ${USER}\n  password: ${PASSWORD}\n`
    },
    env: { DOCKER_CONFIG: config },
    post: false
  });
  cold = await build();
});

afterAll(async () => {
  removeLocalImages(tags);
  for (const client of Object.values(registries)) await client.deleteRepository(repo).catch(() => undefined);
});

describe('login', () => {
  test('logs in to both registries, masking the password before anything else is printed', () => {
    expect(login.errors).toEqual([]);
    expect(login.code).toBe(0);
    expect(login.masked).toContain(PASSWORD);
    expect(login.stdout.indexOf('::add-mask::')).toBeLessThan(login.stdout.indexOf('Logging in'));
    expect(login.outputs.registries).toBe(`${GHCR}\n${HUB}`);
    expect(Object.keys(readAuths(config)).sort()).toEqual([GHCR, HUB, 'other.example:5000']);
  });
});

describe('multi-arch build and push', () => {
  test('succeeds with digest, imageid and metadata outputs', () => {
    expect(cold.errors).toEqual([]);
    expect(cold.code).toBe(0);
    expect(cold.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const metadata = JSON.parse(cold.outputs.metadata) as Record<string, unknown>;
    expect(metadata['containerimage.digest']).toBe(cold.outputs.digest);
    // As buildx's --iidfile: the config digest where the metadata has one (buildx before 0.15 for
    // several platforms), else the image's digest.
    expect(cold.outputs.imageid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(cold.outputs.imageid).toBe(metadata['containerimage.config.digest'] ?? cold.outputs.digest);
  });

  test.each(tags)('%s is the same index in its registry', async tag => {
    const [registry] = tag.split('/');
    const index = await registries[registry].manifest(repo, tag.split(':').at(-1) as string);
    expect(index?.digest).toBe(cold.outputs.digest);
    expect(index?.mediaType).toBe(MEDIA.ociIndex);
  });

  test.each([GHCR, HUB])(
    '%s: index annotations, both platforms, OCI labels in each config, RUN emulated',
    async registry => {
      const client = registries[registry];
      const index = (await client.manifest(repo, cold.outputs.digest))?.body as Manifest;
      expect(index.annotations).toEqual({ [DESC]: LABELS[DESC], [SRC]: LABELS[SRC], [LIC]: LABELS[LIC] });
      const images = (index.manifests ?? []).filter(m => m.platform?.os !== 'unknown');
      expect(images.map(m => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
      for (const image of images) {
        const manifest = (await client.manifest(repo, image.digest))?.body as Manifest;
        const imageConfig = await client.json<{
          architecture: string;
          config: { Labels: Record<string, string> };
        }>(repo, manifest.config?.digest ?? '');
        expect(manifest.annotations?.['org.opencontainers.image.title']).toBe('hello-world');
        expect(imageConfig.architecture).toBe(image.platform?.architecture);
        expect(imageConfig.config.Labels).toEqual(expect.objectContaining(LABELS));
        const last = await client.blob(repo, manifest.layers?.at(-1)?.digest ?? '');
        expect(fileFromLayer(last, 'token')).toBe(`${token}\n`);
        expect(fileFromLayer(last, 'arch')).toBe(
          image.platform?.architecture === 'arm64' ? 'aarch64\n' : 'x86_64\n'
        );
      }
    }
  );

  test('pushes the registry cache and sums up the build', async () => {
    expect(await registries[GHCR].manifest(repo, 'buildcache')).toBeDefined();
    expect(cold.summary).toContain(`| Digest | \`${cold.outputs.digest}\` |`);
    expect(cold.summary).toContain('| Platforms | linux/amd64, linux/arm64 |');
    expect(cold.summary).toContain('| Pushed | yes (push: auto on a push event)');
    expect(cold.summary).toContain(tags.map(t => `\`${t}\``).join('<br>'));
    // The count of steps varies with the engine's own steps (metadata loads); the run's steps are new.
    const [, cached, steps] = /\| Cached steps \| (\d+) of (\d+) \|/.exec(cold.summary) ?? [];
    expect(Number(steps)).toBeGreaterThanOrEqual(4);
    expect(Number(cached)).toBeLessThan(Number(steps));
  });
});

describe('rebuild of the unchanged context', () => {
  test('takes every step from the registry cache', async () => {
    expect(dropLocalCache(token)).toBeGreaterThan(0);
    const warm = await build();
    expect(warm.errors).toEqual([]);
    expect(warm.stdout).toContain(`importing cache manifest from ${GHCR}/${repo}:buildcache`);
    expect(warm.summary).toMatch(/\| Cached steps \| ([4-9]|\d\d+) of \1 \|/);
    const index = await registries[HUB].manifest(repo, 'latest');
    expect(index?.digest).toBe(warm.outputs.digest);
  });
});

describe('login post step', () => {
  test('removes exactly the credentials it added and keeps the others', async () => {
    const post = await runStep(
      { action: 'login/action.yml', env: { DOCKER_CONFIG: config }, workdir: login.workdir },
      'post',
      login.state
    );
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`Logged out of ${GHCR}`);
    expect(post.stdout).toContain(`Logged out of ${HUB}`);
    expect(readAuths(config)).toEqual({
      'other.example:5000': { auth: base64(OTHER['other.example:5000']) }
    });
  });
});

describe("build-push-action's allow, no-cache-filters and cgroup-parent on the real buildx", () => {
  const stageToken = unique('stage');
  const dockerfile =
    `FROM e2e-base AS deps\nRUN echo deps-${stageToken} > /deps\n` +
    `FROM e2e-base\nCOPY --from=deps /deps /deps\nRUN echo final-${stageToken} > /final\n`;
  const stageContext = buildContext(stageToken, dockerfile);
  const local = (inputs: Record<string, string> = {}) =>
    runAction({
      action: 'build/action.yml',
      inputs: { platforms: 'linux/amd64', cache: 'none', push: 'false', ...inputs },
      env: { DOCKER_CONFIG: config, GITHUB_WORKSPACE: stageContext },
      timeoutMs: 150_000
    });
  /** The plain progress lines of the step running `text`: its header and what became of it. */
  const stepOf = (log: string, text: string) => {
    const id = new RegExp(`^(#\\d+) \\[[^\\]]*\\] RUN echo ${text}`, 'm').exec(log)?.[1];
    return id ? log.split('\n').filter(l => l.startsWith(`${id} `)) : [];
  };

  test('no-cache-filters rebuilds the named stage; allow and cgroup-parent reach buildx', async () => {
    const first = await local();
    expect([first.errors, first.code]).toEqual([[], 0]);
    const again = await local();
    expect(stepOf(again.stdout, 'deps-').some(l => / CACHED$/.test(l))).toBe(true);

    const filtered = await local({
      'no-cache-filters': 'deps',
      allow: 'network.host',
      network: 'host',
      'cgroup-parent': 'push-to-image-e2e'
    });
    expect([filtered.errors, filtered.code]).toEqual([[], 0]);
    expect(filtered.stdout).toContain(
      '--network host --allow network.host --cgroup-parent push-to-image-e2e --no-cache-filter deps'
    );
    const deps = stepOf(filtered.stdout, 'deps-');
    expect(deps.length).toBeGreaterThan(1);
    expect(deps.some(l => / CACHED$/.test(l))).toBe(false);
    expect(deps.at(-1)).toMatch(/ DONE \d/);
  });
});
