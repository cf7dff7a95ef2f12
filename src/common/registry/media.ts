/** Manifest media types, the Accept header that asks for all of them, and a parser for their references. */
import { createHash } from 'node:crypto';

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociEmpty: 'application/vnd.oci.empty.v1+json'
} as const;

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerList,
  MediaType.dockerManifest,
  `${MediaType.dockerV1Signed};q=0.5`
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ParsedManifest {
  mediaType: string;
  kind: 'index' | 'image';
  /** Index entries (empty for an image manifest). */
  manifests: Descriptor[];
  /** Config and layers (empty for an index). */
  blobs: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations: Record<string, string>;
}

const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerList;
}

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw new Error(`invalid descriptor in ${where}`);
  }
  return {
    mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
    digest: d.digest,
    size: typeof d.size === 'number' ? d.size : 0,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    ...(d.platform ? { platform: d.platform } : {}),
    ...(d.annotations ? { annotations: d.annotations } : {})
  };
}

/**
 * Reads what a manifest refers to. The media type comes from the document, else from the response's
 * Content-Type; a document that is neither an index nor an image manifest is an error.
 */
export function parseManifest(bytes: Uint8Array | string, contentType = ''): ParsedManifest {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('manifest is not JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('manifest is not a JSON object');
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : contentType.split(';')[0].trim();
  const annotations = (doc.annotations as Record<string, string> | undefined) ?? {};
  const subject = doc.subject === undefined ? undefined : descriptor(doc.subject, 'subject');
  const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : undefined;
  const base = {
    mediaType,
    annotations,
    ...(subject ? { subject } : {}),
    ...(artifactType ? { artifactType } : {})
  };
  if (Array.isArray(doc.manifests) || isIndexType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new Error(`${mediaType} without manifests`);
    return {
      ...base,
      kind: 'index',
      manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)),
      blobs: []
    };
  }
  if (doc.config !== undefined || Array.isArray(doc.layers)) {
    const layers = Array.isArray(doc.layers) ? doc.layers : [];
    const blobs = [
      ...(doc.config !== undefined ? [descriptor(doc.config, 'config')] : []),
      ...layers.map((l, i) => descriptor(l, `layers[${i}]`))
    ];
    return { ...base, kind: 'image', manifests: [], blobs };
  }
  if (doc.schemaVersion === 1 && Array.isArray(doc.fsLayers)) {
    return {
      ...base,
      mediaType: mediaType || MediaType.dockerV1Signed,
      kind: 'image',
      manifests: [],
      blobs: []
    };
  }
  throw new Error(`unsupported manifest (media type "${mediaType || 'none'}")`);
}
