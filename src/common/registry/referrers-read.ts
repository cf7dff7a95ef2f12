/**
 * A manifest's referrers, whatever their artifact types (signatures, SBOMs, attestations): from the
 * referrers API (`GET /v2/<name>/referrers/<digest>`) where the registry serves it, else from the
 * referrers tag `sha256-<hex>` (the tag schema registries without the API use).
 */
import type { RegistryClient } from './client.js';
import { drain, registryError } from './errors.js';
import { type Descriptor, MediaType, parseManifest } from './media.js';
import { referrersTag } from './referrers.js';
import { MANIFEST_MAX_BYTES } from '../answer-size.js';

export interface Referrers {
  descriptors: Descriptor[];
  /** Where they were found: the API, the `sha256-<hex>` tag, or nowhere. */
  via: 'api' | 'tag' | 'none';
}

export async function listReferrers(
  client: RegistryClient,
  repository: string,
  subject: string
): Promise<Referrers> {
  const res = await client.request('GET', repository, `referrers/${subject}`, {
    headers: { accept: MediaType.ociIndex },
    maxBytes: MANIFEST_MAX_BYTES
  });
  const type = res.headers.get('content-type') ?? '';
  if (res.status === 200 && type.startsWith(MediaType.ociIndex)) {
    const parsed = parseManifest(Buffer.from(await res.arrayBuffer()), type);
    return { descriptors: parsed.manifests, via: 'api' };
  }
  if (res.status !== 404 && res.status !== 200 && res.status !== 400 && res.status !== 405)
    throw await registryError(res, `GET ${repository} referrers of ${subject}`);
  await drain(res);
  const tagged = await client.getManifest(repository, referrersTag(subject));
  if (!tagged) return { descriptors: [], via: 'none' };
  const parsed = parseManifest(tagged.bytes, tagged.mediaType);
  if (parsed.kind !== 'index') return { descriptors: [], via: 'none' };
  return { descriptors: parsed.manifests, via: 'tag' };
}
