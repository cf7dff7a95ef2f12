/**
 * The SBOMs BuildKit attached to a pushed index, read back from the registry: the index's
 * attestation manifests (`vnd.docker.reference.type: attestation-manifest`) name the platform
 * manifest they describe; their in-toto layers with the predicate type `https://spdx.dev/Document`
 * hold one SPDX document each. Pure selection, thin reads.
 */
import type { RegistryClient } from '../../common/registry/client.js';
import { type Descriptor, parseManifest } from '../../common/registry/media.js';
import { readBlob } from '../../common/registry/read.js';

export const SPDX_PREDICATE = 'https://spdx.dev/Document';
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
const PREDICATE_TYPE = 'in-toto.io/predicate-type';

export interface Sbom {
  /** `os/arch[/variant]` of the platform manifest. */
  platform: string;
  /** The platform manifest's digest: the SBOM attestation's subject. */
  digest: string;
  /** The SPDX document. */
  document: Record<string, unknown>;
}

export function platformName(p: Descriptor['platform']): string {
  return [p?.os, p?.architecture, p?.variant].filter(Boolean).join('/');
}

/** Attestation manifests of an index with the platform and digest each describes (pure). */
export function attestationManifests(
  entries: Descriptor[]
): { attestation: string; platform: string; digest: string }[] {
  const platforms = new Map(entries.map(e => [e.digest, platformName(e.platform)]));
  return entries
    .filter(e => e.annotations?.[REFERENCE_TYPE] === 'attestation-manifest')
    .map(e => {
      const digest = e.annotations?.[REFERENCE_DIGEST] ?? '';
      return { attestation: e.digest, digest, platform: platforms.get(digest) ?? '' };
    })
    .filter(a => a.digest && a.platform);
}

/** The SPDX layers of an attestation manifest (pure). */
export function spdxLayers(layers: Descriptor[]): Descriptor[] {
  return layers.filter(l => l.annotations?.[PREDICATE_TYPE] === SPDX_PREDICATE);
}

/** The SPDX document of an in-toto statement (pure); undefined when it holds none. */
export function spdxDocument(statement: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(statement.toString('utf8')) as { predicateType?: string; predicate?: unknown };
    const doc = parsed.predicate;
    if (parsed.predicateType !== SPDX_PREDICATE || !doc || typeof doc !== 'object' || Array.isArray(doc))
      return undefined;
    return doc as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads each platform's SPDX document from the index `digest` in `repository`. */
export async function readSboms(client: RegistryClient, repository: string, digest: string): Promise<Sbom[]> {
  const index = await client.getManifest(repository, digest);
  if (!index) throw new Error(`the index ${digest} is not in ${repository}`);
  const parsed = parseManifest(index.bytes, index.mediaType);
  const found = await Promise.all(
    attestationManifests(parsed.manifests).map(async a => {
      const manifest = await client.getManifest(repository, a.attestation);
      if (!manifest) return [];
      const layers = spdxLayers(parseManifest(manifest.bytes, manifest.mediaType).blobs);
      const docs = await Promise.all(layers.map(l => readBlob(client, repository, l.digest)));
      return docs.flatMap(bytes => {
        const document = spdxDocument(bytes);
        return document ? [{ platform: a.platform, digest: a.digest, document }] : [];
      });
    })
  );
  return found.flat();
}
