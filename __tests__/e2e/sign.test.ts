/**
 * A signed release: the index signed as cosign 3 signs it (https://sigstore.dev/cosign/sign/v1), each
 * platform's SBOM (made by BuildKit with the tests' own generator image) signed as an SPDX attestation
 * of that platform's manifest, all attached in both registries and read back by the step before it
 * succeeds; then forky's cosign verifies each against the Sigstore stand-in's trusted root, and
 * rejects another digest and an altered bundle. What was pushed is declared to the runner and
 * recorded for an organization.
 */
import { jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../src/common/reference.js';
import { RegistryClient as OciClient } from '../../src/common/registry/client.js';
import { attachArtifact } from '../../src/common/registry/referrers.js';
import { runAction } from '../support/action-runner.js';
import { RegistryClient } from '../support/registry-client.js';
import { DEFAULT_PACKAGES, sbomGenerator } from '../support/sbom-generator.js';
import { startSigstore, type Sigstore } from '../support/sigstore/index.js';
import { githubClaims } from '../support/sigstore/oidc.js';
import { startAttestationsApi, type AttestationsApi } from '../support/sigstore/attestations-api.js';
import { ensureVerifiers } from '../support/sigstore/cosign.js';
import { cosignCheck } from '../support/sigstore/cosign-verify.js';
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

jest.setTimeout(600_000);

const TOKEN = 'ghs_signtoken';
const repo = `e2e-sign/${unique('app')}`;
const images = [`${GHCR}/${repo}`, `${HUB}/${repo}`];
const verifierConfig = dockerConfig({ [GHCR]: `${USER}:${PASSWORD}`, [HUB]: `${USER}:${PASSWORD}` });
const identity =
  '^https://github.com/octo-org/hello-world/\\.github/workflows/release\\.yml@refs/tags/|^octo-org/hello-world/\\.github/workflows/release\\.yml@refs/tags/';
const clients = [GHCR, HUB].map(r => new RegistryClient(`http://${r}`, USER, PASSWORD));
const SIGN = 'https://sigstore.dev/cosign/sign/v1';
const SPDX = 'https://spdx.dev/Document';
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const repository = {
  name: 'hello-world',
  full_name: 'octo-org/hello-world',
  owner: { login: 'octo-org', type: 'Organization' },
  visibility: 'public',
  private: false
};

let sigstore: Sigstore;
let api: AttestationsApi;
let generator: string;

beforeAll(async () => {
  ensureStack();
  ensureVerifiers();
  generator = sbomGenerator();
  sigstore = await startSigstore();
  api = await startAttestationsApi(TOKEN);
});
afterAll(async () => {
  await sigstore?.close();
  await api?.close();
});

const check = (ref: string, type?: string) =>
  cosignCheck(ref, { trustedRoot: sigstore.trustedRootPath, identity, dockerConfig: verifierConfig, type });

function release(version: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const ref = `refs/tags/v${version}`;
  const tok = unique('tok');
  const stepEnv = {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: ref,
    GITHUB_REF_NAME: `v${version}`,
    GITHUB_REF_TYPE: 'tag',
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: buildContext(
      tok,
      `FROM e2e-base\nCOPY hello.txt /hello.txt\nLABEL test.token=${tok}\n`
    ),
    DOCKER_CONFIG: dockerConfig(),
    ...sigstore.env,
    ...env
  };
  sigstore.oidc.claims = githubClaims(stepEnv);
  return runAction({
    action: 'action.yml',
    githubToken: TOKEN,
    hostsFile: sigstore.hostsFile,
    inputs: {
      images: images.join('\n'),
      tags: 'type=semver,pattern={{version}}',
      platforms: 'linux/amd64,linux/arm64',
      'registry-auth': JSON.stringify(
        [GHCR, HUB].map(registry => ({ registry, username: USER, password: PASSWORD }))
      ),
      cache: 'none',
      ...inputs
    },
    event: { ref, repository },
    env: stepEnv
  });
}

/** The platform manifests of an index: platform -> digest. */
async function platformDigests(digest: string): Promise<Record<string, string>> {
  const index = await clients[0].manifest(repo, digest);
  const out: Record<string, string> = {};
  for (const m of index?.body.manifests ?? []) {
    const p = m.platform as { os?: string; architecture?: string } | undefined;
    if (p?.os && p.os !== 'unknown') out[`${p.os}/${p.architecture}`] = m.digest;
  }
  return out;
}

async function attach(image: string, digest: string, bundle: object, predicateType: string) {
  const { registry, path } = parseReference(image);
  const client = new OciClient({ registry, credentials: { username: USER, password: PASSWORD } });
  await attachArtifact(client, {
    repository: path,
    subject: digest,
    bytes: Buffer.from(JSON.stringify(bundle)),
    artifactType: BUNDLE,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': predicateType
    }
  });
}

test('a release is signed, its SBOMs signed per platform, read back and verified; cosign agrees', async () => {
  const artifacts = join(mkdtempSync(join(tmpdir(), 'artifacts-')), 'artifacts');
  writeFileSync(artifacts, '');
  const stored = api.stored.length;
  const started = performance.now();
  const step = await release('1.0.0', { sbom: `generator=${generator}` }, { GITHUB_ARTIFACTS: artifacts });
  console.log(
    `signed release: ${((performance.now() - started) / 1000).toFixed(2)} s; ${step.stdout.match(/^sha256:\S+: .*$/m)?.[0]}`
  );
  expect(step.errors).toEqual([]);
  expect(step.code).toBe(0);
  const digest = step.outputs.digest;
  const platforms = await platformDigests(digest);
  expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);

  // GitHub's attestation store: the provenance and one SPDX attestation per platform manifest.
  expect(api.violations).toEqual([]);
  const statements = api.stored
    .slice(stored)
    .map(s => JSON.parse(Buffer.from(s.bundle.dsseEnvelope.payload, 'base64').toString('utf8')));
  expect(statements.map(s => s.predicateType).sort()).toEqual(['https://slsa.dev/provenance/v1', SPDX, SPDX]);
  for (const [platform, d] of Object.entries(platforms)) {
    const sbom = statements.find(s => s.predicateType === SPDX && s.subject[0].digest.sha256 === d.slice(7));
    expect({ platform, subject: sbom?.subject }).toEqual({
      platform,
      subject: images.map(name => ({ name, digest: { sha256: d.slice(7) } }))
    });
    expect(sbom.predicate.name).toBe(`e2e-scan-${platform.split('/')[1]}`);
  }

  // Outputs: the signature's bundle, each platform's SPDX file, the verify commands.
  const signature = JSON.parse(readFileSync(step.outputs['signature-bundle'], 'utf8'));
  const signed = JSON.parse(Buffer.from(signature.dsseEnvelope.payload, 'base64').toString('utf8'));
  expect(signed).toEqual({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ digest: { sha256: digest.slice(7) } }],
    predicateType: SIGN,
    predicate: {}
  });
  const files = JSON.parse(step.outputs['sbom-files']) as Record<string, string>;
  expect(Object.keys(files).sort()).toEqual(['linux/amd64', 'linux/arm64']);
  for (const [platform, file] of Object.entries(files)) {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    const purls = doc.packages.map(
      (p: { externalRefs: { referenceLocator: string }[] }) => p.externalRefs[0].referenceLocator
    );
    expect(purls).toHaveLength(DEFAULT_PACKAGES.length);
    for (const purl of purls)
      expect(purl).toMatch(new RegExp(`^pkg:deb/debian/.+\\?arch=${platform.split('/')[1]}&`));
  }
  const commands = step.outputs['verify-commands'].split('\n');
  for (const image of images) {
    expect(
      commands.some(
        c =>
          c.startsWith(
            'cosign verify --certificate-identity octo-org/hello-world/.github/workflows/release.yml@refs/tags/v1.0.0 '
          ) && c.endsWith(`${image}@${digest}`)
      )
    ).toBe(true);
    for (const d of Object.values(platforms)) {
      expect(
        commands.some(
          c => c.startsWith('cosign verify-attestation --type spdxjson') && c.endsWith(`${image}@${d}`)
        )
      ).toBe(true);
      expect(commands).toContain(
        `gh attestation verify oci://${image}@${d} --owner octo-org --signer-workflow octo-org/hello-world/.github/workflows/release.yml --predicate-type ${SPDX}`
      );
    }
  }
  expect(step.summary).toContain('### Signatures');
  expect(step.summary).toContain('cosign verify --certificate-identity');

  // Recorded: declared to the runner, and a storage record per image for the organization.
  expect(readFileSync(artifacts, 'utf8')).toBe(images.map(i => `oci://${i}@${digest}\n`).join(''));
  expect(api.records.slice(-2).map(r => [r.org, r.body.name, r.body.digest, r.body.version])).toEqual(
    images.map(i => ['octo-org', i, digest, 'v1.0.0'])
  );

  // cosign: the signature on the index, each platform's SBOM attestation, in both registries.
  const checks = await Promise.all(
    images.flatMap(image => [
      check(`${image}@${digest}`).then(r => ({ what: `verify ${image}@${digest}`, ...r })),
      ...Object.values(platforms).map(d =>
        check(`${image}@${d}`, 'spdxjson').then(r => ({
          what: `verify-attestation spdxjson ${image}@${d}`,
          ...r
        }))
      )
    ])
  );
  for (const c of checks) {
    console.log(`cosign ${c.args.join(' ')} -> ${c.code}`);
    expect({ what: c.what, code: c.code, output: c.code ? c.output : '' }).toEqual({
      what: c.what,
      code: 0,
      output: ''
    });
  }
  // The SBOM attestation names the platform: cosign finds no SPDX attestation on the index.
  expect((await check(`${images[0]}@${digest}`, 'spdxjson')).code).not.toBe(0);
  // (`cosign verify` of a platform manifest passes on its SBOM attestation: cosign 3 takes any bundle
  // of the identity attached to a digest as a claim, whatever its predicate type.)

  // Another release, unsigned: cosign rejects it, and rejects the signature bundle altered to name it.
  const unsigned = await release('1.0.1', { attest: 'false', sign: 'false' });
  expect(unsigned.errors).toEqual([]);
  expect(unsigned.outputs['signature-bundle']).toBe('');
  expect(unsigned.outputs['verify-commands']).toBe('');
  const other = unsigned.outputs.digest;
  const otherPlatforms = await platformDigests(other);
  expect((await check(`${images[0]}@${other}`)).code).not.toBe(0);
  expect((await check(`${images[1]}@${otherPlatforms['linux/arm64']}`, 'spdxjson')).code).not.toBe(0);

  const alter = (bundle: { dsseEnvelope: { payload: string } }, from: string, to: string) => {
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
      .toString('utf8')
      .replaceAll(from.slice(7), to.slice(7));
    return {
      ...bundle,
      dsseEnvelope: { ...bundle.dsseEnvelope, payload: Buffer.from(payload).toString('base64') }
    };
  };
  await attach(images[0], other, alter(signature, digest, other), SIGN);
  const alteredSig = await check(`${images[0]}@${other}`);
  expect(alteredSig.code).not.toBe(0);
  expect(alteredSig.output).toMatch(/signature|verif/i);
  const sbomBundle = api.stored.slice(stored).find(s => {
    const st = JSON.parse(Buffer.from(s.bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    return st.predicateType === SPDX && st.subject[0].digest.sha256 === platforms['linux/arm64'].slice(7);
  })!.bundle;
  await attach(
    images[1],
    otherPlatforms['linux/arm64'],
    alter(sbomBundle, platforms['linux/arm64'], otherPlatforms['linux/arm64']),
    SPDX
  );
  expect((await check(`${images[1]}@${otherPlatforms['linux/arm64']}`, 'spdxjson')).code).not.toBe(0);
  // The originals still verify.
  expect((await check(`${images[0]}@${digest}`)).code).toBe(0);
});

test('sign alone: the signature is attached and verified, nothing is stored in GitHub', async () => {
  const requests = api.requests;
  api.recordStatus = 403;
  const records = api.records.length;
  const step = await release('2.0.0', { attest: 'false', sign: 'true', platforms: 'linux/amd64' });
  expect(step.errors).toEqual([]);
  expect(step.warnings.filter(w => /record|sign|attest/i.test(w))).toEqual([]);
  expect(api.requests).toBe(requests);
  expect(api.records.length).toBe(records);
  api.recordStatus = 200;
  expect(step.outputs['attestation-id']).toBe('');
  expect(existsSync(step.outputs['signature-bundle'])).toBe(true);
  expect(step.outputs['sbom-files']).toBe('');
  for (const image of images) expect((await check(`${image}@${step.outputs.digest}`)).code).toBe(0);
});

test('sign: true without id-token: write fails before anything is built', async () => {
  const step = await release(
    '3.0.0',
    { sign: 'true', attest: 'false' },
    { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }
  );
  expect(step.code).toBe(1);
  expect(step.errors).toHaveLength(1);
  expect(step.errors[0]).toContain('Input "sign" is "true"');
  expect(step.stdout).not.toContain('Logging in');
});
