/**
 * Whose code an event builds, and mistaken inputs named before anything happens, on the built root
 * action: pull_request_target from a fork builds, pushes and attests nothing with `push: auto` and
 * says why, and pushes with a warning with `push: true` (checked with the docker CLI); registry-auth
 * passwords YAML reads as an alias or a tag are refused without any part of them in the output; the
 * probe's mistaken inputs are each refused by name before the first login; the `metadata` output
 * carries no build-arg value.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runAction, type RunOptions, type StepResult } from '../support/action-runner.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  PASSWORD,
  readAuths,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const repo = `e2e-trust/${unique('app')}`;
const registryAuth = JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]);
const repository = {
  name: 'app',
  full_name: 'octo-org/app',
  owner: { login: 'octo-org' },
  default_branch: 'main'
};
const fromFork = {
  repository,
  number: 9,
  pull_request: {
    number: 9,
    head: { sha: 'f'.repeat(40), ref: 'feature', repo: { full_name: 'mallory/app' } },
    base: { ref: 'main', repo: { full_name: 'octo-org/app' } }
  }
};

function root(
  event: string,
  payload: object,
  inputs: Record<string, string>,
  extra: Partial<RunOptions> = {}
): Promise<StepResult> {
  return runAction({
    action: 'action.yml',
    inputs: { images: `${GHCR}/${repo}`, 'registry-auth': registryAuth, cache: 'none', ...inputs },
    event: payload,
    ...extra,
    env: {
      GITHUB_EVENT_NAME: event,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_WORKSPACE: buildContext(unique('tok')),
      DOCKER_CONFIG: dockerConfig(),
      ...extra.env
    }
  });
}

/** Whether `ref` is in the registry, asked with the docker CLI (imagetools) as its own client. */
function inRegistry(ref: string): boolean {
  const r = spawnSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_CONFIG: dockerConfig({ [GHCR]: `${USER}:${PASSWORD}` }) }
  });
  if (r.status !== 0 && !/not found|unknown/i.test(r.stderr)) throw new Error(r.stderr);
  return r.status === 0;
}

const BUILDX_BUILD = /^\S*(docker buildx|docker-buildx) build /m;

beforeAll(() => ensureStack());

describe('pull_request_target from a fork', () => {
  test('push: auto logs in nowhere, builds, pushes and attests nothing, and says why in one notice', async () => {
    const config = dockerConfig();
    const tag = `${GHCR}/${repo}:auto`;
    const step = await root(
      'pull_request_target',
      fromFork,
      { tags: 'type=raw,value=auto', attest: 'auto' },
      { env: { DOCKER_CONFIG: config } }
    );
    expect(step.errors).toEqual([]);
    expect(step.code).toBe(0);
    expect(step.notices).toEqual([
      'Not building or pushing with "push: auto" on pull_request_target: pull_request_target runs with ' +
        "the repository's secrets and write token, and the code in the workspace may be the pull request's " +
        'from the fork mallory/app. Set "push: true" to build and push anyway'
    ]);
    expect(step.stdout).not.toMatch(BUILDX_BUILD);
    expect(step.stdout).not.toContain('Logging in');
    expect(step.stdout).not.toMatch(/Attested|Signing the build provenance/);
    expect(readAuths(config)).toEqual({});
    expect(step.outputs.images).toBe('');
    expect(inRegistry(tag)).toBe(false);
  });

  test('push: true pushes, with a warning that names the event', async () => {
    const tag = `${GHCR}/${repo}:forced`;
    const step = await root('pull_request_target', fromFork, { tags: 'type=raw,value=forced', push: 'true' });
    expect(step.errors).toEqual([]);
    expect(step.code).toBe(0);
    expect(step.warnings).toContainEqual(
      expect.stringMatching(
        /^Pushing on a pull_request_target event because "push" is true, though .*mallory\/app/
      )
    );
    expect(step.stdout).toMatch(BUILDX_BUILD);
    expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(inRegistry(tag)).toBe(true);
  });
});

describe('registry-auth passwords that YAML reads as an alias or a tag', () => {
  test.each([
    ['an alias', '*zq7pw'],
    ['a YAML tag', '!!zq7pw'],
    ['a local tag', '!tag zq7pw']
  ])('%s: "quote it", and no part of the password in the output', async (_name, password) => {
    const config = dockerConfig();
    const yaml = `- registry: ${GHCR}\n  username: ${USER}\n  password: ${password}\n`;
    const step = await root(
      'push',
      { repository },
      { 'registry-auth': yaml },
      { env: { DOCKER_CONFIG: config } }
    );
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'Input "registry-auth" item 1 line 3: the password starts with "&", "*" or "!", which YAML reads ' +
        "as an anchor, alias or tag, not as text: quote it (password: '...')"
    ]);
    // The password is masked first (its add-mask lines name it, as they must); nowhere else.
    const log = `${step.stdout}${step.stderr}`.replace(/^::add-mask::.*$/gm, '');
    expect(log).not.toContain('zq7pw');
    expect(readAuths(config)).toEqual({});
  });
});

describe('mistaken inputs are named before the first login', () => {
  test.each<[string, Record<string, string>, RegExp, string]>([
    [
      'duplicate platforms',
      { platforms: 'linux/amd64,linux/amd64' },
      /^Input "platforms" lists "linux\/amd64" twice: list each platform once$/,
      ''
    ],
    [
      'no Dockerfile in the context',
      { context: 'sub' },
      /^Input "file" is not set, and the context "sub" has no Dockerfile \(in .*\): add one, or name it in "file"$/,
      'sub'
    ],
    [
      'a secret file that is not there',
      { 'secret-files': 'key=./keys/id_ed25519' },
      /^Input "secret-files" item 1 \(id "key"\): "\.\/keys\/id_ed25519" does not exist/,
      ''
    ],
    ['context: -', { context: '-' }, /^Input "context" is "-", which reads the context from stdin/, ''],
    [
      'call: bogus',
      { call: 'bogus' },
      /^Input "call" must be one of build, check, lint, outline, targets/,
      ''
    ],
    ['a builder that looks like a flag', { builder: '--debug' }, /^Input "builder" starts with "-"/, '']
  ])('%s', async (_name, inputs, message, folder) => {
    const config = dockerConfig();
    const workspace = buildContext(unique('tok'));
    if (folder) mkdirSync(join(workspace, folder));
    const step = await root('push', { repository }, inputs, {
      env: { DOCKER_CONFIG: config, GITHUB_WORKSPACE: workspace }
    });
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([expect.stringMatching(message)]);
    expect(step.stdout).not.toContain('Logging in');
    expect(step.stdout).not.toMatch(BUILDX_BUILD);
    expect(readAuths(config)).toEqual({});
  });
});

test('the metadata output carries no build-arg value', async () => {
  const token = unique('sekret-');
  const step = await runAction({
    action: 'build/action.yml',
    inputs: {
      context: buildContext(unique('tok'), 'FROM e2e-base\nARG TOKEN\nRUN test -n "$TOKEN"\n'),
      'build-args': `TOKEN=${token}`,
      push: 'false',
      cache: 'none'
    },
    env: { GITHUB_EVENT_NAME: 'push', DOCKER_CONFIG: dockerConfig() }
  });
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  const metadata = JSON.parse(step.outputs.metadata) as Record<string, unknown>;
  expect(metadata['containerimage.digest'] ?? metadata['containerimage.config.digest']).toMatch(/^sha256:/);
  expect(metadata).not.toHaveProperty('buildx.build.provenance');
  expect(step.outputs.metadata).not.toContain(token);
});
