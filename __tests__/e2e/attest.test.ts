/**
 * Signed provenance: a release pushed to both registries is attested (SLSA v1, keyless through the
 * Sigstore stand-in under its real host names), stored through GitHub's attestations API and
 * attached in each registry, where cosign verifies it; and the cases where nothing may be attested.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseReference } from '../../src/common/reference.js';
import { RegistryClient as OciClient } from '../../src/common/registry/client.js';
import { attachArtifact } from '../../src/common/registry/referrers.js';
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
} from '../support/e2e-stack.js';

jest.setTimeout(300_000);

const TOKEN = 'ghs_attesttoken';
const repo = `e2e-attest/${unique('app')}`;
const images = [`${GHCR}/${repo}`, `${HUB}/${repo}`];
const auths = { [GHCR]: `${USER}:${PASSWORD}`, [HUB]: `${USER}:${PASSWORD}` };
const verifierConfig = dockerConfig(auths);
const identity = '^octo-org/hello-world/\\.github/workflows/release\\.yml@refs/tags/';

/** cosign verifies the attestation of `digest` in each of `images`, against the public-good root. */
function expectVerifiedIn(images: string[], digest: string): void {
  for (const image of images) {
    const verified = verifyAttestation(`${image}@${digest}`, {
      trustedRoot: sigstore.trustedRootPath,
      identity,
      dockerConfig: verifierConfig
    });
    expect({ image, code: verified.code, output: verified.output }).toMatchObject({ image, code: 0 });
  }
}
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

/** Attaches a bundle to an image as the action does (the project's own registry client). */
async function attach(image: string, digest: string, bundle: object): Promise<void> {
  const { registry, path } = parseReference(image);
  const client = new OciClient({ registry, credentials: { username: USER, password: PASSWORD } });
  await attachArtifact(client, {
    repository: path,
    subject: digest,
    bytes: Buffer.from(JSON.stringify(bundle)),
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1'
    }
  });
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

function release(
  ref: string,
  extra: Partial<RunOptions> = {},
  inputs: Record<string, string> = {},
  editClaims: (claims: Record<string, unknown>) => void = () => undefined
) {
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
  editClaims(sigstore.oidc.claims);
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
  // The time attesting took (signing, storing, attaching to both registries), for the record.
  console.log(step.stdout.match(/^Attested .*$/m)?.[0] ?? step.stdout + step.stderr);
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
  // Pinned to the workflow the certificate names, not only to the owner.
  expect(step.summary).toContain(
    `gh attestation verify oci://${images[0]}@${digest} --owner octo-org ` +
      '--signer-workflow octo-org/hello-world/.github/workflows/release.yml'
  );

  const hosts = new Set(sigstore.requests.map(r => r.host));
  expect([...hosts].sort()).toEqual(
    [
      'fulcio.sigstore.dev',
      'pipelines.actions.githubusercontent.com',
      'rekor.sigstore.dev',
      'token.actions.githubusercontent.com'
    ].sort()
  );

  expectVerifiedIn(images, digest);
  for (const client of clients) {
    expect(await client.tags(repo)).toContain(`sha256-${digest.slice(7)}`);
  }

  // The OIDC tokens are masked and appear nowhere else in the log.
  expect(sigstore.oidc.issued.length).toBeGreaterThan(0);
  const log = (step.stdout + step.stderr).replace(/^::add-mask::.*$/gm, '');
  for (const token of sigstore.oidc.issued) expect(log).not.toContain(token);
});

test('cosign rejects another digest, and a bundle whose payload was altered', async () => {
  const signed = await release('refs/tags/v1.1.0');
  expect(signed.errors).toEqual([]);
  const requests = api.requests;
  const unsigned = await release('refs/tags/v1.1.1', {}, { attest: 'false', sign: 'false' });
  expect(unsigned.errors).toEqual([]);
  expect(api.requests).toBe(requests);
  expect(unsigned.outputs['attestation-id']).toBe('');
  const other = unsigned.outputs.digest;
  expect(other).not.toBe(signed.outputs.digest);
  const opts = { trustedRoot: sigstore.trustedRootPath, identity, dockerConfig: verifierConfig };
  expect(verifyAttestation(`${images[0]}@${other}`, opts).code).not.toBe(0);

  // The signed bundle, its statement rewritten to name the other image, attached to that image.
  const bundle = JSON.parse(readFileSync(signed.outputs['attestation-bundle'], 'utf8'));
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
    .toString('utf8')
    .replaceAll(signed.outputs.digest.slice(7), other.slice(7));
  bundle.dsseEnvelope.payload = Buffer.from(payload).toString('base64');
  await attach(images[0], other, bundle);
  const altered = verifyAttestation(`${images[0]}@${other}`, opts);
  expect(altered.code).not.toBe(0);
  expect(altered.output).toMatch(/signature|verif/i);
  expect(verifyAttestation(`${images[0]}@${signed.outputs.digest}`, opts).code).toBe(0);
});

test('a private repository is signed with GitHub instance: Fulcio and a timestamp authority, no Rekor', async () => {
  sigstore.requests.length = 0;
  const step = await release('refs/tags/v1.2.0', {
    event: { ref: 'refs/tags/v1.2.0', repository: { ...repository, visibility: 'private', private: true } }
  });
  expect(step.errors).toEqual([]);
  const hosts = new Set(sigstore.requests.map(r => r.host));
  expect(hosts.has('fulcio.githubapp.com')).toBe(true);
  expect(hosts.has('timestamp.githubapp.com')).toBe(true);
  expect(hosts.has('rekor.sigstore.dev')).toBe(false);
  expect(hosts.has('fulcio.sigstore.dev')).toBe(false);
  const verified = verifyAttestation(`${images[1]}@${step.outputs.digest}`, {
    trustedRoot: sigstore.githubTrustedRootPath,
    identity,
    dockerConfig: verifierConfig,
    signedTimestamps: true
  });
  expect({ code: verified.code, output: verified.output }).toMatchObject({ code: 0 });
});

test('a pull_request attests nothing', async () => {
  sigstore.requests.length = 0;
  const requests = api.requests;
  const step = await release('refs/pull/7/merge', {
    env: { GITHUB_EVENT_NAME: 'pull_request' },
    event: { ref: 'refs/pull/7/merge', repository, pull_request: { number: 7 } }
  });
  expect(step.errors).toEqual([]);
  expect(step.outputs['attestation-id']).toBe('');
  expect(step.outputs['attestation-bundle']).toBe('');
  expect(sigstore.requests).toEqual([]);
  expect(api.requests).toBe(requests);
});

test('attest: true without id-token: write fails before anything is built, naming the permissions', async () => {
  const tag = 'v1.3.0';
  const step = await release(
    `refs/tags/${tag}`,
    { env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined } },
    { attest: 'true' }
  );
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toContain('Input "attest"');
  expect(step.errors[0]).toContain('id-token: write');
  expect(step.errors[0]).toContain('attestations: write');
  expect(step.stdout).not.toContain('Logging in');
  expect(step.stdout).not.toContain('buildx');
  for (const client of clients) expect(await client.manifest(repo, '1.3.0')).toBeUndefined();
});

test('Sigstore down: retried, then the step fails saying the image was pushed and is unsigned, naming Fulcio', async () => {
  sigstore.faults.set('fulcio.sigstore.dev', 503);
  sigstore.requests.length = 0;
  const requests = api.requests;
  const step = await release('refs/tags/v1.4.0');
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toMatch(
    /^The image 127\.0\.0\.1:5001\/\S+@sha256:[0-9a-f]{64} was pushed and is unsigned: /
  );
  expect(step.errors[0]).toContain("Sigstore's Fulcio (https://fulcio.sigstore.dev) failed");
  expect(sigstore.requests.filter(r => r.host === 'fulcio.sigstore.dev').length).toBeGreaterThan(1);
  expect(api.requests).toBe(requests);
  expect((await clients[0].manifest(repo, '1.4.0'))?.digest).toBe(step.outputs.digest);
});

test('the attestations API: a 5xx is retried; a 403 names the attestations: write permission', async () => {
  api.faults.push(502, 503);
  const stored = api.stored.length;
  const retried = await release('refs/tags/v1.5.0');
  expect(retried.errors).toEqual([]);
  expect(api.stored.length).toBe(stored + 1);

  api.faults.push(403);
  const denied = await release('refs/tags/v1.5.1');
  expect(denied.code).toBe(1);
  expect(denied.errors[0]).toContain('was pushed and is unsigned');
  expect(denied.errors[0]).toContain(`GitHub's attestations API (${api.url}) failed`);
  expect(denied.errors[0]).toContain('attestations: write');
  expect(api.violations).toEqual([]);
});

test('an OIDC token without the needed claims: the error names the permission', async () => {
  const step = await release('refs/tags/v1.6.0', {}, {}, claims => delete claims.job_workflow_ref);
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toContain('was pushed and is unsigned');
  expect(step.errors[0]).toContain('the OIDC token service');
  expect(step.errors[0]).toContain('job_workflow_ref');
  expect(step.errors[0]).toContain('id-token: write');
});

test('mode: platform attests nothing; mode: merge attests the merged index', async () => {
  const runId = String(Date.now());
  const workspace = context();
  const requests = api.requests;
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    const built = await release(
      'refs/tags/v2.0.0',
      { env: { GITHUB_RUN_ID: runId, GITHUB_WORKSPACE: workspace } },
      { mode: 'platform', platforms: platform, attest: 'true' }
    );
    expect({ platform, errors: built.errors }).toEqual({ platform, errors: [] });
    expect(built.outputs['attestation-id']).toBe('');
  }
  expect(api.requests).toBe(requests);

  const merged = await release(
    'refs/tags/v2.0.0',
    { env: { GITHUB_RUN_ID: runId, GITHUB_WORKSPACE: workspace } },
    { mode: 'merge', platforms: 'linux/amd64,linux/arm64' }
  );
  expect(merged.errors).toEqual([]);
  const digest = merged.outputs.digest;
  const index = await clients[0].manifest(repo, '2.0.0');
  expect(index?.digest).toBe(digest);
  expect(index?.body.manifests?.length).toBeGreaterThanOrEqual(2);
  const stored = api.stored.at(-1)!;
  expect(merged.outputs['attestation-id']).toBe(String(stored.id));
  const statement = JSON.parse(Buffer.from(stored.bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
  expect(statement.subject).toEqual(images.map(name => ({ name, digest: { sha256: digest.slice(7) } })));
  expectVerifiedIn(images, digest);
});

test('the build stage alone attests what it pushed and writes the outputs', async () => {
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/v3.0.0',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: context(),
    DOCKER_CONFIG: dockerConfig(auths),
    ...sigstore.env
  };
  sigstore.oidc.claims = githubClaims(env);
  const step = await runAction({
    action: 'build/action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: { tags: `${images[0]}:3.0.0`, platforms: 'linux/amd64', cache: 'none' },
    event: { ref: env.GITHUB_REF, repository },
    env
  });
  expect(step.errors).toEqual([]);
  expect(step.outputs['attestation-id']).toBe(String(api.stored.at(-1)!.id));
  expect(readFileSync(step.outputs['attestation-bundle'], 'utf8')).toContain('"dsseEnvelope"');
  expect(step.summary).toContain('### Build provenance');
  const verified = verifyAttestation(`${images[0]}@${step.outputs.digest}`, {
    trustedRoot: sigstore.trustedRootPath,
    identity,
    dockerConfig: verifierConfig
  });
  expect({ code: verified.code, output: verified.output }).toMatchObject({ code: 0 });
});
