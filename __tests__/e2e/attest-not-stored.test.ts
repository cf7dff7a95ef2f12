/**
 * Where GitHub does not offer its attestation store (a user-owned private repository): `attest:
 * auto` keeps the signed bundle in the registries, says so and how to verify from there, and cosign
 * verifies it in both; `attest: true` fails naming the cause.
 */
import { jest } from '@jest/globals';
import { runAction } from '../support/action-runner.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import {
  NOT_OFFERED_USER_PRIVATE,
  startAttestationsApi,
  type AttestationsApi
} from '../support/sigstore/attestations-api.js';
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
const repo = `e2e-attest-ns/${unique('app')}`;
const images = [`${GHCR}/${repo}`, `${HUB}/${repo}`];
const verifierConfig = dockerConfig({ [GHCR]: `${USER}:${PASSWORD}`, [HUB]: `${USER}:${PASSWORD}` });
// A user-owned private repository: signed with GitHub's Sigstore instance.
const repository = {
  name: 'hello-world',
  full_name: 'mona/hello-world',
  owner: { login: 'mona', type: 'User' },
  visibility: 'private',
  private: true
};

let sigstore: Sigstore;
let api: AttestationsApi;

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  sigstore = await startSigstore();
  api = await startAttestationsApi(TOKEN);
  api.notOffered = NOT_OFFERED_USER_PRIVATE;
});
afterAll(async () => {
  await sigstore?.close();
  await api?.close();
});

function release(ref: string, attest: string) {
  const tok = unique('tok');
  const env = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_REPOSITORY: 'mona/hello-world',
    GITHUB_REPOSITORY_OWNER: 'mona',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: buildContext(
      tok,
      `FROM e2e-base\nCOPY hello.txt /hello.txt\nLABEL test.token=${tok}\n`
    ),
    DOCKER_CONFIG: dockerConfig(),
    ...sigstore.env
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
      platforms: 'linux/amd64',
      attest
    },
    event: { ref, repository },
    env
  });
}

test("attest: auto without GitHub's store: signed, attached in both registries, cosign verifies, a notice says why", async () => {
  const stored = api.stored.length;
  const step = await release('refs/tags/v1.0.0', 'auto');
  expect({ code: step.code, errors: step.errors }).toEqual({ code: 0, errors: [] });
  expect(api.requests).toBeGreaterThan(0);
  expect(api.stored.length).toBe(stored);
  const notice = step.notices.find(n => n.includes("GitHub's attestation store is not offered"));
  expect(notice).toContain(NOT_OFFERED_USER_PRIVATE);
  expect(notice).toContain('--bundle-from-oci');
  expect(notice).toContain('cosign verify-attestation');
  expect(step.outputs['attestation-id']).toBe('');
  expect(step.summary).toContain('--bundle-from-oci');
  const digest = step.outputs.digest;
  for (const image of images) {
    const verified = verifyAttestation(`${image}@${digest}`, {
      trustedRoot: sigstore.githubTrustedRootPath,
      identity: '^mona/hello-world/\\.github/workflows/release\\.yml@refs/tags/',
      dockerConfig: verifierConfig,
      signedTimestamps: true
    });
    expect({ image, code: verified.code, output: verified.output }).toMatchObject({ image, code: 0 });
  }
  expect(api.violations).toEqual([]);
});

test('attest: true without the store fails, naming the cause', async () => {
  const step = await release('refs/tags/v1.0.1', 'true');
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toContain('was pushed and is unsigned');
  expect(step.errors[0]).toContain(NOT_OFFERED_USER_PRIVATE);
  expect(step.outputs.digest).toMatch(/^sha256:/);
});
