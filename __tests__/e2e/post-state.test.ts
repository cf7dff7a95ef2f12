/**
 * The post steps trust only the state their own main step wrote. Text the step did not write (a
 * label, a `RUN` step) can print `::save-state name=<name>::<value>` into the main step's log, and
 * the runner then hands that entry to the post step: here such entries name the user's own builder,
 * a folder of the user's in RUNNER_TEMP, and stored credentials for a registry the step never
 * logged in to. The post step acts on none of them and names each in one warning; what the main step
 * did write is still undone.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkPlugins, runAction } from '../support/action-runner.js';
import {
  base64,
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

jest.setTimeout(240_000);

beforeAll(() => ensureStack());

const ignored = (name: string) =>
  `Ignoring the state entry "${name}": it was not written by this step's main step`;

/** A work folder whose RUNNER_TEMP holds a folder of the user's, named as the step names its own. */
function workdirWithUsersFolder(): { workdir: string; users: string } {
  const workdir = mkdtempSync(join(tmpdir(), 'action-'));
  const users = join(workdir, 'runner-temp', 'build-0123456789ab');
  mkdirSync(users, { recursive: true });
  writeFileSync(join(users, 'kept'), "the user's file\n");
  return { workdir, users };
}

const buildx = (config: string, args: string[]) =>
  execFileSync('docker', ['buildx', ...args], {
    env: { ...process.env, DOCKER_CONFIG: config },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  });

test('the root action: an injected builder, temp folder and login change nothing in the post step', async () => {
  const stored = { [HUB]: 'stored-user:stored-token', 'other.example:5000': 'someone:kept' };
  const config = dockerConfig(stored);
  linkPlugins(config);
  // The user's own builder (never booted: only its definition in the DOCKER_CONFIG).
  const victim = unique('users-builder-');
  buildx(config, ['create', '--name', victim, '--driver', 'docker-container']);
  const token = unique('tok');
  const workspace = buildContext(token, `FROM e2e-base\nRUN echo ${token}\n`);
  const { workdir, users } = workdirWithUsersFolder();
  try {
    const step = await runAction({
      action: 'action.yml',
      inputs: {
        images: `${GHCR}/e2e-post-state/${unique('app')}`,
        'registry-auth': JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]),
        cache: 'none'
      },
      event: { ref: 'refs/heads/main' },
      env: { GITHUB_WORKSPACE: workspace, DOCKER_CONFIG: config },
      workdir,
      injectedState: {
        'build-builder': victim,
        'temp-folders': JSON.stringify([users]),
        login: JSON.stringify({ registries: [{ registry: HUB, restore: 'login-restore-9' }] }),
        'login-restore-9': JSON.stringify({ auth: base64('attacker:chosen') })
      }
    });
    expect(step.errors).toEqual([]);
    expect(step.code).toBe(0);
    expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The main step's own entries are signed; the entries were replaced by the injected ones.
    expect(Object.keys(step.state).sort()).toEqual(['isPost', 'login', 'temp-folders']);

    const post = step.post!;
    expect(post.errors).toEqual([]);
    expect(post.code).toBe(0);
    // The user's builder and folder are still there ...
    expect(buildx(config, ['inspect', victim])).toContain(victim);
    expect(existsSync(join(users, 'kept'))).toBe(true);
    // ... the stored credentials are the user's (and the main step's login, which the injected
    // `login` entry replaced, stays: a forged entry can stop the post step, never steer it).
    expect(readAuths(config)).toEqual({
      [HUB]: { auth: base64(stored[HUB]) },
      'other.example:5000': { auth: base64(stored['other.example:5000']) },
      [GHCR]: { auth: base64(`${USER}:${PASSWORD}`) }
    });
    expect(post.stdout).not.toMatch(/Logged out|Restored|Removed builder|Removing /);
    expect(post.warnings.sort()).toEqual([
      ignored('build-builder'),
      ignored('login'),
      ignored('temp-folders')
    ]);
    // No key is left on disk.
    expect(readdirSync(join(step.workdir, 'runner-temp')).filter(n => n.endsWith('.key'))).toEqual([]);
  } finally {
    try {
      buildx(config, ['rm', victim]);
    } catch {
      // Already removed: the assertions above say by whom.
    }
  }
});

test('the login stage: a temp folder named by injected state stays, the genuine login is undone', async () => {
  const config = dockerConfig();
  const { workdir, users } = workdirWithUsersFolder();
  const step = await runAction({
    action: 'login/action.yml',
    inputs: { registry: GHCR, username: USER, password: PASSWORD },
    env: { DOCKER_CONFIG: config },
    workdir,
    injectedState: { 'temp-folders': JSON.stringify([users]) }
  });
  expect([step.code, step.post?.code]).toEqual([0, 0]);
  expect(existsSync(join(users, 'kept'))).toBe(true);
  expect(step.post?.stdout).toContain(`Logged out of ${GHCR}`);
  expect(readAuths(config)).toEqual({});
  expect(step.post?.warnings).toEqual([ignored('temp-folders')]);
});

test('the login stage: a forged restore entry next to the genuine login list puts nothing back', async () => {
  const stored = { [GHCR]: 'earlier-user:earlier-token', [HUB]: 'stored-user:stored-token' };
  const config = dockerConfig(stored);
  const step = await runAction({
    action: 'login/action.yml',
    inputs: { registry: GHCR, username: USER, password: PASSWORD },
    env: { DOCKER_CONFIG: config },
    injectedState: { 'login-restore-0': JSON.stringify({ auth: base64('attacker:chosen') }) }
  });
  expect([step.code, step.post?.code]).toEqual([0, 0]);
  expect(readAuths(config)).toEqual({ [HUB]: { auth: base64(stored[HUB]) } });
  expect(step.post?.stdout).toContain(`Logged out of ${GHCR}`);
  expect(step.post?.stdout).not.toContain('Restored');
  expect(step.post?.warnings).toEqual([ignored('login-restore-0')]);
});

test('without injected state the same steps log out, put back what they replaced and remove their files', async () => {
  const stored = { [GHCR]: 'earlier-user:earlier-token' };
  const config = dockerConfig(stored);
  const step = await runAction({
    action: 'login/action.yml',
    inputs: { registry: GHCR, username: USER, password: PASSWORD },
    env: { DOCKER_CONFIG: config }
  });
  expect([step.code, step.post?.code]).toEqual([0, 0]);
  expect(step.post?.warnings).toEqual([]);
  expect(step.post?.stdout).toContain(`Logged out of ${GHCR}`);
  expect(step.post?.stdout).toContain(`Restored the earlier credentials for ${GHCR}`);
  expect(readAuths(config)).toEqual({ [GHCR]: { auth: base64(stored[GHCR]) } });
  expect(readdirSync(join(step.workdir, 'runner-temp'))).toEqual([]);
});
