/**
 * GHCR cannot delete a tag, only a version. To take a tag off an image that keeps other tags, the
 * tag is moved to a tiny placeholder manifest whose version is then deleted.
 */
import { MediaType, sha256Digest } from '../common/registry/media.js';

export interface Placeholder {
  config: Buffer;
  manifest: Buffer;
  mediaType: string;
  digest: string;
}

const PLACEHOLDER_ARTIFACT_TYPE = 'application/vnd.push-to-image.placeholder.v1';

/** An OCI manifest of one empty blob, unique to `stamp` so that it never matches an earlier version. */
export function placeholderManifest(stamp: string): Placeholder {
  const config = Buffer.from('{}');
  const empty = { mediaType: MediaType.ociEmpty, digest: sha256Digest(config), size: config.length };
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: PLACEHOLDER_ARTIFACT_TYPE,
    config: empty,
    layers: [empty],
    annotations: {
      'org.opencontainers.image.created': stamp,
      'org.opencontainers.image.description': 'Placeholder that takes tags off an image; deleted right away'
    }
  };
  const manifest = Buffer.from(JSON.stringify(doc));
  return { config, manifest, mediaType: MediaType.ociManifest, digest: sha256Digest(manifest) };
}
