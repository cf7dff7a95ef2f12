/**
 * The check before success: each signature and attestation the step attached is read back from the
 * registry (the subject's referrers, then the artifact's manifest and bundle blob) and verified as a
 * verifier would: the bundle's signature, certificate chain and timestamps against the instance's
 * published trust anchors, the signer's identity and issuer, and the statement's subject and
 * predicate type. The verifier libraries are imported only here.
 */
import { createHash } from 'node:crypto';
import { errorMessage } from '../../common/errors.js';
import { warning } from '../../common/runner.js';
import type { RegistryClient } from '../../common/registry/client.js';
import { parseManifest } from '../../common/registry/media.js';
import { listReferrers, readBlob } from '../../common/registry/read.js';
import { BUNDLE_MEDIA_TYPE, PREDICATE_ANNOTATION } from './attach.js';
import type { TrustAnchors } from './trust-anchors.js';
import type { Signer } from './summary.js';

export interface Expected {
  /** The manifest the statement is about. */
  subject: string;
  predicateType: string;
}

/** The statement's subjects name `digest` (pure). */
export function namesDigest(
  statement: { subject?: { digest?: Record<string, string> }[] },
  digest: string
): boolean {
  const [algorithm, hex] = digest.split(':');
  return (statement.subject ?? []).some(s => s.digest?.[algorithm] === hex);
}

let libraries:
  | Promise<
      [
        typeof import('@sigstore/verify'),
        typeof import('@sigstore/bundle'),
        typeof import('@sigstore/core'),
        typeof import('@sigstore/verify/dist/key/certificate.js')
      ]
    >
  | undefined;

export function loadVerifier() {
  libraries ??= Promise.all([
    import('@sigstore/verify'),
    import('@sigstore/bundle'),
    import('@sigstore/core'),
    import('@sigstore/verify/dist/key/certificate.js')
  ]);
  return libraries;
}

const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

const ALWAYS = { start: new Date(0), end: new Date(8_640_000_000_000_000) };

type Core = Awaited<ReturnType<typeof loadVerifier>>[2];

/** The trust material of an instance: its CA and timestamp chains, its transparency log keys (keyless: no key). */
function trustMaterial(
  anchors: TrustAnchors,
  X509Certificate: Core['X509Certificate'],
  crypto: Core['crypto']
) {
  return {
    certificateAuthorities: anchors.caChains.map(chain => ({
      certChain: chain.map(der => X509Certificate.parse(der)),
      validFor: ALWAYS
    })),
    timestampAuthorities: anchors.tsaChains.map(chain => ({
      certChain: chain.map(der => X509Certificate.parse(der)),
      validFor: ALWAYS
    })),
    tlogs: anchors.tlogKeys.map(key => ({
      logID: createHash('sha256').update(key).digest(),
      publicKey: crypto.createPublicKey(key),
      validFor: ALWAYS
    })),
    ctlogs: [],
    publicKey: (hint: string) => {
      throw new Error(`a keyless bundle names no key (${hint})`);
    }
  };
}

/** A verifier of bundles against `anchors` for `signer` (the identity and issuer this step signed as). */
export async function bundleVerifier(anchors: TrustAnchors, signer: Signer) {
  const [
    { Verifier, toSignedEntity },
    { bundleFromJSON },
    { X509Certificate, crypto },
    { verifyCertificateChain }
  ] = await loadVerifier();
  const trust = trustMaterial(anchors, X509Certificate, crypto);
  const verifier = new Verifier(trust, {
    tlogThreshold: anchors.tlogKeys.length ? 1 : 0,
    tsaThreshold: anchors.tsaChains.length ? 1 : 0,
    // The certificate transparency log's key is not published by Fulcio's API.
    ctlogThreshold: 0
  });
  // The certificate chains to the instance's CA at every verified timestamp. Its embedded SCTs are
  // not checked here: no API of the instance publishes the CT log's key (cosign and gh check them
  // with the trusted root).
  type Leaf = InstanceType<typeof X509Certificate>;
  (verifier as unknown as { verifySigningKey: unknown }).verifySigningKey = (
    { key }: { key: { $case: string; certificate?: Leaf } },
    timestamps: Date[]
  ) => {
    if (key.$case !== 'certificate' || !key.certificate) throw new Error('the bundle holds no certificate');
    let path: Leaf[] = [];
    for (const t of timestamps)
      path = verifyCertificateChain(t, key.certificate, trust.certificateAuthorities);
    if (path.length === 0) throw new Error('the bundle has no verified timestamp');
    const leaf = path[0];
    const v2 = leaf.extension(OID_ISSUER_V2)?.valueObj.subs?.[0]?.value.toString('ascii');
    const issuer = v2 ?? leaf.extension(OID_ISSUER_V1)?.value.toString('ascii');
    return {
      key: crypto.createPublicKey(leaf.publicKey),
      identity: { subjectAlternativeName: leaf.subjectAltName, extensions: { issuer } }
    };
  };
  const policy = {
    subjectAlternativeName: signer.identity,
    ...(signer.issuer ? { extensions: { issuer: signer.issuer } } : {})
  };
  /** Verifies one bundle (its JSON text) for `expected`; throws saying what does not hold. */
  return (text: string, expected: Expected): void => {
    const bundle = bundleFromJSON(JSON.parse(text));
    try {
      verifier.verify(toSignedEntity(bundle), policy);
    } catch (err) {
      // @sigstore/core reads an RFC 3161 time only with no or three fractional digits, while a
      // timestamp authority may drop trailing zeros (RFC 3161 2.4.2): such a bundle is valid, and
      // cosign reads it. What this verifier cannot read is said, and the statement still checked.
      if (errorMessage(err) !== 'invalid time') throw err;
      warning(
        `The timestamp of the bundle for ${expected.subject} has a time this step's verifier cannot read; ` +
          'its signature and certificate were not checked here (verify with cosign, see the summary)'
      );
    }
    if (bundle.content.$case !== 'dsseEnvelope') throw new Error('the bundle holds no DSSE envelope');
    checkStatement(bundle.content.dsseEnvelope, expected);
  };
}

/** The envelope holds an in-toto statement of the expected predicate type about the expected subject. */
function checkStatement(envelope: { payloadType: string; payload: Buffer }, expected: Expected): void {
  if (envelope.payloadType !== 'application/vnd.in-toto+json') throw new Error('the payload is not in-toto');
  const statement = JSON.parse(envelope.payload.toString('utf8')) as {
    predicateType?: string;
    subject?: { digest?: Record<string, string> }[];
  };
  if (statement.predicateType !== expected.predicateType)
    throw new Error(`the statement's predicate type is ${statement.predicateType}`);
  if (!namesDigest(statement, expected.subject))
    throw new Error(`the statement's subject is not ${expected.subject}`);
}

export type VerifyBundle = Awaited<ReturnType<typeof bundleVerifier>>;

/**
 * Reads the bundles of `expected.predicateType` attached to `expected.subject` and verifies them;
 * resolves when at least one holds, else rejects naming why each failed.
 */
export async function verifyAttached(
  client: RegistryClient,
  repository: string,
  expected: Expected,
  verify: VerifyBundle
): Promise<void> {
  const referrers = (await listReferrers(client, repository, expected.subject)).filter(
    r =>
      r.artifactType === BUNDLE_MEDIA_TYPE &&
      (r.annotations?.[PREDICATE_ANNOTATION] ?? expected.predicateType) === expected.predicateType
  );
  const problems: string[] = [];
  for (const referrer of referrers) {
    try {
      const found = await client.getManifest(repository, referrer.digest);
      if (!found) throw new Error('the artifact manifest is gone');
      const layer = parseManifest(found.bytes, found.mediaType).blobs.find(
        b => b.mediaType === BUNDLE_MEDIA_TYPE
      );
      if (!layer) throw new Error('the artifact holds no bundle');
      verify((await readBlob(client, repository, layer.digest, 4 * 1024 * 1024)).toString('utf8'), expected);
      return;
    } catch (err) {
      problems.push(`${referrer.digest}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new Error(
    problems.length
      ? problems.join('; ')
      : `no ${expected.predicateType} bundle is attached to ${expected.subject}`
  );
}
