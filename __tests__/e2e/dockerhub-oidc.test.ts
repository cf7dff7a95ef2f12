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
import { buildContext, dockerConfig, ensureStack, unique } from '../fixtures/build/e2e.js';

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
