import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src/common/errors.js';
import { apiUrlOf, readEvent, readRunContext, runnerFiles } from '../../../src/common/run-context.js';

const dir = mkdtempSync(join(tmpdir(), 'run-context-'));
function payloadFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const push = payloadFile(
  'push.json',
  JSON.stringify({ repository: { name: 'app', owner: { login: 'octo-org' }, visibility: 'internal' } })
);
const publicRepo = payloadFile('public.json', JSON.stringify({ repository: { private: false } }));
const privateRepo = payloadFile('private.json', JSON.stringify({ repository: { private: true } }));
const broken = payloadFile('broken.json', '{"repository": ');

describe('readRunContext', () => {
  test('a full run: every field from its variable', () => {
    const ctx = readRunContext({
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: push,
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_ACTOR: 'octocat',
      GITHUB_ACTION: '__run_2',
      GITHUB_WORKFLOW_REF: 'octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
      GITHUB_SERVER_URL: 'https://github.com/',
      GITHUB_API_URL: 'https://api.github.com//',
      RUNNER_TEMP: '/runner/_temp',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.githubusercontent.com/x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'a-token',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      ACTIONS_RESULTS_URL: 'https://results/',
      GITHUB_OUTPUT: '/f/output',
      GITHUB_ENV: '/f/env',
      GITHUB_STATE: '/f/state',
      GITHUB_STEP_SUMMARY: '/f/summary',
      GITHUB_PATH: '/f/path',
      GITHUB_ARTIFACTS: '/f/artifacts',
      RUNNER_DEBUG: '1'
    });
    expect(ctx).toEqual({
      repository: 'octo-org/app',
      owner: 'octo-org',
      repo: 'app',
      repositoryOwner: 'octo-org',
      visibility: 'internal',
      eventName: 'push',
      eventPath: push,
      payload: { repository: { name: 'app', owner: { login: 'octo-org' }, visibility: 'internal' } },
      ref: 'refs/tags/v1.2.3',
      sha: '0123456789abcdef0123456789abcdef01234567',
      runId: '4242',
      runAttempt: '2',
      actor: 'octocat',
      action: '__run_2',
      workflowRef: 'octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      ghes: false,
      runnerTemp: '/runner/_temp',
      canMintIdToken: true,
      actionsCache: { runtimeToken: true, cacheUrl: false, resultsUrl: true },
      files: {
        output: '/f/output',
        env: '/f/env',
        state: '/f/state',
        summary: '/f/summary',
        path: '/f/path',
        artifacts: '/f/artifacts',
        temp: '/runner/_temp',
        action: '__run_2',
        debug: true
      },
      warnings: []
    });
  });

  test('outside a run: the defaults, written once', () => {
    const ctx = readRunContext({});
    expect(ctx).toMatchObject({
      repository: '',
      owner: '',
      repo: '',
      eventName: '',
      payload: {},
      visibility: '',
      runId: '',
      runAttempt: '',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      ghes: false,
      runnerTemp: resolve(tmpdir()),
      canMintIdToken: false,
      warnings: []
    });
    expect(ctx.files).toMatchObject({ output: '', state: '', summary: '', debug: false });
  });

  test.each([
    ['GITHUB_REPOSITORY', { GITHUB_REPOSITORY: 'a/b' }, { owner: 'a', repo: 'b', repository: 'a/b' }],
    [
      "the payload's repository without GITHUB_REPOSITORY",
      { GITHUB_EVENT_PATH: push },
      { owner: 'octo-org', repo: 'app', repository: 'octo-org/app' }
    ],
    [
      'GITHUB_REPOSITORY over the payload',
      { GITHUB_REPOSITORY: 'a/b', GITHUB_EVENT_PATH: push },
      { owner: 'a', repo: 'b', repository: 'a/b' }
    ],
    ['private: false is public', { GITHUB_EVENT_PATH: publicRepo }, { visibility: 'public' }],
    ['private: true says nothing more', { GITHUB_EVENT_PATH: privateRepo }, { visibility: '' }],
    [
      'an OIDC URL without its token',
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' },
      { canMintIdToken: false }
    ],
    ['an OIDC token without its URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, { canMintIdToken: false }]
  ])('%s', (_name, env, expected) => {
    expect(readRunContext(env)).toMatchObject(expected);
  });

  test('a payload file that does not exist is a warning, and an empty payload', () => {
    const missing = join(dir, 'missing.json');
    const ctx = readRunContext({ GITHUB_EVENT_PATH: missing });
    expect(ctx.payload).toEqual({});
    expect(ctx.warnings).toEqual([`GITHUB_EVENT_PATH ${missing} does not exist: the event payload is empty`]);
  });

  test.each([
    [{ GITHUB_EVENT_PATH: broken }, new RegExp(`^GITHUB_EVENT_PATH ${broken} is not valid JSON: `)],
    [{ GITHUB_RUN_ID: '12a' }, /^GITHUB_RUN_ID must be a number, got "12a"$/],
    [{ GITHUB_RUN_ID: '-1' }, /^GITHUB_RUN_ID must be a number, got "-1"$/],
    [{ GITHUB_RUN_ATTEMPT: '1.5' }, /^GITHUB_RUN_ATTEMPT must be a number, got "1.5"$/],
    [{ GITHUB_REPOSITORY: 'just-a-name' }, /^GITHUB_REPOSITORY must be owner\/repo, got "just-a-name"$/],
    [{ GITHUB_REPOSITORY: 'a/b/c' }, /^GITHUB_REPOSITORY must be owner\/repo, got "a\/b\/c"$/]
  ])('%j is an error naming the variable', (env, message) => {
    expect(() => readRunContext(env)).toThrow(InputError);
    expect(() => readRunContext(env)).toThrow(message);
  });
});

describe('server and API URLs', () => {
  test.each([
    ['https://github.com', '', 'https://api.github.com', false],
    ['https://github.com', 'https://api.github.com/', 'https://api.github.com', false],
    ['https://octo.ghe.com', '', 'https://api.octo.ghe.com', false],
    ['https://git.example.com', '', 'https://git.example.com/api/v3', true],
    ['https://git.example.com', 'https://git.example.com/api/v3/', 'https://git.example.com/api/v3', true],
    ['http://github.localhost', '', 'https://api.github.com', false]
  ])('server %s, GITHUB_API_URL "%s": %s', (server, api, expected, ghes) => {
    expect(apiUrlOf(server, api)).toBe(expected);
    const ctx = readRunContext({ GITHUB_SERVER_URL: server + '/', GITHUB_API_URL: api });
    expect(ctx.serverUrl).toBe(server);
    expect(ctx.apiUrl).toBe(expected);
    expect(ctx.ghes).toBe(ghes);
  });
});

describe('readEvent', () => {
  test('never throws: an unreadable payload is reported as an error, and empty', () => {
    const event = readEvent({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: broken });
    expect(event.name).toBe('push');
    expect(event.payload).toEqual({});
    expect(event.error).toMatch(/is not valid JSON/);
  });
});

describe('runnerFiles', () => {
  test('read at each call: a changed environment is seen', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(runnerFiles(env).output).toBe('');
    env.GITHUB_OUTPUT = '/f/o';
    env.RUNNER_TEMP = 'relative/temp';
    expect(runnerFiles(env)).toMatchObject({ output: '/f/o', temp: resolve('relative/temp'), debug: false });
  });
});
