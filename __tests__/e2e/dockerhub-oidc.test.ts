/**
 * No stored registry secret: a release to GHCR and Docker Hub with the job's own identity. Docker's
 * identity service, Docker Hub (registry and token service) and GHCR stand in under their real host
 * names (support/dockerhub), and the build runs on an engine of this test's own that trusts the local
 * CA (support/dockerhub/engine.ts). Also: the failures before anything is built, pull logins on a
 * pull request, and the warning for a GHCR package nobody can pull.
 */
import { jest } from '@jest/globals';
import { runAction, type StepResult } from '../support/action-runner.js';
import { docker, startPrivateEngine, type PrivateEngine } from '../support/dockerhub/engine.js';
import { startDockerStandIn, type DockerStandIn } from '../support/dockerhub/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { buildContext, dockerConfig, ensureStack, unique } from '../support/e2e-stack.js';

jest.setTimeout(300_000);

let hub: DockerStandIn;
let engine: PrivateEngine;

beforeAll(async () => {
  ensureStack();
  hub = await startDockerStandIn();
  engine = await startPrivateEngine({ hostsFile: hub.hostsFile, caPath: hub.caPath });
});
afterAll(async () => {
  await engine?.stop();
  await hub?.close();
});
afterEach(() => {
  hub.exchangeFaults.length = 0;
});

const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org', type: 'Organization' },
  visibility: 'public',
  private: false
};

interface Release {
  event?: string;
  ref?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  dockerfile?: string;
  payload?: object;
}

function release(r: Release = {}): Promise<StepResult & { post?: StepResult }> {
  const ref = r.ref ?? 'refs/tags/v1.0.0';
  const env = {
    GITHUB_EVENT_NAME: r.event ?? 'push',
    GITHUB_REF: ref,
    GITHUB_WORKSPACE: buildContext(unique('t'), r.dockerfile ?? 'FROM scratch\nCOPY hello.txt /hello.txt\n'),
    DOCKER_HOST: engine.dockerHost,
    // buildx fetches registry tokens for the engine: it trusts the local CA as the engine does.
    SSL_CERT_FILE: engine.caBundle,
    DOCKER_CONFIG: dockerConfig(),
    ...hub.env,
    ...r.env
  };
  hub.oidc.claims = githubClaims(env);
  return runAction({
    action: 'action.yml',
    githubToken: hub.ghcrToken,
    hostsFile: hub.hostsFile,
    inputs: {
      platforms: 'linux/amd64',
      cache: 'none',
      attest: 'false',
      sign: 'false',
      tags: 'type=semver,pattern={{version}}',
      ...r.inputs
    },
    event: r.payload ?? { ref, repository },
    env
  });
}

const oidcInputs = (name: string) => ({
  images: `ghcr.io/octo-org/${name}\ndocker.io/acme/${name}`,
  'dockerhub-username': 'acme',
  'dockerhub-oidc-connection-id': hub.connectionId
});

test('a release with no stored registry secret: GHCR with the job token, Docker Hub through the OIDC connection', async () => {
  const name = unique('oidc');
  const before = hub.minted.length;
  const step = await release({ inputs: oidcInputs(name) });
  expect({ code: step.code, errors: step.errors }).toEqual({ code: 0, errors: [] });
  // One exchange, just before the Docker Hub login, with the form as Docker reads it.
  expect(hub.minted.length).toBe(before + 1);
  const token = hub.minted.at(-1)!;
  const exchange = hub.exchanges.at(-1)!;
  expect(exchange.form).toMatchObject({ connection_id: hub.connectionId, expires_in: '3600' });
  expect(exchange.sub).toBe('repo:octo-org/hello-world:ref:refs/tags/v1.0.0');
  expect(step.masked).toContain(token);
  expect(step.stdout).not.toMatch(new RegExp(`^(?!::add-mask::).*${token}`, 'm'));
  const minted = step.stdout.indexOf('Minted a Docker access token');
  expect(minted).toBeGreaterThan(-1);
  expect(step.stdout.indexOf('Logging in to Docker Hub as acme')).toBeGreaterThan(minted);
  expect(hub.logins.filter(l => l.accepted).map(l => `${l.host} ${l.user}`)).toContain('auth.docker.io acme');
  // The image is in both; the docker CLI pulls it back from Docker Hub with the minted token.
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:/);
  const config = dockerConfig();
  const login = await docker(engine, ['login', '--username', 'acme', '--password-stdin', 'docker.io'], {
    input: token,
    config
  });
  expect(login.stderr + login.stdout).toContain('Login Succeeded');
  const pull = await docker(engine, ['pull', `docker.io/acme/${name}@${digest}`], { config });
  expect({ code: pull.status, out: pull.stderr }).toMatchObject({ code: 0 });
  // The post step logged out of both.
  expect(step.post?.stdout).toContain('Logged out of docker.io');
  expect(step.post?.stdout).toContain('Logged out of ghcr.io');
});

/** Requests that wrote to a repository (blob uploads, manifests) of `name`, on any registry. */
const writes = (name: string) =>
  hub.registryRequests.filter(r => r.includes(`/${name}/`) && /\s(PUT|POST|PATCH)\s/.test(r));

test('the GHCR package of a public repository is private: a warning with its settings page; public: none', async () => {
  const name = unique('vis');
  const closed = await release({ inputs: { images: `ghcr.io/octo-org/${name}` } });
  expect(closed.code).toBe(0);
  const warning = closed.warnings.find(w => w.includes('is private'));
  expect(warning).toContain(`https://github.com/orgs/octo-org/packages/container/${name}/settings`);
  expect(warning).toContain('https://github.com/organizations/octo-org/settings/packages');
  expect(warning).toContain('GitHub has no API');
  expect(closed.summary).toContain(`packages/container/${name}/settings`);

  hub.publicPackages.add(`octo-org/${name}`);
  const open = await release({ ref: 'refs/tags/v1.0.1', inputs: { images: `ghcr.io/octo-org/${name}` } });
  expect(open.code).toBe(0);
  expect(open.warnings.filter(w => w.includes('is private'))).toEqual([]);

  // A private repository's package is meant to be private: not asked about.
  const privateRepo = { ...repository, visibility: 'private', private: true };
  const quiet = await release({
    ref: 'refs/tags/v1.0.2',
    inputs: { images: `ghcr.io/octo-org/${unique('priv')}` },
    payload: { ref: 'refs/tags/v1.0.2', repository: privateRepo }
  });
  expect(quiet.code).toBe(0);
  expect(quiet.warnings.filter(w => w.includes('is private'))).toEqual([]);
});

test.each<[string, (id: string) => Record<string, string>, Record<string, string | undefined>, string]>([
  [
    'a connection id that is not a UUID',
    () => ({ 'dockerhub-oidc-connection-id': 'acme-release' }),
    {},
    'Input "dockerhub-oidc-connection-id" must be the UUID of a Docker OIDC connection'
  ],
  [
    'a token and a connection id',
    id => ({ 'dockerhub-oidc-connection-id': id, 'dockerhub-token': 'dckr_pat_stored' }),
    {},
    'Inputs "dockerhub-token" and "dockerhub-oidc-connection-id" both give the Docker Hub login'
  ],
  [
    'no id-token permission (no ACTIONS_ID_TOKEN_REQUEST_URL)',
    id => ({ 'dockerhub-oidc-connection-id': id }),
    { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    '`permissions: id-token: write`'
  ]
])('%s: an error before any login or push', async (_name, inputs, env, message) => {
  const name = unique('bad');
  const exchanges = hub.exchanges.length;
  const step = await release({
    inputs: {
      images: `ghcr.io/octo-org/${name}\ndocker.io/acme/${name}`,
      'dockerhub-username': 'acme',
      ...inputs(hub.connectionId)
    },
    env
  });
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toContain(message);
  expect(step.errors[0]).not.toContain('dckr_pat_stored');
  expect(step.stdout).not.toContain('Logging in');
  expect(hub.exchanges.length).toBe(exchanges);
  expect(writes(name)).toEqual([]);
});

test("an exchange the connection's ruleset refuses: Docker's message and the token's sub, nothing pushed", async () => {
  const name = unique('rule');
  const step = await release({
    inputs: oidcInputs(name),
    env: { GITHUB_REPOSITORY: 'octo-org/other-repo' }
  });
  expect(step.code).toBe(1);
  expect(step.errors[0]).toContain("Docker's identity service refused the OIDC token exchange");
  expect(step.errors[0]).toContain('does not match any rule');
  expect(step.errors[0]).toContain('"repo:octo-org/other-repo:ref:refs/tags/v1.0.0"');
  expect(step.stdout).not.toContain('Logging in to Docker Hub');
  expect(writes(name)).toEqual([]);
});

test('5xx from the exchange is retried with backoff; every time: named, nothing pushed', async () => {
  const name = unique('retry');
  hub.exchangeFaults.push(503, 502);
  const retried = await release({ inputs: oidcInputs(name) });
  expect({ code: retried.code, errors: retried.errors }).toEqual({ code: 0, errors: [] });
  expect(hub.exchanges.slice(-3).map(e => e.status)).toEqual([503, 502, 200]);

  const down = unique('down');
  hub.exchangeFaults.push(503, 503, 503, 503);
  const failed = await release({ ref: 'refs/tags/v1.0.1', inputs: oidcInputs(down) });
  expect(failed.code).toBe(1);
  expect(failed.errors[0]).toContain(
    "Docker's identity service (https://identity.docker.com/oauth/token) failed 4 times"
  );
  expect(writes(down)).toEqual([]);
});

test('the login stage reads DOCKERHUB_OIDC_CONNECTIONID as docker/login-action does, and a lifetime', async () => {
  const config = dockerConfig();
  const env = {
    GITHUB_EVENT_NAME: 'push',
    DOCKER_HOST: engine.dockerHost,
    DOCKER_CONFIG: config,
    DOCKERHUB_OIDC_CONNECTIONID: hub.connectionId,
    ...hub.env
  };
  hub.oidc.claims = githubClaims(env);
  const step = await runAction({
    action: 'login/action.yml',
    hostsFile: hub.hostsFile,
    inputs: { username: 'acme', 'dockerhub-oidc-lifetime': '600' },
    env
  });
  expect({ code: step.code, errors: step.errors }).toEqual({ code: 0, errors: [] });
  expect(hub.exchanges.at(-1)!.form.expires_in).toBe('600');
  expect(step.outputs.registries).toBe('docker.io');
  expect(step.masked).toContain(hub.minted.at(-1));
  expect(step.post?.stdout).toContain('Logged out of docker.io');
});

test('a pull request whose Dockerfile starts FROM a private GHCR image: logged in to pull, builds, pushes nothing', async () => {
  const base = unique('base');
  const pushed = await release({ inputs: { images: `ghcr.io/octo-org/${base}` } });
  expect(pushed.code).toBe(0);
  // This engine keeps what it pushed: without it, the base must come from GHCR.
  for (const args of [
    ['image', 'rm', '--force', `ghcr.io/octo-org/${base}:1.0.0`],
    ['builder', 'prune', '--all', '--force']
  ]) {
    const r = await docker(engine, args);
    expect({ args, code: r.status, err: r.stderr }).toMatchObject({ code: 0 });
  }
  const name = unique('pr');
  const pr = (inputs: Record<string, string> = {}) =>
    release({
      event: 'pull_request',
      ref: 'refs/pull/7/merge',
      dockerfile: `FROM ghcr.io/octo-org/${base}:1.0.0\nCOPY hello.txt /pr.txt\n`,
      inputs: { ...oidcInputs(name), tags: 'type=ref,event=pr', ...inputs },
      payload: { repository, pull_request: { number: 7, head: { repo: { full_name: 'mona/hello-world' } } } }
    });
  const exchanges = hub.exchanges.length;
  const mark = hub.registryRequests.length;
  const step = await pr();
  expect({ code: step.code, errors: step.errors }).toEqual({ code: 0, errors: [] });
  expect(step.stdout).toContain('Logging in for pulls only');
  expect(step.stdout).toContain('Logging in to ghcr.io as mona');
  expect(step.stdout).toContain('Not logging in to docker.io: no login through the Docker OIDC connection');
  expect(hub.exchanges.length).toBe(exchanges);
  // The base came from GHCR, read with the job token's login.
  const basePulls = hub.registryRequests.slice(mark).filter(r => r.includes(`/v2/octo-org/${base}/`));
  expect(basePulls).toContainEqual(`ghcr.io HEAD /v2/octo-org/${base}/manifests/1.0.0`);
  expect(hub.logins.slice(-3)).toContainEqual(expect.objectContaining({ host: 'ghcr.io', accepted: true }));
  expect(writes(name)).toEqual([]);
  expect(step.outputs.images).toBe('');
  expect(step.post?.stdout).toContain('Logged out of ghcr.io');

  // Without the job token it logs in nowhere, and the private base cannot be pulled.
  const without = await pr({ 'github-token': '' });
  expect(without.code).toBe(1);
  expect(without.stdout).not.toContain('Logging in to ghcr.io');
  expect(without.errors[0]).toMatch(
    /ghcr\.io\/octo-org\/base\w+:1\.0\.0.*(401|403|unauthorized|denied|not found)/i
  );
});
