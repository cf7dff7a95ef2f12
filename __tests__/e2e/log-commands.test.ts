/**
 * The step's log as the runner reads it (support/runner-commands.ts): hostile values in labels,
 * annotations, the repository description, a RUN step's output and a registry's error body reach the
 * log as text, never as commands; the commands the runner finds are the step's own; no secret is
 * shown, before or after it is masked.
 */
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAction, type StepResult } from '../support/action-runner.js';
import { ownCommands, readRunnerLog, type RunnerLog } from '../support/runner-commands.js';
import {
  base64,
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  PASSWORD,
  unique,
  USER
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const HOSTILE = ['##[stop-commands]x', '::stop-commands::x'];
/** What a RUN step prints: each line a command the runner would act on, unfenced. */
const RUN_OUTPUT = [
  '##[set-output name=digest;]x',
  '::add-mask::hostile-mask',
  '##[save-state name=login;]x'
];
/** The commands the step may issue itself. */
const OWN = ['add-mask', 'group', 'endgroup', 'debug', 'warning', 'notice', 'error'];
/** The github-token runAction gives by default, and the auth value a GHCR login would write with it. */
const TOKEN_MASKS = ['ghs_testtoken', base64('mona:ghs_testtoken')];

const repository = (description: string) => ({
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  default_branch: 'main',
  description
});

function logOf(step: StepResult): RunnerLog {
  return readRunnerLog(step.stdout, step.stderr);
}

/** The step's commands (fences checked and left out) by name, `add-mask` data apart. */
function commandsOf(log: RunnerLog) {
  const own = ownCommands(log);
  return {
    names: [...new Set(own.map(c => c.command))],
    masks: own.filter(c => c.command === 'add-mask').map(c => c.data),
    errors: own.filter(c => c.command === 'error').map(c => c.data)
  };
}

/** Secrets (or parts) the log shows: in a line other than an add-mask, not masked by then. */
function shownSecrets(log: RunnerLog, secrets: string[]): string[] {
  return secrets.filter(s => log.shown.some(line => line.includes(s)));
}

/** Lines of the raw output, add-mask lines apart, holding any of `values`. */
function rawLinesWith(step: StepResult, values: string[]): string[] {
  return `${step.stdout}\n${step.stderr}`
    .split(/\r\n|\r|\n/)
    .filter(line => !line.startsWith('::add-mask::') && values.some(v => line.includes(v)));
}

beforeAll(() => ensureStack());

test('hostile labels, annotations, description and RUN output stay text; secrets and build args are never shown', async () => {
  const id = unique('f');
  const secret = `sekret-build-${id}`;
  const buildArg = `sekret-arg-${id}`;
  const dockerfile = [
    'FROM e2e-base',
    'ARG TOKEN',
    `RUN --mount=type=secret,id=BUILD_SECRET test -s /run/secrets/BUILD_SECRET && test -n "$TOKEN" && printf '${RUN_OUTPUT.join('\\n')}\\n' && echo ${id}`,
    ''
  ].join('\n');
  const step = await runAction({
    action: 'action.yml',
    inputs: {
      images: `${GHCR}/e2e-fence/${unique('app')}`,
      'registry-auth': JSON.stringify([{ registry: GHCR, username: USER, password: PASSWORD }]),
      labels: HOSTILE.map((h, i) => `org.example.label-${i}=${h}`).join('\n'),
      annotations: HOSTILE.map((h, i) => `org.example.annotation-${i}=${h}`).join('\n'),
      'build-args': `TOKEN=${buildArg}`,
      secrets: `BUILD_SECRET=${secret}`,
      platforms: 'linux/amd64',
      cache: 'none'
    },
    event: { ref: 'refs/heads/main', repository: repository(`An app\n${HOSTILE.join('\n')}\nthe end`) },
    env: { GITHUB_WORKSPACE: buildContext(id, dockerfile), DOCKER_CONFIG: dockerConfig() }
  });
  const log = logOf(step);
  const found = commandsOf(log);
  expect({ errors: found.errors, code: step.code }).toEqual({ errors: [], code: 0 });
  expect(found.names.filter(n => !OWN.includes(n))).toEqual([]);
  // Masked: the password, the auth value docker login writes, the build secret, the TOKEN build arg
  // (BuildKit shows the RUN step with it expanded); nothing the RUN asked for.
  expect(found.masks).toEqual(
    expect.arrayContaining([PASSWORD, base64(`${USER}:${PASSWORD}`), secret, buildArg])
  );
  expect(found.masks).not.toContain('hostile-mask');
  expect(step.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  // Every hostile value and RUN line reached the log, as text.
  const text = log.text.join('\n');
  for (const value of [...HOSTILE, ...RUN_OUTPUT]) expect(text).toContain(value);
  expect(shownSecrets(log, [PASSWORD, secret, buildArg])).toEqual([]);
  // Not even in the raw output; the build arg is, in BuildKit's name of the RUN step, masked by then.
  expect(rawLinesWith(step, [PASSWORD, secret])).toEqual([]);
  const withArg = rawLinesWith(step, [buildArg]);
  expect(withArg.length).toBeGreaterThan(0);
  expect(withArg.every(line => line.includes('RUN --mount=type=secret'))).toBe(true);
  expect(step.post?.code).toBe(0);
  expect(commandsOf(readRunnerLog(step.post!.stdout, step.post!.stderr)).names).not.toContain('save-state');
});

/** A registry on loopback that takes `/v2/` and refuses every upload with `body`. */
async function refusingRegistry(body: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/v2/') {
      res.writeHead(200, { 'docker-distribution-api-version': 'registry/2.0' });
      res.end('{}');
    } else if (req.method === 'HEAD' || req.method === 'GET') {
      res.writeHead(404);
      res.end();
    } else {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(body);
    }
  });
  await new Promise<void>(res => server.listen(0, '127.0.0.1', res));
  return server;
}

test("a registry's error body with commands stays text; the step's one error is its own", async () => {
  const injected = ['::error::from the registry', '##[set-output name=digest;]x', '::add-mask::'];
  const server = await refusingRegistry(
    JSON.stringify({ errors: [{ code: 'DENIED', message: injected.join('\n') }] })
  );
  try {
    const port = (server.address() as AddressInfo).port;
    const id = unique('r');
    const step = await runAction({
      action: 'action.yml',
      inputs: { images: `127.0.0.1:${port}/e2e-fence/${id}`, platforms: 'linux/amd64', cache: 'none' },
      event: { ref: 'refs/heads/main', repository: repository('') },
      env: { GITHUB_WORKSPACE: buildContext(id), DOCKER_CONFIG: dockerConfig() }
    });
    const log = logOf(step);
    const found = commandsOf(log);
    expect(step.code).toBe(1);
    expect(found.names.filter(n => !OWN.includes(n))).toEqual([]);
    // Only the step's own: the github-token (masked on every run) and its auth value; no empty mask.
    expect(found.masks.sort()).toEqual([...TOKEN_MASKS].sort());
    expect(found.errors).toHaveLength(1);
    expect(found.errors[0]).toMatch(/^buildx build failed: .*denied/);
    for (const value of injected.slice(1)) expect(log.text).toContain(value);
  } finally {
    server.close();
  }
});

/** A `_json_key` as a registry's password: a JSON document over several lines. */
const JSON_KEY = [
  '{',
  '  "type": "service_account",',
  '  "private_key_id": "key-id-sekret-0123456789",',
  '  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC-sekret\\n-----END PRIVATE KEY-----\\n",',
  '  "client_email": "pusher@sekret-project.iam.gserviceaccount.com"',
  '}'
].join('\n');

test.each([
  ['*abc-sekret-alias', ['abc-sekret-alias']],
  ['!!abc-sekret-tag', ['abc-sekret-tag']],
  ['!tag abc-sekret-local', ['!tag', 'abc-sekret-local']],
  [
    JSON_KEY,
    JSON_KEY.split('\n')
      .filter(l => l.length > 3)
      .map(l => l.trim())
  ]
])('registry-auth password %j: no part of it is shown', async (password, parts) => {
  const yaml = password.includes('\n')
    ? `- registry: ${GHCR}\n  username: _json_key\n  password: |\n${password.replace(/^/gm, '    ')}\n`
    : `- registry: ${GHCR}\n  username: ${USER}\n  password: ${password}\n`;
  for (const action of ['login/action.yml', 'action.yml']) {
    const step = await runAction({
      action,
      inputs: {
        'registry-auth': yaml,
        ...(action === 'action.yml'
          ? { images: `${GHCR}/e2e-fence/${unique('auth')}`, platforms: 'linux/amd64' }
          : {})
      },
      event: { ref: 'refs/heads/main', repository: repository('') },
      env: { GITHUB_WORKSPACE: buildContext(unique('a')), DOCKER_CONFIG: dockerConfig() },
      post: false
    });
    const log = logOf(step);
    expect({ action, code: step.code }).toEqual({ action, code: 1 });
    expect(commandsOf(log).names.filter(n => !OWN.includes(n))).toEqual([]);
    expect({ action, shown: shownSecrets(log, parts) }).toEqual({ action, shown: [] });
  }
});
