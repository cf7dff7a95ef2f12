/**
 * The root action checks every stage's inputs before the first login, on every event. Each case
 * ends in an error before `docker` is asked anything: the builder named here does not exist and
 * the registries are a closed port, so a case that got past its check would fail differently.
 */
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/common/runner.js';
import { runPipeline } from '../../../src/pipeline/main.js';

const CLOSED = '127.0.0.1:9';

describe('runPipeline checks before the first login', () => {
  const saved = { ...process.env };
  const cwd = process.cwd();
  let dir: string;
  let write: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-checks-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    mkdirSync(join(dir, 'temp'));
    writeFileSync(join(dir, 'event.json'), '{}');
    for (const k of Object.keys(process.env)) if (/^(GITHUB_|INPUT_|STATE_)/.test(k)) delete process.env[k];
    process.env.RUNNER_TEMP = join(dir, 'temp');
    process.chdir(dir);
    write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    process.chdir(cwd);
    process.env = { ...saved };
  });
  const printed = () => write.mock.calls.map((c: unknown[]) => String(c[0])).join('');

  function env(event: string): NodeJS.ProcessEnv {
    return {
      GITHUB_EVENT_NAME: event,
      GITHUB_REF: event === 'pull_request' ? 'refs/pull/7/merge' : 'refs/heads/main',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REPOSITORY: 'octo-org/hello-world',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_ACTOR: 'mona',
      GITHUB_RUN_ID: '1',
      GITHUB_API_URL: `http://${CLOSED}`,
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      RUNNER_TEMP: join(dir, 'temp'),
      DOCKER_CONFIG: dir
    };
  }

  const run = (event: string, inputs: Record<string, string>) => {
    const values: Record<string, string> = {
      images: `${CLOSED}/o/app`,
      'github-token': 'ghs_token',
      'prune-token': 'ghs_token',
      'registry-auth': JSON.stringify([{ registry: CLOSED, username: 'u', password: 'p' }]),
      builder: 'nosuch-builder',
      cache: 'none',
      ...inputs
    };
    return runPipeline(name => values[name] ?? '', env(event));
  };

  test.each<[string, string, Record<string, string>, string]>([
    [
      'prune inputs on a pull_request, where prune does not run',
      'pull_request',
      { prune: 'true', 'prune-older-than': 'soon' },
      'Input "prune-older-than" is invalid, got "soon"'
    ],
    [
      'prune inputs in platform mode',
      'push',
      { mode: 'platform', platforms: 'linux/amd64', prune: 'true', 'prune-keep-n-tagged': '-1' },
      'Input "prune-keep-n-tagged"'
    ],
    [
      'a tag that meta computes and no registry takes',
      'push',
      { tags: 'type=raw,value=main,prefix=-' },
      `Input "tags": "${CLOSED}/o/app:-main" has an invalid tag "-main"`
    ],
    [
      'a Dockerfile that does not exist',
      'push',
      { file: 'nope/Dockerfile' },
      `Input "file": "nope/Dockerfile" does not exist (in ${'DIR'})`
    ],
    ['a context that does not exist', 'push', { context: 'app' }, 'Input "context": "app" does not exist'],
    [
      'password without registry: the inputs the user set',
      'push',
      { 'registry-auth': '', password: 'p' },
      'Input "username" is required to log in to docker.io (set: "password", and "registry" is empty, which means Docker Hub)'
    ],
    [
      'username and password for a registry without a password',
      'push',
      { 'registry-auth': '', registry: CLOSED, username: 'u' },
      `Input "password" is required to log in to ${CLOSED} (set: "registry" and "username")`
    ],
    [
      'the same registry in registry and registry-auth',
      'push',
      { registry: CLOSED, username: 'u', password: 'p' },
      `Inputs "registry" and "registry-auth" both log in to ${CLOSED}: list it once`
    ],
    [
      'an empty github-token for the GHCR login the pipeline adds',
      'push',
      { images: 'ghcr.io/o/app', 'registry-auth': '', 'github-token': '' },
      'Input "github-token" is empty, and it is the password for ghcr.io, where the images are pushed'
    ],
    [
      'an unknown cache-from type',
      'pull_request',
      { 'cache-from': 'type=nosuch' },
      'Input "cache-from" item 1 has unknown type "nosuch"'
    ],
    [
      'a Docker Hub username without its token, on a push',
      'push',
      { 'dockerhub-username': 'mona' },
      'Inputs "dockerhub-username" and "dockerhub-token" go together: got only "dockerhub-username"'
    ],
    [
      'a scoped registry-auth item, on a pull_request too: scopes are for the login stage',
      'pull_request',
      {
        'registry-auth': JSON.stringify([{ registry: CLOSED, username: 'u', password: 'p', scope: '@push' }])
      },
      'Input "registry-auth" item 1 has a scope, which only the login stage takes'
    ],
    [
      'a registry that is no host, on a pull_request',
      'pull_request',
      { 'registry-auth': '', registry: 'not a host', username: 'u' },
      'Input "registry" is not a registry host: "not a host"'
    ]
  ])('%s', async (_name, event, inputs, message) => {
    const error = await run(event, inputs).then(
      () => new Error('no error'),
      (err: unknown) => err as Error
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(message.replace('DIR', dir));
    expect(printed()).not.toContain('Logging in');
  });

  test.each<[string, Record<string, string>, boolean]>([
    ['a push event logs in to push', {}, true],
    ['call: check publishes nothing, so it logs in nowhere', { call: 'check' }, false]
  ])('%s', async (_name, inputs, logsIn) => {
    // Both end in an error (the registry is a closed port, or no buildx here takes call): what is
    // asserted is whether a login was tried first.
    await run('push', inputs).catch(() => undefined);
    expect(printed().includes(`Logging in to ${CLOSED}`)).toBe(logsIn);
  });

  test.each<[string, string, Record<string, string>, string]>([
    ['a pull_request, where the platform jobs push nothing', 'pull_request', {}, 'pull_request event'],
    ['push: false, as the platform jobs had', 'push', { push: 'false' }, 'push: false']
  ])('mode: merge after %s: no login, no merge, one notice', async (_name, event, inputs, reason) => {
    const outputFile = join(dir, 'outputs');
    writeFileSync(outputFile, '');
    process.env.GITHUB_OUTPUT = outputFile;
    // The registry is a closed port and the builder does not exist: a login or a merge would fail.
    await run(event, { mode: 'merge', platforms: 'linux/amd64,linux/arm64', prune: 'true', ...inputs });
    expect(printed()).not.toContain('Logging in');
    expect(printed().match(/^::notice::.*$/gm)).toEqual([
      `::notice::Nothing to merge: the platform jobs of this run pushed no image (${reason})`
    ]);
  });

  test("a fork's pull request: the Docker Hub username (a variable) without its token (a secret) is no error", async () => {
    const error = await run('pull_request', { 'dockerhub-username': 'mona' }).then(
      () => undefined,
      (err: unknown) => err as Error
    );
    // It gets past every login check and fails later, at the pull login to the closed port.
    expect(String(error)).not.toContain('dockerhub');
    expect(printed()).toContain('Not logging in to docker.io: no password on this event');
    expect(printed()).not.toContain('Logging in to Docker Hub');
    expect(printed()).toContain(`Logging in to ${CLOSED}`);
  });
});
