import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecError, type ExecOptions, type ExecResult } from '../../../src/common/exec.js';
import {
  configPath,
  inlineEntry,
  readConfig,
  withEntries,
  writeConfig
} from '../../../src/common/docker-config.js';
import { loginFailure, parseLoginState, postLogin, runLogin } from '../../../src/login/main.js';
import { mainKey, sign } from '../../../src/common/state.js';
import { stateValues } from '../../support/action-runner.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

interface Call {
  args: string[];
  input?: string;
}

/** A docker CLI stand-in that records calls and fails the registries listed in `failing`. */
function fakeDocker(failing: Record<string, string> = {}) {
  const calls: Call[] = [];
  const run = async (_cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> => {
    calls.push({ args, input: opts.input });
    const target = args.at(-1) ?? '';
    if (failing[target]) {
      const result = { code: 1, stdout: '', stderr: `${failing[target]}\n` };
      if (opts.allowFailure) return result;
      throw new ExecError('docker failed', result);
    }
    return { code: 0, stdout: 'Login Succeeded\n', stderr: '' };
  };
  return { run, calls };
}

describe('runLogin / postLogin', () => {
  const runner = runnerSandbox('login-');
  let dir = '';
  beforeEach(() => {
    dir = runner.dir;
  });
  const printed = runner.printed;
  /** The state file as the runner passes it to the post step, and its values. */
  const signedState = () => runner.state();
  const state = () => stateValues(signedState());
  const env = () => ({ DOCKER_CONFIG: dir, RUNNER_TEMP: dir });
  const target = (registry: string, password = 'pw-' + registry) => ({
    registry,
    username: 'u',
    password,
    githubToken: false
  });

  test('passwords go through stdin, are masked first, and each login is recorded at once', async () => {
    const docker = fakeDocker({
      '127.0.0.1:5002':
        'Error response from daemon: login attempt to http://127.0.0.1:5002/v2/ failed with status: 401 Unauthorized'
    });
    const inputs = { logins: [target('127.0.0.1:5001'), target('127.0.0.1:5002')], logout: true };
    await expect(runLogin(inputs, { run: docker.run, env: env() })).rejects.toThrow(
      'Login to 127.0.0.1:5002 as u failed: login attempt to http://127.0.0.1:5002/v2/ failed with status: ' +
        '401 Unauthorized Check the username and password (or token) for 127.0.0.1:5002.'
    );
    expect(docker.calls).toEqual([
      {
        args: ['login', '--username', 'u', '--password-stdin', '--', '127.0.0.1:5001'],
        input: 'pw-127.0.0.1:5001'
      },
      {
        args: ['login', '--username', 'u', '--password-stdin', '--', '127.0.0.1:5002'],
        input: 'pw-127.0.0.1:5002'
      }
    ]);
    const out = printed();
    expect(out.indexOf('::add-mask::pw-127.0.0.1:5002')).toBeLessThan(out.indexOf('Logging in'));
    expect(parseLoginState(state().login)).toEqual([{ registry: '127.0.0.1:5001' }]);
  });

  test('logout: false records nothing for the post step', async () => {
    const docker = fakeDocker();
    const result = await runLogin(
      { logins: [target('ghcr.io')], logout: false },
      { run: docker.run, env: env() }
    );
    expect(result).toEqual({ registries: ['ghcr.io'] });
    expect(state().login).toBeUndefined();
  });

  test('the post step logs out of what was logged in and puts back replaced credentials', async () => {
    const before = {
      auths: { 'ghcr.io': { auth: 'b2xkOm9sZA==' }, 'other.io': { auth: 'eDp5' } },
      credsStore: ''
    };
    writeFileSync(configPath(env()), JSON.stringify(before), { mode: 0o600 });
    const docker = fakeDocker();
    await runLogin(
      { logins: [target('ghcr.io'), target('127.0.0.1:5001')], logout: true },
      { run: docker.run, env: env() }
    );
    expect(printed()).toContain('::add-mask::b2xkOm9sZA==');
    for (const [name, value] of Object.entries(signedState())) process.env[`STATE_${name}`] = value;
    // What `docker logout` would leave: the two entries gone.
    writeFileSync(
      configPath(env()),
      JSON.stringify({ auths: { 'other.io': { auth: 'eDp5' } }, credsStore: '' })
    );
    const post = fakeDocker();
    await postLogin({ run: post.run, env: env() });
    expect(post.calls.map(c => c.args)).toEqual([
      ['logout', 'ghcr.io'],
      ['logout', '127.0.0.1:5001']
    ]);
    expect(JSON.parse(readFileSync(configPath(env()), 'utf8'))).toEqual({
      auths: { 'other.io': { auth: 'eDp5' }, 'ghcr.io': { auth: 'b2xkOm9sZA==' } },
      credsStore: ''
    });
  });

  test('the state keeps only the fields that put back earlier credentials, each written once', async () => {
    const before = {
      auths: {
        'ghcr.io': { auth: 'b2xkOm9sZA==', email: 'mona@example.com', registrytoken: 'rt-secret' },
        'a.io': { identitytoken: 'idt-secret', auth: 'bW9uYTo=' }
      }
    };
    writeFileSync(configPath(env()), JSON.stringify(before), { mode: 0o600 });
    await runLogin(
      { logins: [target('ghcr.io'), target('a.io'), target('b.io'), target('c.io')], logout: true },
      { run: fakeDocker().run, env: env() }
    );
    const raw = readFileSync(join(dir, 'state'), 'utf8');
    expect(raw.split('b2xkOm9sZA==')).toHaveLength(2);
    expect(raw.split('idt-secret')).toHaveLength(2);
    expect(raw).not.toContain('mona@example.com');
    expect(raw).not.toContain('rt-secret');
    expect(JSON.parse(state().login)).toEqual({
      registries: [
        { registry: 'ghcr.io', restore: 'login-restore-0' },
        { registry: 'a.io', restore: 'login-restore-1' },
        { registry: 'b.io' },
        { registry: 'c.io' }
      ]
    });
    for (const [name, value] of Object.entries(signedState())) process.env[`STATE_${name}`] = value;
    writeFileSync(configPath(env()), JSON.stringify({ auths: {} }));
    await postLogin({ run: fakeDocker().run, env: env() });
    expect(readConfig(configPath(env())).auths).toEqual({
      'ghcr.io': { auth: 'b2xkOm9sZA==' },
      'a.io': { auth: 'bW9uYTo=', identitytoken: 'idt-secret' }
    });
  });

  test('a failed logout is a warning, not a failure', async () => {
    process.env.STATE_login = sign(
      mainKey(env()),
      'login',
      JSON.stringify({ registries: [{ registry: 'a.io' }] })
    );
    await postLogin({ run: fakeDocker({ 'a.io': 'Error: not logged in to a.io' }).run, env: env() });
    expect(printed()).toContain('::warning::Logout of a.io failed: Error: not logged in to a.io');
  });

  test('state its main step did not write changes nothing: no logout, no restore, one warning', async () => {
    const before = { auths: { 'ghcr.io': { auth: 'dXNlcjpzdG9yZWQ=' } } };
    writeFileSync(configPath(env()), JSON.stringify(before));
    // What a `::save-state` line printed by a label would hand the post step.
    process.env.STATE_login = JSON.stringify({
      registries: [{ registry: 'ghcr.io', restore: 'login-restore-0' }]
    });
    process.env['STATE_login-restore-0'] = JSON.stringify({ auth: 'YXR0YWNrZXI6Y2hvc2Vu' });
    const docker = fakeDocker();
    await postLogin({ run: docker.run, env: env() });
    expect(docker.calls).toEqual([]);
    expect(readConfig(configPath(env()))).toEqual(before);
    expect(printed().match(/^::warning::.*$/gm)).toEqual([
      `::warning::Ignoring the state entry "login": it was not written by this step's main step`
    ]);
  });

  test('a forged restore entry next to a genuine login list: logged out, nothing put back', async () => {
    writeFileSync(configPath(env()), JSON.stringify({ auths: { 'ghcr.io': { auth: 'dXNlcjpzdG9yZWQ=' } } }));
    await runLogin({ logins: [target('ghcr.io')], logout: true }, { run: fakeDocker().run, env: env() });
    for (const [name, value] of Object.entries(signedState())) process.env[`STATE_${name}`] = value;
    process.env['STATE_login-restore-0'] = JSON.stringify({ auth: 'YXR0YWNrZXI6Y2hvc2Vu' });
    writeFileSync(configPath(env()), JSON.stringify({ auths: {} }));
    const docker = fakeDocker();
    await postLogin({ run: docker.run, env: env() });
    expect(docker.calls.map(c => c.args)).toEqual([['logout', 'ghcr.io']]);
    expect(readConfig(configPath(env())).auths).toEqual({});
    expect(printed()).toContain(
      `::warning::Ignoring the state entry "login-restore-0": it was not written by this step's main step`
    );
  });

  test.each([
    [{ registries: [{ registry: '--config=/tmp/x' }] }],
    [{ registries: [{ registry: 'ghcr.io', restore: 'isPost' }] }],
    [{ registries: 'ghcr.io' }],
    [null]
  ])('a signed login state runLogin does not write (%j) is ignored with a warning', async value => {
    process.env.STATE_login = sign(mainKey(env()), 'login', JSON.stringify(value));
    const docker = fakeDocker();
    await postLogin({ run: docker.run, env: env() });
    expect(docker.calls).toEqual([]);
    expect(printed()).toContain('::warning::Ignoring the state entry "login": it does not list registries');
  });

  test('a GHCR denial with GITHUB_TOKEN explains the token, not the password', () => {
    const message = loginFailure(
      { registry: 'ghcr.io', username: 'mona', password: 'ghs_secret', githubToken: true },
      'Error response from daemon: Get "https://ghcr.io/v2/": denied: denied'
    );
    expect(message).toBe(
      'Login to ghcr.io as mona failed: Get "https://ghcr.io/v2/": denied: denied Likely cause for ghcr.io: ' +
        '(1) the token is expired, revoked or not a GitHub token.'
    );
    expect(message).not.toContain('ghs_secret');
  });
});

describe('docker config', () => {
  test.each([
    [{ DOCKER_CONFIG: '/cfg' }, '/cfg/config.json'],
    [{ HOME: '/home/me' }, '/home/me/.docker/config.json']
  ])('configPath(%j) = %s', (env, path) => {
    expect(configPath(env)).toBe(path);
  });

  test('only inline credentials can be put back', () => {
    const config = { auths: { a: { auth: 'x' }, b: {}, c: { identitytoken: 't' } } };
    expect(inlineEntry(config, 'a')).toEqual({ auth: 'x' });
    expect(inlineEntry(config, 'b')).toBeUndefined();
    expect(inlineEntry(config, 'c')).toEqual({ identitytoken: 't' });
    expect(withEntries(config, { b: { auth: 'y' } }).auths).toEqual({
      a: { auth: 'x' },
      b: { auth: 'y' },
      c: { identitytoken: 't' }
    });
  });

  test('writeConfig makes a new file 0600 and keeps an existing mode; readConfig tolerates missing or empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const fresh = join(dir, 'new.json');
    expect(readConfig(fresh)).toEqual({});
    writeConfig(fresh, { auths: { a: { auth: 'x' } } });
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(readConfig(fresh)).toEqual({ auths: { a: { auth: 'x' } } });
    const existing = join(dir, 'config.json');
    writeFileSync(existing, '', { mode: 0o640 });
    expect(readConfig(existing)).toEqual({});
    writeConfig(existing, {});
    expect(statSync(existing).mode & 0o777).toBe(0o640);
  });
});
