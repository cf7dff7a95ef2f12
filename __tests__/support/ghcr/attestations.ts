/**
 * Sigstore attestations as OCI artifacts, laid out as `gh attestation verify oci://…` and cosign
 * `--new-bundle-format` find them on a registry without a referrers API (GHCR): an artifact manifest
 * whose `subject` is the image index and whose one layer is the Sigstore bundle, listed in an OCI
 * index tagged `sha256-<hex of the subject>` (the referrers tag schema).
 */
import { MediaType, sha256Digest } from '../../../src/common/registry/media.js';

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SLSA_PROVENANCE = 'https://slsa.dev/provenance/v1';

export interface Artifact {
  bytes: Buffer;
  digest: string;
}

const json = (doc: object): Artifact => {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: sha256Digest(bytes) };
};

/** The bundle blob (a stand-in payload: what is checked here is the layout, not the signature). */
export function bundleBlob(seed: string): Buffer {
  return Buffer.from(JSON.stringify({ mediaType: BUNDLE_TYPE, seed }));
}

/** The attestation: an artifact manifest with the bundle as its layer and the index as its subject. */
export function attestationManifest(
  subject: { digest: string; size: number },
  bundle: Buffer,
  created: Date
): Artifact {
  return json({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_TYPE,
    config: { mediaType: MediaType.ociEmpty, digest: sha256Digest('{}'), size: 2 },
    layers: [{ mediaType: BUNDLE_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
    subject: { mediaType: MediaType.ociIndex, digest: subject.digest, size: subject.size },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': SLSA_PROVENANCE,
      'org.opencontainers.image.created': created.toISOString()
    }
  });
}

/** The referrers index of the tag schema: every referrer of the subject, this one added. */
export function referrersIndex(
  previous: { manifests?: object[] } | undefined,
  attestation: Artifact
): Artifact {
  const entry = {
    mediaType: MediaType.ociManifest,
    digest: attestation.digest,
    size: attestation.bytes.length,
    artifactType: BUNDLE_TYPE,
    annotations: { 'dev.sigstore.bundle.predicateType': SLSA_PROVENANCE }
  };
  return json({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [...(previous?.manifests ?? []), entry]
  });
}

/** `sha256-<hex>`: the tag of a subject's referrers index. */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}
