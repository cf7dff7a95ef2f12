/**
 * The login stage on the real registries: several logins in one step, the post step logging out of
 * exactly those and putting back credentials it replaced, and a wrong password.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAction, runStep } from '../support/action-runner.js';
import {
  base64,
  dockerConfig,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  readAuths,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(60_000);

beforeAll(() => ensureStack());

test('logs in to both registries; post removes them, keeps other credentials and restores replaced ones', async () => {
  const other = { 'other.example:5000': 'someone:kept', [GHCR]: 'earlier-user:earlier-token' };
  const config = dockerConfig(other);
  const run = await runAction({
    action: 'login/action.yml',
    inputs: {
      'registry-auth': [GHCR, HUB]
        .map(r => `- registry: ${r}\n  username: ${USER}\n  password: ${PASSWORD}`)
        .join('\n')
    },
    env: { DOCKER_CONFIG: config }
  });
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  // Masked first: the github-token, the password (once, though both registries have it) and the auth
  // value docker login writes for it; then the earlier credentials the post step puts back.
  expect(run.masked).toEqual(['ghs_testtoken', PASSWORD, base64(`${USER}:${PASSWORD}`), base64(other[GHCR])]);
  expect(run.stdout.lastIndexOf('::add-mask::')).toBeLessThan(run.stdout.indexOf('Logging in'));
  expect(run.stdout).not.toMatch(new RegExp(`^(?!::add-mask::).*${PASSWORD}`, 'm'));
  expect(run.outputs.registries).toBe(`${GHCR}\n${HUB}`);
  expect(run.post?.code).toBe(0);
  expect(run.post?.stdout).toContain(`Logged out of ${GHCR}`);
  expect(run.post?.stdout).toContain(`Logged out of ${HUB}`);
  expect(run.post?.stdout).toContain(`Restored the earlier credentials for ${GHCR}`);
  expect(readAuths(config)).toEqual({
    'other.example:5000': { auth: base64(other['other.example:5000']) },
    [GHCR]: { auth: base64(other[GHCR]) }
  });
});

test('logout: false leaves the credentials for later steps', async () => {
  const config = dockerConfig();
  const run = await runAction({
    action: 'login/action.yml',
    inputs: { registry: GHCR, username: USER, password: PASSWORD, logout: 'false' },
    env: { DOCKER_CONFIG: config }
  });
  expect([run.code, run.post?.code]).toEqual([0, 0]);
  expect(readAuths(config)).toEqual({ [GHCR]: { auth: base64(`${USER}:${PASSWORD}`) } });
});

test('a wrong password fails naming the registry, stores nothing, and never shows the password', async () => {
  const config = dockerConfig();
  const wrong = 'not-the-password-' + unique('');
  const run = await runAction({
    action: 'login/action.yml',
    inputs: { registry: HUB, username: USER, password: wrong },
    env: { DOCKER_CONFIG: config }
  });
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    `Login to ${HUB} as ${USER} failed: login attempt to http://${HUB}/v2/ failed with status: 401 Unauthorized ` +
      `Check the username and password (or token) for ${HUB}.`
  ]);
  expect(run.masked).toEqual(['ghs_testtoken', wrong, base64(`${USER}:${wrong}`)]);
  expect(run.stdout.replace(`::add-mask::${wrong}`, '') + run.stderr).not.toContain(wrong);
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(readAuths(config)).toEqual({});
  expect(run.post?.stdout).not.toContain('Logged out');
});

/** Whether crane (an independent registry client) reaches the registry's catalog with this config. */
async function craneCatalog(config: string): Promise<boolean> {
  const crane = join(process.env.E2E_ROOT ?? '/var/lib/push-to-image', 'tools/bin/crane');
  return promisify(execFile)(crane, ['catalog', GHCR, '--insecure'], {
    env: { ...process.env, DOCKER_CONFIG: config }
  }).then(
    () => true,
    () => false
  );
}

test('scope: the credentials go to a config of their own for buildx; post logs out there and removes it', async () => {
  const config = dockerConfig();
  const scope = `${unique('e2e-scope')}/app@push`;
  const scoped = join(config, 'buildx', 'config', GHCR, scope);
  const run = await runAction({
    action: 'login/action.yml',
    inputs: { registry: GHCR, username: USER, password: PASSWORD, scope },
    env: { DOCKER_CONFIG: config },
    post: false
  });
  expect([run.errors, run.code]).toEqual([[], 0]);
  expect(run.stdout).toContain(
    `Logging in to ${GHCR} as ${USER} for ${scope} (scoped credentials in ${scoped}`
  );
  expect(readAuths(config)).toEqual({});
  expect(readAuths(scoped)).toEqual({ [GHCR]: { auth: base64(`${USER}:${PASSWORD}`) } });
  expect([await craneCatalog(scoped), await craneCatalog(config)]).toEqual([true, false]);

  const post = await runStep(
    { action: 'login/action.yml', env: { DOCKER_CONFIG: config }, workdir: run.workdir },
    'post',
    run.state
  );
  expect(post.code).toBe(0);
  expect(post.stdout).toContain(`Logged out of ${GHCR} (scoped, ${scoped})`);
  expect(existsSync(join(scoped, 'config.json'))).toBe(false);
  expect(JSON.parse(readFileSync(join(config, 'config.json'), 'utf8'))).toEqual({ auths: {} });
});
