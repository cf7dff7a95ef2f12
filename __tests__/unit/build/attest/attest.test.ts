import { readRunContext } from '../../../../src/common/run-context.js';
import { InputError } from '../../../../src/common/runner.js';
import {
  checkAttestable,
  decideAttest,
  readAttestInputs,
  readAttestMode
} from '../../../../src/build/attest/mode.js';
import { imageNames, registryName, subjectsOf } from '../../../../src/build/attest/subjects.js';
import { attestFailure, failedService } from '../../../../src/build/attest/failure.js';
import { sigstoreEndpoints } from '../../../../src/build/attest/endpoints.js';
import {
  attestationSummary,
  bundleSigner,
  cosignCommand,
  signerWorkflow,
  verifyCommand
} from '../../../../src/build/attest/summary.js';
import { judgeEvent } from '../../../../src/common/trust.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('the attest input', () => {
  test.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['true', 'true'],
    ['False', 'false']
  ])('%j reads as %s', (value, mode) => {
    expect(readAttestMode(() => value)).toBe(mode);
  });

  test('anything else names the input and the value', () => {
    expect(() => readAttestMode(() => 'yes')).toThrow(
      new InputError('Input "attest" must be auto, true or false, got "yes"', ['attest'])
    );
  });

  test('reads the token for the attestations API from github-token', () => {
    const inputs: Record<string, string> = { attest: 'true', 'github-token': 'ghs_x' };
    expect(readAttestInputs(name => inputs[name] ?? '')).toEqual({
      attest: 'true',
      sign: 'auto',
      signSboms: false,
      githubToken: 'ghs_x'
    });
  });

  test('true without an OIDC token request URL fails, naming both permissions', () => {
    expect(() => checkAttestable('true', false)).toThrow(InputError);
    expect(() => checkAttestable('true', false)).toThrow(/id-token: write.*attestations: write/);
    expect(() => checkAttestable('true', true)).not.toThrow();
    expect(() => checkAttestable('auto', false)).not.toThrow();
  });
});

describe('decideAttest', () => {
  const push = { pushed: true, digest: DIGEST, env: { ...OIDC, GITHUB_EVENT_NAME: 'push' } };
  test.each([
    ['auto', push, { attest: true, reason: 'pushed, and the job can mint an OIDC token' }],
    ['true', push, { attest: true, reason: 'attest is true' }],
    ['false', push, { attest: false, reason: 'attest is false' }],
    ['auto', { ...push, pushed: false }, { attest: false, reason: 'nothing was pushed' }],
    ['auto', { ...push, digest: '' }, { attest: false, reason: 'the pushed digest is unknown' }],
    [
      'auto',
      { ...push, env: { ...OIDC, GITHUB_EVENT_NAME: 'pull_request' } },
      { attest: false, reason: 'pull_request builds are not attested' }
    ],
    [
      'auto',
      { ...push, env: { GITHUB_EVENT_NAME: 'push' } },
      { attest: false, reason: 'the job cannot mint an OIDC token (no `id-token: write`)' }
    ]
  ] as const)('%s with %j', (mode, facts, decision) => {
    const canMint = readRunContext(facts.env).canMintIdToken;
    expect(
      decideAttest(mode, { ...facts, canMint, trust: judgeEvent(facts.env.GITHUB_EVENT_NAME, {}) })
    ).toEqual(decision);
  });
});

describe('subjects', () => {
  test('one name per image, without tags, Docker Hub spelled docker.io/...', () => {
    expect(
      imageNames([
        'ghcr.io/octo-org/app:1.0.0',
        'ghcr.io/octo-org/app:latest',
        'mona/app:1.0.0',
        'docker.io/mona/app:latest',
        '127.0.0.1:5001/a/b:1'
      ])
    ).toEqual(['ghcr.io/octo-org/app', 'docker.io/mona/app', '127.0.0.1:5001/a/b']);
  });

  test('subjects carry the index digest by algorithm', () => {
    expect(subjectsOf(['ghcr.io/o/a'], DIGEST)).toEqual([
      { name: 'ghcr.io/o/a', digest: { sha256: 'ab'.repeat(32) } }
    ]);
  });

  test("Docker Hub's registry API host", () => {
    expect(registryName('docker.io/mona/app')).toBe('registry-1.docker.io/mona/app');
    expect(registryName('ghcr.io/o/a')).toBe('ghcr.io/o/a');
  });
});

describe('sigstoreEndpoints', () => {
  test.each([
    [
      'public',
      undefined,
      {
        instance: 'public-good',
        fulcioURL: 'https://fulcio.sigstore.dev',
        rekorURL: 'https://rekor.sigstore.dev'
      }
    ],
    [
      'private',
      undefined,
      {
        instance: 'github',
        fulcioURL: 'https://fulcio.githubapp.com',
        tsaServerURL: 'https://timestamp.githubapp.com'
      }
    ],
    [
      'internal',
      'https://octo.ghe.com',
      {
        instance: 'github',
        fulcioURL: 'https://fulcio.octo.ghe.com',
        tsaServerURL: 'https://timestamp.octo.ghe.com'
      }
    ],
    [
      '',
      undefined,
      {
        instance: 'github',
        fulcioURL: 'https://fulcio.githubapp.com',
        tsaServerURL: 'https://timestamp.githubapp.com'
      }
    ]
  ])('%j on %s', (visibility, server, endpoints) => {
    expect(sigstoreEndpoints(visibility, server)).toEqual(endpoints);
  });
});

describe('attestFailure', () => {
  const ep = { ...sigstoreEndpoints('public'), apiUrl: 'https://api.github.com' };
  const image = `ghcr.io/o/a@${DIGEST}`;
  const coded = (code: string, message: string, cause?: Error) =>
    Object.assign(new Error(message, { cause }), { code });

  test.each([
    [
      coded('CA_CREATE_SIGNING_CERTIFICATE_ERROR', 'error creating signing certificate'),
      'sign',
      "Sigstore's Fulcio (https://fulcio.sigstore.dev)"
    ],
    [
      coded('TLOG_CREATE_ENTRY_ERROR', 'error creating tlog entry'),
      'sign',
      "Sigstore's Rekor (https://rekor.sigstore.dev)"
    ],
    [
      coded('TSA_CREATE_TIMESTAMP_ERROR', 'error creating timestamp'),
      'sign',
      "Sigstore's timestamp authority (undefined)"
    ],
    [
      new Error('Failed to persist attestation: boom'),
      'store',
      "GitHub's attestations API (https://api.github.com)"
    ],
    [
      new Error('Failed to get ID token: x'),
      'token',
      'the OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL and the issuer)'
    ]
  ] as const)('%s in %s names %s', (err, phase, service) => {
    expect(failedService(err, phase, ep)).toBe(service);
  });

  test('says the image was pushed and is unsigned, with the cause', () => {
    const err = coded(
      'CA_CREATE_SIGNING_CERTIFICATE_ERROR',
      'error creating signing certificate',
      new Error('(503) injected')
    );
    expect(attestFailure(err, 'sign', image, ep).message).toBe(
      `The image ${image} was pushed and is unsigned: Sigstore's Fulcio (https://fulcio.sigstore.dev) failed: error creating signing certificate: (503) injected`
    );
  });

  test('names the missing permission', () => {
    expect(
      attestFailure(new Error('Failed to get ID token: Missing claims: ref'), 'token', image, ep).message
    ).toContain('; the OIDC token needs `permissions: id-token: write`');
    expect(
      attestFailure(
        new Error('Failed to persist attestation: Resource not accessible by integration'),
        'store',
        image,
        ep
      ).message
    ).toMatch(/the GitHub token needs `permissions: attestations: write`$/);
    expect(
      attestFailure(new Error('Failed to persist attestation: 502'), 'store', image, ep).message
    ).not.toContain('permissions');
  });
});

describe('summary', () => {
  test('a row per fact and the verify command per image', () => {
    expect(verifyCommand('ghcr.io/o/a', DIGEST, 'o')).toBe(
      `gh attestation verify oci://ghcr.io/o/a@${DIGEST} --owner o`
    );
    expect(
      attestationSummary({
        id: '7',
        url: 'https://github.com/o/a/attestations/7',
        images: ['ghcr.io/o/a'],
        digest: DIGEST,
        owner: 'o',
        instance: 'public-good',
        bundlePath: '/tmp/b.json'
      })
    ).toBe(
      [
        '### Build provenance',
        '',
        '| | |',
        '| --- | --- |',
        '| Attestation | [7](https://github.com/o/a/attestations/7) |',
        "| Signed with | Sigstore's public-good instance |",
        '| Attached in | `ghcr.io/o/a` |',
        `| Verify | \`gh attestation verify oci://ghcr.io/o/a@${DIGEST} --owner o\` |`,
        ''
      ].join('\n')
    );
  });
});

describe('the verify commands pin the signer', () => {
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const SAN = 'https://github.com/o/a/.github/workflows/release.yml@refs/tags/v1';
  /** A certificate as Fulcio issues one: the workflow as URI SAN, the issuer in its extension(s). */
  function certificate(extensions: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    args.push('-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.der'), '-outform', 'DER', '-days', '1');
    args.push('-subj', '/', '-addext', `subjectAltName=URI:${SAN}`);
    for (const e of extensions) args.push('-addext', e);
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return readFileSync(join(dir, 'c.der')).toString('base64');
  }
  const v2 = `1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:${ISSUER}`;
  const v1 = `1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(ISSUER).toString('hex')}`;

  test.each([
    ['a certificate with the issuer (v2)', [v2], ISSUER],
    ['a certificate with the older issuer extension', [v1], ISSUER],
    ['a certificate without an issuer', [], '']
  ])('%s', (_name, extensions, issuer) => {
    const raw = certificate(extensions);
    const single = { verificationMaterial: { certificate: { rawBytes: raw } } };
    const chain = { verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: raw }] } } };
    expect(bundleSigner(single)).toEqual({ identity: SAN, issuer });
    expect(bundleSigner(chain)).toEqual({ identity: SAN, issuer });
  });

  test('no certificate, no signer', () => {
    expect(bundleSigner({ verificationMaterial: { publicKey: { hint: 'x' } } })).toBeUndefined();
    expect(
      bundleSigner({ verificationMaterial: { certificate: { rawBytes: 'bm90IGEgY2VydA==' } } })
    ).toBeUndefined();
    expect(bundleSigner(null)).toBeUndefined();
  });

  test('commands: gh with --signer-workflow, cosign with the exact identity and issuer', () => {
    const signer = { identity: SAN, issuer: ISSUER };
    expect(signerWorkflow(SAN)).toBe('github.com/o/a/.github/workflows/release.yml');
    expect(signerWorkflow('o/a/.github/workflows/x.yml@refs/heads/main')).toBe('o/a/.github/workflows/x.yml');
    expect(verifyCommand('ghcr.io/o/a', DIGEST, 'o', signer)).toBe(
      `gh attestation verify oci://ghcr.io/o/a@${DIGEST} --owner o --signer-workflow github.com/o/a/.github/workflows/release.yml`
    );
    expect(cosignCommand('ghcr.io/o/a', DIGEST, signer)).toBe(
      'cosign verify-attestation --new-bundle-format --type https://slsa.dev/provenance/v1 ' +
        `--certificate-identity ${SAN} --certificate-oidc-issuer ${ISSUER} ghcr.io/o/a@${DIGEST}`
    );
    const summary = attestationSummary({
      id: '7',
      url: '',
      images: ['ghcr.io/o/a'],
      digest: DIGEST,
      owner: 'o',
      instance: 'public-good',
      bundlePath: '/tmp/b.json',
      signer
    });
    expect(summary).toContain(
      `| Verify | \`${verifyCommand('ghcr.io/o/a', DIGEST, 'o', signer)}\`<br>\`${cosignCommand('ghcr.io/o/a', DIGEST, signer)}\` |`
    );
  });
});
