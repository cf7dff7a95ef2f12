/** Synthetic multi-arch images in a MemoryStore, shaped like buildx pushes (platforms + attestations). */
import { MediaType, sha256Digest } from '../../../src/common/registry/media.js';
import { attestationManifest, bundleBlob, referrersIndex, referrersTag } from './attestations.js';
import type { MemoryStore } from './memory.js';

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' }
];

function blob(seed: string, mediaType: string) {
  return { mediaType, digest: sha256Digest(seed), size: seed.length };
}

export interface SyntheticImage {
  index: string;
  platforms: string[];
  attestations: string[];
}

/** An index with a manifest per platform and, unless turned off, an attestation manifest for each. */
export function addMultiArch(
  store: MemoryStore,
  repository: string,
  seed: string,
  opts: { tags?: string[]; created?: Date; attest?: boolean } = {}
): SyntheticImage {
  const created = opts.created ?? new Date();
  const entries: object[] = [];
  const platforms: string[] = [];
  const attestations: string[] = [];
  for (const platform of PLATFORMS) {
    const doc = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: blob(`${seed}/${platform.architecture}/config`, 'application/vnd.oci.image.config.v1+json'),
      layers: [blob(`${seed}/${platform.architecture}/layer`, 'application/vnd.oci.image.layer.v1.tar+gzip')]
    };
    const digest = store.add(repository, doc, [], created);
    platforms.push(digest);
    entries.push({ mediaType: MediaType.ociManifest, digest, size: JSON.stringify(doc).length, platform });
  }
  if (opts.attest !== false) {
    platforms.forEach((subject, i) => {
      const doc = {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: blob(`${seed}/${i}/att-config`, 'application/vnd.oci.image.config.v1+json'),
        layers: [blob(`${seed}/${i}/provenance`, 'application/vnd.in-toto+json')]
      };
      const digest = store.add(repository, doc, [], created);
      attestations.push(digest);
      entries.push({
        mediaType: MediaType.ociManifest,
        digest,
        size: JSON.stringify(doc).length,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': subject,
          'vnd.docker.reference.type': 'attestation-manifest'
        }
      });
    });
  }
  // The index is pushed after its parts, as buildx pushes: a second later.
  const index = store.add(
    repository,
    { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries },
    opts.tags,
    new Date(created.getTime() + 1000)
  );
  return { index, platforms, attestations };
}

/** A Sigstore attestation of an index and the referrers index (`sha256-<hex>` tag) that lists it. */
export function addAttestation(
  store: MemoryStore,
  repository: string,
  subject: string,
  seed: string,
  created = new Date()
): { attestation: string; referrers: string } {
  const size = store.repo(repository).manifests.get(subject)?.bytes.length ?? 0;
  const att = attestationManifest({ digest: subject, size }, bundleBlob(seed), created);
  store.add(repository, att.bytes, [], created);
  const tag = referrersTag(subject);
  const previous = store.repo(repository).tags.get(tag);
  const prevDoc = previous && JSON.parse(store.repo(repository).manifests.get(previous)!.bytes.toString());
  const index = referrersIndex(prevDoc, att);
  store.add(repository, index.bytes, [tag], new Date(created.getTime() + 1000));
  return { attestation: att.digest, referrers: index.digest };
}
