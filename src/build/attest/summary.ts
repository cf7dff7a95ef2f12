/** The attestation's job summary: where it is and the commands that verify it, pinned to its signer (pure). */
import { X509Certificate } from 'node:crypto';
import { code } from '../../common/summary.js';
import { summaryTable } from '../summary.js';

export interface AttestationFacts {
  id: string;
  url: string;
  images: string[];
  digest: string;
  owner: string;
  instance: string;
  bundlePath: string;
  /** Who signed: the certificate's identity and OIDC issuer; undefined when unknown. */
  signer?: Signer;
  /** GitHub's store does not hold it: verified from the registry (`--bundle-from-oci`). */
  notStored?: string;
}

export interface Signer {
  /** The certificate's subject alternative name: the signing workflow at its ref. */
  identity: string;
  /** The OIDC issuer Fulcio recorded in the certificate ('' when it recorded none). */
  issuer: string;
}

/** Fulcio's OIDC issuer extensions: 1.3.6.1.4.1.57264.1.8 (a DER UTF8String) and the older .1.1 (raw). */
const ISSUER_V2 = Buffer.from('060a2b0601040183bf300108', 'hex');
const ISSUER_V1 = Buffer.from('060a2b0601040183bf300101', 'hex');

/** The length and where the content starts of the DER element whose header starts at `at`. */
function derLength(der: Buffer, at: number): { length: number; start: number } | undefined {
  const first = der[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, start: at + 2 };
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 3) return undefined;
  let length = 0;
  for (let i = 0; i < bytes; i++) length = length * 256 + (der[at + 2 + i] ?? 0);
  return { length, start: at + 2 + bytes };
}

/** The OCTET STRING value of the extension named by the OID bytes `oid` ('' when absent). */
function extensionValue(der: Buffer, oid: Buffer): Buffer | undefined {
  const at = der.indexOf(oid);
  if (at < 0) return undefined;
  let next = at + oid.length;
  if (der[next] === 0x01) next += 3; // critical: BOOLEAN
  if (der[next] !== 0x04) return undefined;
  const octets = derLength(der, next);
  if (!octets) return undefined;
  return der.subarray(octets.start, octets.start + octets.length);
}

function issuerOf(der: Buffer): string {
  const v2 = extensionValue(der, ISSUER_V2);
  if (v2 && v2[0] === 0x0c) {
    const s = derLength(v2, 0);
    if (s) return v2.subarray(s.start, s.start + s.length).toString('utf8');
  }
  return extensionValue(der, ISSUER_V1)?.toString('utf8') ?? '';
}

/** The signer of a Sigstore bundle (its JSON form) from its leaf certificate; undefined without one. */
export function bundleSigner(bundle: unknown): Signer | undefined {
  const material = (bundle as { verificationMaterial?: Record<string, unknown> } | null)
    ?.verificationMaterial;
  const single = (material?.certificate as { rawBytes?: unknown } | undefined)?.rawBytes;
  const chain = (material?.x509CertificateChain as { certificates?: { rawBytes?: unknown }[] } | undefined)
    ?.certificates?.[0]?.rawBytes;
  const raw = typeof single === 'string' ? single : chain;
  if (typeof raw !== 'string') return undefined;
  try {
    const der = Buffer.from(raw, 'base64');
    const cert = new X509Certificate(der);
    const uri = /(?:^|, )URI:([^,]+)/.exec(cert.subjectAltName ?? '')?.[1];
    return uri ? { identity: uri, issuer: issuerOf(der) } : undefined;
  } catch {
    return undefined;
  }
}

/** `gh attestation verify`'s `--signer-workflow`: the identity without scheme and ref (`[host/]owner/repo/path`). */
export function signerWorkflow(identity: string): string {
  return identity.replace(/^[a-z]+:\/\//i, '').replace(/@.*$/, '');
}

export function verifyCommand(
  image: string,
  digest: string,
  owner: string,
  signer?: Signer,
  fromRegistry = false
): string {
  const pin = signer ? ` --signer-workflow ${signerWorkflow(signer.identity)}` : '';
  const oci = fromRegistry ? ' --bundle-from-oci' : '';
  return `gh attestation verify oci://${image}@${digest} --owner ${owner}${pin}${oci}`;
}

/** cosign's check of the same attestation, pinned to the certificate's exact identity and issuer. */
export function cosignCommand(image: string, digest: string, signer: Signer): string {
  return (
    'cosign verify-attestation --new-bundle-format --type https://slsa.dev/provenance/v1 ' +
    `--certificate-identity ${signer.identity} --certificate-oidc-issuer ${signer.issuer} ${image}@${digest}`
  );
}

export function attestationSummary(f: AttestationFacts): string {
  const verify = f.images.map(i => code(verifyCommand(i, f.digest, f.owner, f.signer, Boolean(f.notStored))));
  if (f.signer?.issuer) verify.push(...f.images.map(i => code(cosignCommand(i, f.digest, f.signer!))));
  const rows: [string, string][] = [
    [
      'Attestation',
      f.url
        ? `[${f.id}](${f.url})`
        : f.id || (f.notStored ? `not in GitHub's store (${f.notStored}): in the registries` : '(not stored)')
    ],
    [
      'Signed with',
      f.instance === 'public-good' ? "Sigstore's public-good instance" : "GitHub's Sigstore instance"
    ],
    ['Attached in', f.images.map(code).join('<br>')],
    ['Verify', verify.join('<br>')]
  ];
  return summaryTable('Build provenance', rows);
}
