import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecOptions, ExecResult } from '../../../src/common/exec.js';
import { InputError } from '../../../src/common/runner.js';
import { readLoginInputs } from '../../../src/login/inputs.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { parseLoginState, postLogin, runLogin } from '../../../src/login/main.js';
import { checkScope, scopedConfigDir } from '../../../src/login/scope.js';
import { stateValues } from '../../support/action-runner.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

describe('scopedConfigDir: where docker/login-action puts a scoped login', () => {
  const env = { DOCKER_CONFIG: '/d' };
  test.each<[string, string, NodeJS.ProcessEnv, string]>([
    ['docker.io', 'myorg/myimage@push', env, '/d/buildx/config/registry-1.docker.io/myorg/myimage@push'],
    ['', '@push', env, '/d/buildx/config/registry-1.docker.io@push'],
    ['index.docker.io', 'myorg/myimage', env, '/d/buildx/config/registry-1.docker.io/myorg/myimage'],
    ['ghcr.io', 'o/app@push,pull', env, '/d/buildx/config/ghcr.io/o/app@push,pull'],
    ['127.0.0.1:5002', '@pull', { ...env, BUILDX_CONFIG: '/b' }, '/b/config/127.0.0.1:5002@pull'],
    ['ghcr.io', '', env, ''],
    ['ghcr.io', 'o/app', { ...env, DOCKER_LOGIN_SCOPE_DISABLED: 'true' }, '']
  ])('%j with scope %j', (registry, scope, e, dir) => {
    expect(scopedConfigDir(registry, scope, e)).toBe(dir);
  });

  test.each(['myorg/myimage@push', '@push', '@push,pull', 'myorg/my-image', 'a/b/c'])('%j is a scope', s =>
    expect(() => checkScope(s, 'Input "scope"', ['scope'])).not.toThrow()
  );

  test.each(['../etc', 'myorg/../x', '/abs', 'MyOrg/app', 'org/app@', 'org app', '@push pull'])(
    '%j is refused',
    s => {
      expect(() => checkScope(s, 'Input "scope"', ['scope'])).toThrow(InputError);
      expect(() => checkScope(s, 'Input "scope"', ['scope'])).toThrow(
        `Input "scope" must be a repository, @actions or both (e.g. myorg/myimage@push or @push), got "${s}"`
      );
    }
  );
});

describe('readLoginInputs: scope', () => {
  const source = (values: Record<string, string>) => (name: string) => values[name] ?? '';
  const env = { GITHUB_ACTOR: 'mona' };

  test('a scoped login, and registry-auth items each with their own scope', () => {
    expect(
      readLoginInputs(
        source({ username: 'u', password: 'p', scope: 'myorg/app@push' }),
        readRunContext(env),
        env
      )
    ).toEqual({
      kind: 'stage',
      logins: [
        { registry: 'docker.io', username: 'u', password: 'p', githubToken: false, scope: 'myorg/app@push' }
      ],
      logout: true
    });
    const auth =
      '- {registry: a.io, username: u, password: p}\n- {registry: a.io, username: u, password: q, scope: "@push"}';
    expect(
      readLoginInputs(source({ 'registry-auth': auth }), readRunContext(env), env).logins.map(l => l.scope)
    ).toEqual([undefined, '@push']);
  });

  test.each([
    [
      { 'registry-auth': '- registry: a.io', scope: '@push' },
      'Input "registry-auth" cannot be combined with "scope"'
    ],
    [
      { 'registry-auth': '- {registry: a.io, username: u, password: p, scope: "../x"}' },
      'Input "registry-auth" item 1 "scope" must be a repository, @actions or both'
    ],
    [
      {
        'registry-auth':
          '- {registry: a.io, username: u, password: p, scope: "@push"}\n- {registry: a.io, username: v, password: q, scope: "@push"}'
      },
      'Input "registry-auth" lists a.io with scope @push twice'
    ],
    [{ username: 'u', password: 'p', scope: 'x/../../y' }, 'Input "scope" must be a repository']
  ])('%j fails: %s', (values, message) => {
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(InputError);
    expect(() => readLoginInputs(source(values), readRunContext(env), env)).toThrow(message);
  });
});

describe('runLogin / postLogin with a scope', () => {
  const runner = runnerSandbox('login-scope-');
  let dir = '';
  beforeEach(() => {
    dir = runner.dir;
  });

  /** A docker CLI stand-in: records each call's DOCKER_CONFIG and writes or removes the entry as docker does. */
  function docker() {
    const calls: [string[], string][] = [];
    const run = async (_cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> => {
      const config = opts.env?.DOCKER_CONFIG ?? '';
      calls.push([args, config]);
      const file = join(config, 'config.json');
      const host = args.at(-1)!;
      const current = existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as { auths: object })
        : { auths: {} };
      const auths: Record<string, unknown> = { ...current.auths };
      if (args[0] === 'login') auths[host] = { auth: Buffer.from(`u:${opts.input}`).toString('base64') };
      else delete auths[host];
      writeFileSync(file, JSON.stringify({ ...current, auths }));
      return { code: 0, stdout: '', stderr: '' };
    };
    return { run, calls };
  }

  test('the scoped login goes to its own config; the post step logs out there and removes the file it made', async () => {
    const env = { DOCKER_CONFIG: dir };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'a.io': { auth: 'bWFpbjptYWlu' } } }));
    const scoped = join(dir, 'buildx/config/a.io/org/app@push');
    const d = docker();
    await runLogin(
      {
        logins: [
          { registry: 'a.io', username: 'u', password: 'pw', githubToken: false, scope: 'org/app@push' },
          { registry: 'b.io', username: 'u', password: 'pw2', githubToken: false }
        ],
        logout: true
      },
      { run: d.run, env }
    );
    expect(d.calls).toEqual([
      [['login', '--username', 'u', '--password-stdin', '--', 'a.io'], scoped],
      [['login', '--username', 'u', '--password-stdin', '--', 'b.io'], dir]
    ]);
    // The main config keeps its own a.io login; the scoped one has the new credentials.
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).auths['a.io']).toEqual({
      auth: 'bWFpbjptYWlu'
    });
    expect(JSON.parse(readFileSync(join(scoped, 'config.json'), 'utf8')).auths['a.io']).toEqual({
      auth: Buffer.from('u:pw').toString('base64')
    });
    const state = runner.state();
    expect(parseLoginState(stateValues(state).login)).toEqual([
      { registry: 'a.io', configDir: scoped, created: true },
      { registry: 'b.io' }
    ]);
    expect(runner.printed()).toContain(
      `Logging in to a.io as u for org/app@push (scoped credentials in ${scoped}, read by buildx 0.31 or newer)`
    );

    for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
    const post = docker();
    await postLogin({ run: post.run, env });
    expect(post.calls).toEqual([
      [['logout', 'a.io'], scoped],
      [['logout', 'b.io'], dir]
    ]);
    expect(existsSync(join(scoped, 'config.json'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).auths).toEqual({
      'a.io': { auth: 'bWFpbjptYWlu' }
    });
  });

  test('a scoped config that held a login before gets it back and stays', async () => {
    const env = { DOCKER_CONFIG: dir, BUILDX_CONFIG: join(dir, 'bx') };
    const scoped = join(dir, 'bx/config/a.io@push');
    const d = docker();
    await runLogin(
      {
        logins: [{ registry: 'a.io', username: 'u', password: 'old', githubToken: false, scope: '@push' }],
        logout: false
      },
      { run: d.run, env }
    );
    await runLogin(
      {
        logins: [{ registry: 'a.io', username: 'u', password: 'new', githubToken: false, scope: '@push' }],
        logout: true
      },
      { run: d.run, env }
    );
    const state = runner.state();
    expect(parseLoginState(stateValues(state).login)).toEqual([
      { registry: 'a.io', configDir: scoped, restore: 'login-restore-0' }
    ]);
    for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
    await postLogin({ run: docker().run, env });
    expect(JSON.parse(readFileSync(join(scoped, 'config.json'), 'utf8')).auths).toEqual({
      'a.io': { auth: Buffer.from('u:old').toString('base64') }
    });
  });
});
