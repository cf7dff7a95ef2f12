/**
 * The login stage on the real registries: several logins in one step, the post step logging out of
 * exactly those and putting back credentials it replaced, and a wrong password.
 */
import { jest } from '@jest/globals';
import { runAction } from '../support/action-runner.js';
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
} from '../fixtures/build/e2e.js';

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
