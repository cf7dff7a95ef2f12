/**
 * Mistaken inputs against the built actions, run as the runner runs them: every input of the root
 * action is checked on every event and before the first login, errors name what the user set,
 * separators come out as the meta stage gives them, dropped entries and a missing event file are
 * warned about, a corrupt Docker config is named, and push with load works run after run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runAction, type RunOptions } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  PASSWORD,
  removeLocalImages,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const SCRATCH = 'FROM scratch\nCOPY hello.txt /hello.txt\n';
const repo = `e2e-checks/${unique('app')}`;
const registryAuth = JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]);
const repository = { name: 'hello-world', owner: { login: 'octo-org' }, default_branch: 'main' };

function root(event: string, inputs: Record<string, string>, extra: Partial<RunOptions> = {}) {
  const pr = event === 'pull_request';
  return runAction({
    action: 'action.yml',
    inputs: { images: `${GHCR}/${repo}`, 'registry-auth': registryAuth, cache: 'none', ...inputs },
    event: {
      repository,
      ...(pr ? { number: 7, pull_request: { head: { sha: 'f'.repeat(40) }, base: { ref: 'main' } } } : {})
    },
    ...extra,
    env: {
      GITHUB_EVENT_NAME: event,
      GITHUB_REF: pr ? 'refs/pull/7/merge' : 'refs/heads/main',
      GITHUB_WORKSPACE: buildContext(unique('tok'), SCRATCH),
      DOCKER_CONFIG: dockerConfig(),
      ...extra.env
    }
  });
}

beforeAll(() => ensureStack());

describe('the root action checks every input before anything changes', () => {
  test('prune inputs on a pull_request, where nothing is pruned: refused before the build', async () => {
    const step = await root('pull_request', { prune: 'true', 'prune-older-than': 'soon' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([expect.stringMatching(/^Input "prune-older-than" is invalid, got "soon"/)]);
    expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  });

  test('prune-older-than: 6m, minutes or months: refused before the first login, asking for min or mo', async () => {
    const step = await root('push', { prune: 'true', 'prune-older-than': '6m' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'Input "prune-older-than" is invalid, got "6m": "m" could mean minutes or months: write "min" for minutes or "mo" for months'
    ]);
    expect(step.stdout).not.toContain('Logging in');
  });

  test('a tag computed by meta that no registry takes: refused before the first login', async () => {
    const config = dockerConfig();
    const step = await root(
      'push',
      { tags: 'type=raw,value=main,prefix=-' },
      { env: { DOCKER_CONFIG: config } }
    );
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      expect.stringContaining(`Input "tags": "${GHCR}/${repo}:-main" has an invalid tag "-main"`)
    ]);
    expect(step.stdout).not.toContain('Logging in');
    expect(JSON.parse(readFileSync(join(config, 'config.json'), 'utf8'))).toEqual({ auths: {} });
  });

  test('a missing Dockerfile: refused before the first login', async () => {
    const step = await root('push', { file: 'docker/Dockerfile' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      expect.stringMatching(/^Input "file": "docker\/Dockerfile" does not exist/)
    ]);
    expect(step.stdout).not.toContain('Logging in');
  });

  test('password without registry: the error names the inputs that were set', async () => {
    const step = await root('push', { 'registry-auth': '', password: 'secret-pw' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'Input "username" is required to log in to docker.io (set: "password", and "registry" is empty, which means Docker Hub)'
    ]);
    expect(step.stdout).not.toContain('Logging in');
  });

  test('an unknown cache-from type: refused by name, nothing built', async () => {
    const step = await root('pull_request', { 'cache-from': 'type=foo,ref=x' });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([expect.stringMatching(/^Input "cache-from" item 1 has unknown type "foo"/)]);
    expect(step.stdout).not.toMatch(/^\S*(docker buildx|docker-buildx) build /m);
  });
});

test('sep-tags " " gives the same tags output on the root action as on the meta stage', async () => {
  const inputs = { 'sep-tags': ' ', tags: 'type=ref,event=pr\ntype=raw,value=x' };
  const event = {
    repository,
    number: 7,
    pull_request: { head: { sha: 'f'.repeat(40) }, base: { ref: 'main' } }
  };
  const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' };
  const meta = await runAction({
    action: 'meta/action.yml',
    inputs: { images: `${GHCR}/${repo}`, ...inputs },
    event,
    env
  });
  const step = await root('pull_request', { ...inputs, platforms: 'linux/amd64' });
  expect(meta.code).toBe(0);
  expect(step.errors).toEqual([]);
  expect(meta.outputs.tags).toBe(`${GHCR}/${repo}:pr-7 ${GHCR}/${repo}:x`);
  expect(step.outputs.tags).toBe(meta.outputs.tags);
  expect(step.outputs['tag-names']).toBe(meta.outputs['tag-names']);
});

describe('unclear cases get a clear word', () => {
  test('meta: a GITHUB_EVENT_PATH that names no file is warned about with its path', async () => {
    const gone = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
    const step = await runAction({
      action: 'meta/action.yml',
      inputs: { images: `${GHCR}/${repo}` },
      env: { GITHUB_EVENT_PATH: gone }
    });
    expect(step.code).toBe(0);
    expect(step.warnings).toContain(`GITHUB_EVENT_PATH ${gone} does not exist: the event payload is empty`);
  });

  test('meta: a label without "=" is dropped as metadata-action drops it, with a warning naming it', async () => {
    const run = (labels: string) =>
      runAction({
        action: 'meta/action.yml',
        inputs: { images: `${GHCR}/${repo}`, labels },
        event: { repository },
        env: { SOURCE_DATE_EPOCH: '1700000000' }
      });
    const [withEntry, without] = [await run('maintainer=me\nvendor'), await run('maintainer=me')];
    expect(withEntry.outputs.labels).toBe(without.outputs.labels);
    expect(withEntry.outputs.json).toBe(without.outputs.json);
    expect(withEntry.warnings).toContain('Input "labels": "vendor" has no "=" (key=value) and is ignored');
    expect(without.warnings.join('\n')).not.toContain('"="');
  });

  test('login: a corrupt Docker config.json is named, and left as it was', async () => {
    const config = mkdtempSync(join(tmpdir(), 'docker-config-'));
    writeFileSync(join(config, 'config.json'), '{"auths": {');
    const step = await runAction({
      action: 'login/action.yml',
      inputs: { registry: GHCR, username: USER, password: PASSWORD },
      env: { DOCKER_CONFIG: config },
      post: false
    });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^The Docker config file ${join(config, 'config.json')} is not valid JSON: `)
      )
    ]);
    expect(readFileSync(join(config, 'config.json'), 'utf8')).toBe('{"auths": {');
  });
});

test('build: push with load pushes and loads, run after run', async () => {
  const client = new RegistryClient(`http://${GHCR}`, USER, PASSWORD);
  const config = dockerConfig({ [GHCR]: `${USER}:${PASSWORD}` });
  const outcomes: { code: number; errors: string[]; pushed: boolean; loaded: boolean }[] = [];
  const refs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const ref = `${GHCR}/${repo}:load-${i}`;
    refs.push(ref);
    const step = await runAction({
      action: 'build/action.yml',
      inputs: { tags: ref, push: 'true', load: 'true', platforms: 'linux/amd64', cache: 'none' },
      env: { DOCKER_CONFIG: config, GITHUB_WORKSPACE: buildContext(unique('tok'), SCRATCH) }
    });
    const pushed = (await client.manifest(repo, `load-${i}`))?.digest;
    const loaded = (() => {
      try {
        execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    outcomes.push({
      code: step.code,
      errors: step.errors,
      pushed: pushed !== undefined && pushed === step.outputs.digest,
      loaded
    });
  }
  removeLocalImages(refs);
  expect(outcomes).toEqual(Array(6).fill({ code: 0, errors: [], pushed: true, loaded: true }));
});
