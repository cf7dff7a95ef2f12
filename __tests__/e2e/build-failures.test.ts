/**
 * What goes wrong in a build, on the real engine: wrong stored credentials, a stopped registry, a
 * Dockerfile error, bad input, and a pull_request build. Each behaves as specified; nothing gets pushed.
 */
import { jest } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type StepResult } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import { atLeast } from '../../src/build/buildx.js';
import {
  buildContext,
  buildxVersion,
  dockerConfig,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  removeLocalImages,
  startRegistry,
  stopRegistry,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(120_000);

const ghcr = new RegistryClient(`http://${GHCR}`, USER, PASSWORD);
const hub = new RegistryClient(`http://${HUB}`, USER, PASSWORD);
const THROWAWAY = 5009;
const good = { [GHCR]: `${USER}:${PASSWORD}`, [HUB]: `${USER}:${PASSWORD}` };

function build(inputs: Record<string, string>, env: Record<string, string>) {
  return runAction({ action: 'build/action.yml', inputs, env, timeoutMs: 100_000 });
}

/** No stack trace reaches the log: one ::error:: line, the command's own words. */
function expectOneCleanError(step: StepResult, message: string | RegExp): void {
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  if (typeof message === 'string') expect(step.errors[0]).toBe(message);
  else expect(step.errors[0]).toMatch(message);
  expect(step.stdout + step.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
}

beforeAll(() => ensureStack());

test('stale credentials for one registry: nothing is built or pushed to either', async () => {
  const repo = `e2e-fail/${unique('creds')}`;
  const config = dockerConfig({ ...good, [HUB]: `${USER}:wrong` });
  const started = Date.now();
  const step = await build(
    { tags: `${GHCR}/${repo}:1,${HUB}/${repo}:1` },
    { DOCKER_CONFIG: config, GITHUB_WORKSPACE: buildContext(unique('tok')) }
  );
  expectOneCleanError(
    step,
    `Nothing was built or pushed: registry ${HUB} rejects the stored credentials (401 Unauthorized): log in to it again`
  );
  expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  expect(Date.now() - started).toBeLessThan(5000);
  expect([await ghcr.tags(repo), await hub.tags(repo)]).toEqual([[], []]);
});

test('a stopped registry: the build stops before pushing anywhere', async () => {
  const repo = `e2e-fail/${unique('stopped')}`;
  const registry = await startRegistry(THROWAWAY);
  await stopRegistry(registry, THROWAWAY);
  const step = await build(
    { tags: `${GHCR}/${repo}:1,127.0.0.1:${THROWAWAY}/${repo}:1`, platforms: 'linux/amd64,linux/arm64' },
    { DOCKER_CONFIG: dockerConfig(good), GITHUB_WORKSPACE: buildContext(unique('tok')) }
  );
  expectOneCleanError(
    step,
    `Nothing was built or pushed: registry 127.0.0.1:${THROWAWAY} (for 127.0.0.1:${THROWAWAY}/${repo}:1) is unreachable (ECONNREFUSED)`
  );
  expect(await ghcr.tags(repo)).toEqual([]);
});

test("a Dockerfile error surfaces buildx's own ERROR line and pushes nothing", async () => {
  const repo = `e2e-fail/${unique('dockerfile')}`;
  const token = unique('tok');
  const context = buildContext(token, `FROM e2e-base\nRUN echo ${token} && exit 3\n`);
  const step = await build(
    { tags: `${GHCR}/${repo}:1,${HUB}/${repo}:1`, platforms: 'linux/amd64,linux/arm64' },
    { DOCKER_CONFIG: dockerConfig(good), GITHUB_WORKSPACE: context }
  );
  // buildx's own ERROR line, whatever its wording around the failed step ("failed to build: ..." since 0.2x).
  expectOneCleanError(step, /^buildx build failed: ERROR: .*\bexit code: 3$/);
  expect(step.errors[0]).toContain(`"/bin/sh -c echo ${token} && exit 3"`);
  expect([await ghcr.tags(repo), await hub.tags(repo)]).toEqual([[], []]);
});

test.each([
  [
    { platforms: 'linux/amd64,linux/aarch64' },
    'Input "platforms": "linux/aarch64" has an unknown architecture "aarch64" (did you mean linux/arm64?)'
  ],
  [
    { tags: `${GHCR}/e2e-fail/App:1` },
    `Input "tags": "${GHCR}/e2e-fail/App:1" has upper case in the repository name (repository names are lower case: "${GHCR}/e2e-fail/app:1")`
  ],
  [
    { tags: `${GHCR}/e2e-fail/app:1.0+build` },
    `Input "tags": "${GHCR}/e2e-fail/app:1.0+build" has an invalid tag "1.0+build" (up to 128 letters, digits, "_", "." and "-", not starting with "." or "-")`
  ]
])('bad input %j fails at once naming the input', async (inputs, message) => {
  const step = await build(inputs, {
    DOCKER_CONFIG: dockerConfig(good),
    GITHUB_WORKSPACE: buildContext('x')
  });
  expectOneCleanError(step, message);
  expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  expect(await ghcr.tags('e2e-fail/app')).toEqual([]);
});

describe('call: check', () => {
  const supported = atLeast(buildxVersion(), '0.15.0');

  (supported ? test.skip : test)('is refused naming the input on buildx before 0.15', async () => {
    const step = await build(
      { tags: `${GHCR}/e2e-fail/app:1`, call: 'check' },
      { DOCKER_CONFIG: dockerConfig(good), GITHUB_WORKSPACE: buildContext('x') }
    );
    expectOneCleanError(
      step,
      `Input "call" needs buildx 0.15.0 or newer; this runner has buildx ${buildxVersion()} (got "check")`
    );
    expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  });

  (supported ? test : test.skip)('checks the Dockerfile and publishes nothing on buildx 0.15+', async () => {
    const repo = `e2e-fail/${unique('check')}`;
    const env = { DOCKER_CONFIG: dockerConfig(good) };
    const clean = await build(
      { tags: `${GHCR}/${repo}:1`, call: 'check' },
      { ...env, GITHUB_WORKSPACE: buildContext(unique('tok')) }
    );
    expect(clean.errors).toEqual([]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('not pushing (call: check evaluates the build, nothing is published)');
    expect(clean.stdout).toMatch(/^\S*(docker buildx|docker-buildx) build .*--call check/m);
    expect(clean.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build .*--push/m);
    expect([clean.outputs.digest, clean.outputs.imageid]).toEqual(['', '']);

    const sloppy = await build(
      { tags: `${GHCR}/${repo}:1`, call: 'check' },
      { ...env, GITHUB_WORKSPACE: buildContext('x', 'from e2e-base\nRUN true\n') }
    );
    // The rule buildx reports for mixed-case instructions, in its own words.
    expectOneCleanError(sloppy, /^buildx build --call check found problems: .*ConsistentInstructionCasing/);
    expect(await ghcr.tags(repo)).toEqual([]);
  });
});

test('a pull_request event builds both platforms but pushes nothing', async () => {
  const repo = `e2e-fail/${unique('pr')}`;
  const tags = [`${GHCR}/${repo}:pr-7`, `${HUB}/${repo}:pr-7`];
  const step = await build(
    { tags: tags.join(','), platforms: 'linux/amd64,linux/arm64' },
    {
      DOCKER_CONFIG: dockerConfig(),
      GITHUB_WORKSPACE: buildContext(unique('tok')),
      GITHUB_EVENT_NAME: 'pull_request'
    }
  );
  try {
    expect(step.errors).toEqual([]);
    expect(step.code).toBe(0);
    expect(step.stdout).toContain('not pushing (pull_request event)');
    expect(step.stdout).not.toContain('--push');
    expect(step.summary).toContain('| Pushed | no (pull_request event) |');
    expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([await ghcr.tags(repo), await hub.tags(repo)]).toEqual([[], []]);
  } finally {
    removeLocalImages(tags);
  }
});

test('a buildx older than the supported ones: the build started before its version was known stops, and runs again with its plan', async () => {
  // The engine's buildx behind a plugin that says it is 0.11.2 and, like 0.11, has no --annotation.
  const config = dockerConfig(good);
  const plugins = join(config, 'cli-plugins');
  mkdirSync(plugins);
  writeFileSync(
    join(plugins, 'docker-buildx'),
    [
      '#!/bin/sh',
      'if [ "$1" = version ]; then echo "github.com/docker/buildx v0.11.2 9872040"; exit 0; fi',
      'for a in "$@"; do [ "$a" = --annotation ] && { echo "ERROR: unknown flag: --annotation" >&2; exit 1; }; done',
      `exec ${JSON.stringify(join(process.env.E2E_PLUGINS ?? '', 'docker-buildx'))} "$@"`,
      ''
    ].join('\n'),
    { mode: 0o755 }
  );
  const repo = `e2e-fail/${unique('old')}`;
  const step = await build(
    {
      tags: `${GHCR}/${repo}:1`,
      platforms: 'linux/amd64,linux/arm64',
      labels: 'org.opencontainers.image.description=old buildx'
    },
    { DOCKER_CONFIG: config, GITHUB_WORKSPACE: buildContext(unique('tok')) }
  );
  try {
    expect(step.errors).toEqual([]);
    expect(step.code).toBe(0);
    expect(step.warnings).toContain(
      'buildx 0.11.2 is older than 0.13.1, the oldest this action is tested with'
    );
    // First with the index annotation every supported buildx takes, then without it.
    const lines = step.stdout.match(/^\S*docker-buildx build .*$/gm) ?? [];
    expect(lines.map(l => l.includes('--annotation'))).toEqual([true, false]);
    // The first run's output was held and dropped: its usage error never reached the log.
    expect(step.stdout).not.toContain('unknown flag');
    expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await ghcr.tags(repo)).toEqual(['1']);
  } finally {
    removeLocalImages([`${GHCR}/${repo}:1`]);
  }
});
