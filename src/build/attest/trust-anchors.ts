/**
 * The keys and certificates a Sigstore instance publishes for verifiers: Fulcio's trust bundle
 * (`/api/v2/trustBundle`), Rekor's public key (`/api/v1/log/publicKey`) and the timestamp
 * authority's certificate chain (`/api/v1/timestamp/certchain`), read over TLS from the instance
 * the step signed with. They anchor the read-back check of what the step attached.
 */
import { createPublicKey } from 'node:crypto';
import { httpGet, type HttpGet } from '../../common/http-get.js';
import type { SigstoreEndpoints } from './endpoints.js';

export interface TrustAnchors {
  /** Certificate chains (DER, leaf-most first) of the certificate authority. */
  caChains: Buffer[][];
  /** Transparency log public keys (DER SubjectPublicKeyInfo). */
  tlogKeys: Buffer[];
  /** Timestamp authority chains (DER). */
  tsaChains: Buffer[][];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, in order (pure). */
export function pemCertificates(text: string): Buffer[] {
  return [...text.matchAll(PEM_CERT)].map(m => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** Fulcio's trust bundle: `{"chains":[{"certificates":["<PEM>", ...]}]}` (pure). */
export function fulcioChains(body: string): Buffer[][] {
  const doc = JSON.parse(body) as { chains?: { certificates?: string[] }[] };
  return (doc.chains ?? [])
    .map(c => (c.certificates ?? []).flatMap(pemCertificates))
    .filter(c => c.length > 0);
}

/** A PEM public key as DER SubjectPublicKeyInfo (pure). */
export function spki(pem: string): Buffer {
  return createPublicKey(pem).export({ format: 'der', type: 'spki' });
}

async function read(get: HttpGet, url: string): Promise<string> {
  const answer = await get(
    url,
    { accept: 'application/json, application/x-pem-file, */*' },
    20_000,
    1024 * 1024
  );
  if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status} ${answer.statusText}`);
  return answer.body;
}

export async function fetchTrustAnchors(
  ep: SigstoreEndpoints,
  get: HttpGet = httpGet
): Promise<TrustAnchors> {
  const [fulcio, rekor, tsa] = await Promise.all([
    read(get, `${ep.fulcioURL}/api/v2/trustBundle`),
    ep.rekorURL ? read(get, `${ep.rekorURL}/api/v1/log/publicKey`) : Promise.resolve(''),
    ep.tsaServerURL ? read(get, `${ep.tsaServerURL}/api/v1/timestamp/certchain`) : Promise.resolve('')
  ]);
  const caChains = fulcioChains(fulcio);
  if (caChains.length === 0) throw new Error(`${ep.fulcioURL} published no certificate chain`);
  const tsaChain = pemCertificates(tsa);
  return { caChains, tlogKeys: rekor ? [spki(rekor)] : [], tsaChains: tsaChain.length ? [tsaChain] : [] };
}
