/**
 * The registries' answers for this run's immutable tags (the I/O edge of immutable.ts): where each
 * tag points in each image, and, where the new digest is not known yet, which commit that image
 * names (`org.opencontainers.image.revision`: the index's annotation, else its first platform
 * image's annotation or config label).
 */
import type { RegistryClient } from '../common/registry/client.js';
import { drain } from '../common/registry/errors.js';
import { mapLimit } from '../common/registry/limit.js';
import { parseManifest } from '../common/registry/media.js';
import type { TagLookup } from './immutable.js';
import type { Repo } from './promote/plan.js';

const REVISION = 'org.opencontainers.image.revision';

async function revisionOf(client: RegistryClient, repository: string, digest: string): Promise<string> {
  const found = await client.getManifest(repository, digest);
  if (!found) return '';
  const parsed = parseManifest(found.bytes, found.mediaType);
  if (parsed.annotations[REVISION]) return parsed.annotations[REVISION];
  if (parsed.kind === 'index') {
    const first = parsed.manifests.find(m => m.platform && m.platform.os !== 'unknown');
    return first ? revisionOf(client, repository, first.digest) : '';
  }
  const config = parsed.blobs[0];
  if (!config) return '';
  const res = await client.request('GET', repository, `blobs/${config.digest}`);
  if (!res.ok) {
    await drain(res);
    return '';
  }
  const doc = (await res.json().catch(() => ({}))) as { config?: { Labels?: Record<string, string> } };
  return doc.config?.Labels?.[REVISION] ?? '';
}

export async function lookupTags(
  images: { image: string; repo: Repo }[],
  tags: string[],
  client: (registry: string) => RegistryClient,
  withRevision: boolean
): Promise<TagLookup[]> {
  const pairs = images.flatMap(i => tags.map(tag => ({ ...i, tag })));
  return mapLimit(pairs, 16, async ({ image, repo, tag }) => {
    const c = client(repo.registry);
    const head = await c.headManifest(repo.repository, tag);
    if (!head) return { image, tag };
    const revision = withRevision ? await revisionOf(c, repo.repository, head.digest) : undefined;
    return { image, tag, digest: head.digest, ...(revision !== undefined ? { revision } : {}) };
  });
}
