import { verifyCommands } from '../../../../src/build/attest/commands.js';
import { readAttestInputs, sbomOn } from '../../../../src/build/attest/mode.js';
import { expectedBundles } from '../../../../src/build/attest/publish.js';
import { artifactLines, storageRecord } from '../../../../src/build/attest/records.js';
import { namesDigest } from '../../../../src/build/attest/readback.js';
import { sbomFileName, sbomFiles } from '../../../../src/build/attest/sbom-sign.js';
import { fulcioChains, pemCertificates } from '../../../../src/build/attest/trust-anchors.js';
import { InputError } from '../../../../src/common/runner.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;

describe('sign and sbom inputs', () => {
  test('sign is auto, true or false; anything else names the input', () => {
    expect(readAttestInputs(n => ({ sign: 'TRUE' })[n] ?? '').sign).toBe('true');
    expect(() => readAttestInputs(n => ({ sign: 'yes' })[n] ?? '')).toThrow(InputError);
    expect(() => readAttestInputs(n => ({ sign: 'yes' })[n] ?? '')).toThrow(
      'Input "sign" must be auto, true or false, got "yes"'
    );
  });
  test.each([
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['generator=e2e-sbom-generator:1', true]
  ])('sbom %p signs SBOMs: %p', (value, on) => expect(sbomOn(value)).toBe(on));
});

describe('SBOM files', () => {
  test('file names and the sbom-files map', () => {
    expect(sbomFileName('linux/arm/v7', 0)).toBe('sbom-linux-arm-v7.spdx.json');
    expect(sbomFileName('linux/amd64', 1)).toBe('sbom-linux-amd64-2.spdx.json');
    expect(
      sbomFiles([
        { platform: 'linux/amd64', path: '/a' },
        { platform: 'linux/amd64', path: '/a2' },
        { platform: 'linux/arm64', path: '/b' }
      ])
    ).toEqual({ 'linux/amd64': '/a', 'linux/arm64': '/b' });
  });
});

describe('what is read back', () => {
  test('the signature and provenance on the index, an SBOM per platform manifest', () => {
    expect(
      expectedBundles(D('a'), {
        provenance: true,
        signed: true,
        sboms: [{ digest: D('b') }, { digest: D('b') }, { digest: D('c') }]
      })
    ).toEqual([
      { subject: D('a'), predicateType: 'https://slsa.dev/provenance/v1', what: 'build provenance' },
      { subject: D('a'), predicateType: 'https://sigstore.dev/cosign/sign/v1', what: 'signature' },
      { subject: D('b'), predicateType: 'https://spdx.dev/Document', what: 'SBOM attestation' },
      { subject: D('c'), predicateType: 'https://spdx.dev/Document', what: 'SBOM attestation' }
    ]);
    expect(expectedBundles(D('a'), { provenance: false, signed: true, sboms: [] })).toHaveLength(1);
  });
  test('a statement names a digest only by its own algorithm and value', () => {
    expect(namesDigest({ subject: [{ digest: { sha256: 'a'.repeat(64) } }] }, D('a'))).toBe(true);
    expect(namesDigest({ subject: [{ digest: { sha256: 'a'.repeat(64) } }] }, D('b'))).toBe(false);
    expect(namesDigest({}, D('a'))).toBe(false);
  });
  test('trust anchors from PEM and Fulcio trust bundles', () => {
    const pem =
      `-----BEGIN CERTIFICATE-----\n${Buffer.from('one').toString('base64')}\n-----END CERTIFICATE-----\n` +
      `-----BEGIN CERTIFICATE-----\n${Buffer.from('two').toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(pemCertificates(pem).map(b => b.toString())).toEqual(['one', 'two']);
    expect(
      fulcioChains(JSON.stringify({ chains: [{ certificates: [pem] }, { certificates: [] }] })).map(
        c => c.length
      )
    ).toEqual([2]);
  });
});

describe('verify commands', () => {
  const signer = {
    identity: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1',
    issuer: 'https://token.actions.githubusercontent.com'
  };
  test('pinned to the signer: cosign verify on the index, verify-attestation and gh per SBOM', () => {
    const commands = verifyCommands(
      {
        images: ['ghcr.io/o/r'],
        digest: D('a'),
        owner: 'o',
        instance: 'public-good',
        signed: true,
        provenance: false,
        sboms: [{ platform: 'linux/amd64', digest: D('b') }]
      },
      signer
    );
    expect(commands).toEqual([
      `cosign verify --certificate-identity ${signer.identity} --certificate-oidc-issuer ${signer.issuer} ghcr.io/o/r@${D('a')}`,
      `cosign verify-attestation --type spdxjson --certificate-identity ${signer.identity} --certificate-oidc-issuer ${signer.issuer} ghcr.io/o/r@${D('b')}`,
      `gh attestation verify oci://ghcr.io/o/r@${D('b')} --owner o --signer-workflow github.com/o/r/.github/workflows/release.yml --predicate-type https://spdx.dev/Document`
    ]);
  });
  test("GitHub's instance: signed timestamps instead of the transparency log", () => {
    const [first] = verifyCommands(
      {
        images: ['ghcr.io/o/r'],
        digest: D('a'),
        owner: 'o',
        instance: 'github',
        signed: true,
        provenance: false,
        sboms: []
      },
      signer
    );
    expect(first).toContain('--use-signed-timestamps --insecure-ignore-tlog');
  });
});

describe('records', () => {
  test('the runner artifacts file: one oci:// line per image', () => {
    expect(artifactLines(['ghcr.io/o/r', 'docker.io/o/r'], D('a'))).toBe(
      `oci://ghcr.io/o/r@${D('a')}\noci://docker.io/o/r@${D('a')}\n`
    );
  });
  test('a storage record names the registry by its API host', () => {
    expect(storageRecord('docker.io/o/r', D('a'), 'r', 'v1')).toEqual({
      name: 'docker.io/o/r',
      digest: D('a'),
      version: 'v1',
      registry_url: 'https://registry-1.docker.io/',
      repository: 'o/r',
      github_repository: 'r',
      status: 'active',
      return_records: false
    });
  });
});
