/**
 * Signed provenance: a release pushed to both registries is attested (SLSA v1, keyless through the
 * Sigstore stand-in under its real host names), stored through GitHub's attestations API and
 * attached in each registry, where cosign verifies it; and the cases where nothing may be attested.
 */
import { jest } from '@jest/globals';
import { runAction, type RunOptions } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { startAttestationsApi, type AttestationsApi } from '../support/sigstore/attestations-api.js';
import { ensureVerifiers, verifyAttestation } from '../support/sigstore/cosign.js';
import {
  buildContext,
  dockerConfig,
  ensureStack,
  GHCR,
  HUB,
  PASSWORD,
  unique,
  USER
} from '../fixtures/build/e2e.js';

jest.setTimeout(300_000);

const TOKEN = 'ghs_attesttoken';
const repo = `e2e-attest/${unique('app')}`;
const images = [`${GHCR}/${repo}`, `${HUB}/${repo}`];
const auths = { [GHCR]: `${USER}:${PASSWORD}`, [HUB]: `${USER}:${PASSWORD}` };
const verifierConfig = dockerConfig(auths);
const identity = '^octo-org/hello-world/\\.github/workflows/release\\.yml@refs/tags/';
const clients = [GHCR, HUB].map(r => new RegistryClient(`http://${r}`, USER, PASSWORD));
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org' },
  visibility: 'public',
  private: false
};

/** A context without RUN steps (no container network needed); the label makes each image unique. */
function context(): string {
  const tok = unique('tok');
  return buildContext(tok, `FROM e2e-base\nCOPY hello.txt /hello.txt\nLABEL test.token=${tok}\n`);
}

let sigstore: Sigstore;
let api: AttestationsApi;

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  sigstore = await startSigstore();
  api = await startAttestationsApi(TOKEN);
});
afterAll(async () => {
  await sigstore?.close();
  await api?.close();
});
afterEach(() => {
  sigstore.faults.clear();
  api.faults.length = 0;
});

function release(ref: string, extra: Partial<RunOptions> = {}, inputs: Record<string, string> = {}) {
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: context(),
    DOCKER_CONFIG: dockerConfig(),
    ...sigstore.env,
    ...extra.env
  };
  sigstore.oidc.claims = githubClaims(env);
  return runAction({
    action: 'action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: {
      images: images.join('\n'),
      tags: 'type=semver,pattern={{version}}',
      'registry-auth': JSON.stringify(
        [GHCR, HUB].map(registry => ({ registry, username: USER, password: PASSWORD }))
      ),
      cache: 'none',
      ...inputs
    },
    event: { ref, repository },
    ...extra,
    env
  });
}

test('a tag push is attested: stored through the API, attached in both registries, verified by cosign', async () => {
  const before = api.stored.length;
  const step = await release('refs/tags/v1.0.0');
  if (step.code !== 0) console.log(step.stdout, step.stderr);
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  const digest = step.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

  expect(api.violations).toEqual([]);
  expect(api.stored.length).toBe(before + 1);
  const stored = api.stored.at(-1)!;
  expect(stored).toMatchObject({ owner: 'octo-org', repo: 'hello-world' });
  const statement = JSON.parse(Buffer.from(stored.bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
  expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
  expect(statement.subject).toEqual(images.map(name => ({ name, digest: { sha256: digest.slice(7) } })));
  expect(statement.predicate.buildDefinition.externalParameters.workflow).toEqual({
    ref: 'refs/tags/v1.0.0',
    repository: 'https://github.com/octo-org/hello-world',
    path: '.github/workflows/release.yml'
  });
  expect(stored.bundle.verificationMaterial).toHaveProperty('tlogEntries');

  expect(step.outputs['attestation-id']).toBe(String(stored.id));
  expect(step.outputs['attestation-url']).toBe(
    `https://github.com/octo-org/hello-world/attestations/${stored.id}`
  );
  expect(step.outputs['attestation-bundle']).toMatch(/\.sigstore\.json$/);
  expect(step.summary).toContain(`gh attestation verify oci://${images[0]}@${digest} --owner octo-org`);

  const hosts = new Set(sigstore.requests.map(r => r.host));
  expect([...hosts].sort()).toEqual(
    [
      'fulcio.sigstore.dev',
      'pipelines.actions.githubusercontent.com',
      'rekor.sigstore.dev',
      'token.actions.githubusercontent.com'
    ].sort()
  );

  for (const image of images) {
    const verified = verifyAttestation(`${image}@${digest}`, {
      trustedRoot: sigstore.trustedRootPath,
      identity,
      dockerConfig: verifierConfig
    });
    expect({ image, code: verified.code, output: verified.output }).toMatchObject({ image, code: 0 });
  }
  for (const client of clients) {
    expect(await client.tags(repo)).toContain(`sha256-${digest.slice(7)}`);
  }

  // The OIDC tokens are masked and appear nowhere else in the log.
  expect(sigstore.oidc.issued.length).toBeGreaterThan(0);
  const log = (step.stdout + step.stderr).replace(/^::add-mask::.*$/gm, '');
  for (const token of sigstore.oidc.issued) expect(log).not.toContain(token);
});
