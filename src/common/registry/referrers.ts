/**
 * Attaching an artifact to an image (distribution spec, "Pushing manifests with subject"): the
 * artifact as a blob, the empty config, an image manifest with `artifactType` and `subject`, and,
 * where the registry has no referrers API, the subject's referrers index under the tag
 * `sha256-<hex>` (the referrers tag schema) with the new manifest added. This is what cosign and
 * `gh attestation verify` look for on GHCR. Everything goes through the project's own client, so
 * credentials and tokens reach only the registry's own origin.
 */
import type { RegistryClient } from './client.js';
import { pushBlob } from './blobs.js';
import { drain, RegistryError, registryError } from './errors.js';
import { type Descriptor, MediaType, parseManifest, sha256Digest } from './media.js';
import { errorMessage } from '../errors.js';

export interface ArtifactToAttach {
  /** The repository path inside the registry (`o/app`). */
  repository: string;
  /** The subject's digest. */
  subject: string;
  bytes: Buffer;
  /** The artifact's media type, also the manifest's `artifactType`. */
  artifactType: string;
  annotations?: Record<string, string>;
  /** `org.opencontainers.image.created` (default now). */
  created?: Date;
}

export interface Attached {
  /** The artifact manifest's descriptor. */
  manifest: Descriptor;
  /** Whether the referrers index under the `sha256-<hex>` tag was written (no referrers API). */
  referrersTag: boolean;
}

const EMPTY_CONFIG = Buffer.from('{}');

/** `sha256-<hex>`: the tag of a subject's referrers index (the referrers tag schema). */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

/** The artifact manifest (pure). */
export function artifactManifest(
  subject: Descriptor,
  layer: Descriptor,
  config: Descriptor,
  annotations: Record<string, string>
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: layer.mediaType,
      config,
      layers: [layer],
      subject,
      annotations
    })
  );
}

/** The referrers index with `entry` added (once), from the index read under the tag, if any (pure). */
export function withReferrer(
  existing: Buffer | undefined,
  entry: Descriptor,
  contentType = ''
): Buffer | undefined {
  let manifests: unknown[] = [];
  let doc: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaType.ociIndex };
  if (existing) {
    const parsed = parseManifest(existing, contentType);
    if (parsed.kind !== 'index' || parsed.mediaType !== MediaType.ociIndex)
      throw new Error(`it holds a ${parsed.mediaType || 'manifest'}, not an OCI index`);
    doc = JSON.parse(existing.toString('utf8')) as Record<string, unknown>;
    manifests = doc.manifests as unknown[];
    if (parsed.manifests.some(m => m.digest === entry.digest)) return undefined;
  }
  return Buffer.from(JSON.stringify({ ...doc, manifests: [...manifests, entry] }));
}

/** Whether the registry answers the referrers API for `subject` (200 with an index). */
async function hasReferrersApi(
  client: RegistryClient,
  repository: string,
  subject: string
): Promise<boolean> {
  const res = await client.request('GET', repository, `referrers/${subject}`, {
    headers: { accept: MediaType.ociIndex }
  });
  await drain(res);
  return res.status === 200 && (res.headers.get('content-type') ?? '').startsWith(MediaType.ociIndex);
}

/** Attaches an artifact to `subject`; the subject must be in the repository. */
export async function attachArtifact(client: RegistryClient, a: ArtifactToAttach): Promise<Attached> {
  const { repository } = a;
  // read whole (at most 4 MiB): its size is the one in the subject descriptor, whatever a HEAD says
  const found = await client.getManifest(repository, a.subject);
  if (!found)
    throw new RegistryError(`GET ${repository}@${a.subject}: the image is not in the registry`, 404);
  const subject: Descriptor = {
    mediaType: parseManifest(found.bytes, found.mediaType).mediaType,
    digest: a.subject,
    size: found.bytes.length
  };
  const layer: Descriptor = {
    mediaType: a.artifactType,
    digest: await pushBlob(client, repository, a.bytes),
    size: a.bytes.length
  };
  const config: Descriptor = {
    mediaType: MediaType.ociEmpty,
    digest: await pushBlob(client, repository, EMPTY_CONFIG),
    size: EMPTY_CONFIG.length
  };
  const annotations = {
    'org.opencontainers.image.created': (a.created ?? new Date()).toISOString(),
    ...a.annotations
  };
  const bytes = artifactManifest(subject, layer, config, annotations);
  const digest = sha256Digest(bytes);
  const put = await client.request('PUT', repository, `manifests/${digest}`, {
    headers: { 'content-type': MediaType.ociManifest },
    body: bytes
  });
  if (put.status !== 201) throw await registryError(put, `PUT ${repository}@${digest}`);
  await drain(put);
  const manifest: Descriptor = { mediaType: MediaType.ociManifest, digest, size: bytes.length };

  // A registry that processed the subject says so (OCI-Subject); some say so without serving the
  // referrers API, so it is asked as well.
  if (put.headers.get('oci-subject') === a.subject && (await hasReferrersApi(client, repository, a.subject)))
    return { manifest, referrersTag: false };

  const tag = referrersTag(a.subject);
  const existing = await client.getManifest(repository, tag);
  let index: Buffer | undefined;
  try {
    const entry = { ...manifest, artifactType: a.artifactType, annotations };
    index = withReferrer(existing?.bytes, entry, existing?.mediaType);
  } catch (err) {
    throw new RegistryError(`GET ${repository}:${tag}: ${errorMessage(err)}`, 200);
  }
  if (index) await client.putManifest(repository, tag, index, MediaType.ociIndex);
  return { manifest, referrersTag: true };
}
