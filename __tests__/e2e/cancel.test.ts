/**
 * A cancelled root action on the real engine: SIGTERM while `docker buildx build` runs with a build
 * secret stops buildx (its whole process group) and removes every file the step wrote under
 * RUNNER_TEMP but the key the post step checks its state with, before the step exits non-zero;
 * after SIGKILL, which nothing can handle, the post step stops the build that was left running and
 * removes the files.
 */
import { jest } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  runAction,
  runStep,
  stillRunning,
  type ProcessSeen,
  type RunOptions
} from '../support/action-runner.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  PASSWORD,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(180_000);

const registryAuth = JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]);

/** A root action run whose build reads a secret and then takes half a minute. */
function cancellable(signal: NonNullable<RunOptions['signal']>) {
  const token = unique('tok');
  const secret = unique('s3cret-value-');
  const workspace = buildContext(
    token,
    `FROM e2e-base\nRUN --mount=type=secret,id=tok test -s /run/secrets/tok && echo ${token} && sleep 30\n`
  );
  const opts: RunOptions = {
    action: 'action.yml',
    inputs: {
      images: `${GHCR}/e2e-cancel/${unique('app')}`,
      'registry-auth': registryAuth,
      platforms: 'linux/amd64',
      cache: 'none',
      secrets: `tok=${secret}`
    },
    event: { ref: 'refs/heads/main' },
    env: { GITHUB_WORKSPACE: workspace, DOCKER_CONFIG: dockerConfig() },
    signal,
    timeoutMs: 120_000
  };
  return { opts, secret };
}

const buildx = (seen: ProcessSeen[]) => seen.filter(p => /\bbuildx\b.*\bbuild\b/.test(p.cmdline));
const STATE_KEY = expect.stringMatching(/^push-to-image-state-[0-9a-f]{16}\.key$/);
const leftIn = (workdir: string) => {
  const temp = join(workdir, 'runner-temp');
  return existsSync(temp) ? readdirSync(temp) : [];
};

beforeAll(() => ensureStack());

test.each([
  ['SIGTERM', 143],
  ['SIGINT', 130]
] as const)(
  '%s during the build: buildx stopped, RUNNER_TEMP emptied but for the state key, step failed; post step clean',
  async (signal, code) => {
    const { opts, secret } = cancellable({
      name: signal,
      afterMs: 1800,
      whenOutput: /^#\d+ \[internal\] load build definition/m
    });
    const step = await runAction({ ...opts, post: false });

    // The signal found buildx running (with its secret file in RUNNER_TEMP) ...
    expect(buildx(step.descendants).length).toBeGreaterThan(0);
    // ... and the step stopped it before exiting, without waiting for the 30 s RUN step.
    expect(step.descendants.filter(stillRunning)).toEqual([]);
    expect(step.exitAfterSignalMs).toBeLessThan(15_000);
    expect(step.code).toBe(code);
    expect(step.errors).toEqual([
      `Cancelled (${signal}): stopping the running commands and removing this step's files`
    ]);
    // Only the key the post step checks its state with stays for the post step.
    expect(leftIn(step.workdir)).toEqual([STATE_KEY]);
    // The secret was masked before the first line of the log that is not a command to the runner.
    const firstLine = step.stdout.split('\n').find(l => !l.startsWith('::'));
    expect(step.stdout.indexOf(`::add-mask::${secret}`)).toBeGreaterThanOrEqual(0);
    expect(step.stdout.indexOf(`::add-mask::${secret}`)).toBeLessThan(step.stdout.indexOf(firstLine!));

    const post = await runStep({ ...opts, workdir: step.workdir, signal: undefined }, 'post', step.state);
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
    expect(leftIn(step.workdir)).toEqual([]);
  }
);

test('SIGKILL during the build: the post step stops the build left running and removes its files', async () => {
  const { opts } = cancellable({
    name: 'SIGKILL',
    afterMs: 1800,
    whenOutput: /^#\d+ \[internal\] load build definition/m
  });
  const step = await runAction({ ...opts, post: false });
  expect(step.code).toBe(-1);
  const left = buildx(step.descendants);
  expect(left.length).toBeGreaterThan(0);
  // Nothing could run in the killed step: its files are still there (and buildx runs on until it
  // next writes to the closed pipe, or the post step stops it).
  expect(leftIn(step.workdir).length).toBeGreaterThan(0);

  const post = await runStep({ ...opts, workdir: step.workdir, signal: undefined }, 'post', step.state);
  expect(post.code).toBe(0);
  expect(post.errors).toEqual([]);
  expect(step.descendants.filter(stillRunning)).toEqual([]);
  expect(leftIn(step.workdir)).toEqual([]);
});
