/**
 * Reading back what is attached to an image: a blob by digest (checked against it), and the
 * referrers of a subject, through the referrers API where the registry serves it, else through the
 * `sha256-<hex>` referrers tag (the referrers tag schema).
 */
import type { RegistryClient } from './client.js';
import { drain, RegistryError, registryError } from './errors.js';
import { type Descriptor, MediaType, parseManifest, sha256Digest } from './media.js';
import { referrersTag } from './referrers.js';

/** A blob, read whole up to `maxBytes` and checked against its digest. */
export async function readBlob(
  client: RegistryClient,
  repository: string,
  digest: string,
  maxBytes = 16 * 1024 * 1024
): Promise<Buffer> {
  const res = await client.request('GET', repository, `blobs/${digest}`, { maxBytes });
  if (!res.ok) throw await registryError(res, `GET ${repository} blob ${digest}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (digest.startsWith('sha256:') && sha256Digest(bytes) !== digest) {
    throw new RegistryError(
      `GET ${repository} blob ${digest}: content has digest ${sha256Digest(bytes)}`,
      200
    );
  }
  return bytes;
}

/** The referrers of `subject` as the registry lists them (empty when it lists none). */
export async function listReferrers(
  client: RegistryClient,
  repository: string,
  subject: string
): Promise<Descriptor[]> {
  const res = await client.request('GET', repository, `referrers/${subject}`, {
    headers: { accept: MediaType.ociIndex },
    maxBytes: 4 * 1024 * 1024
  });
  if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith(MediaType.ociIndex)) {
    return parseManifest(Buffer.from(await res.arrayBuffer()), MediaType.ociIndex).manifests;
  }
  await drain(res);
  const index = await client.getManifest(repository, referrersTag(subject));
  return index ? parseManifest(index.bytes, index.mediaType).manifests : [];
}
