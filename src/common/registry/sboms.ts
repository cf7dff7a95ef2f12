/**
 * The SBOMs BuildKit attached to a pushed index, read back from the registry: the index's
 * attestation manifests (`vnd.docker.reference.type: attestation-manifest`) name the platform
 * manifest they describe; their in-toto layers with the predicate type `https://spdx.dev/Document`
 * hold one SPDX document each. Every manifest and blob is read bounded and checked against its
 * digest. Pure selection, thin reads.
 */
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { type Descriptor, parseManifest } from './media.js';
import { readBlob } from './read.js';

export const SPDX_PREDICATE = 'https://spdx.dev/Document';
const REFERENCE_TYPE = 'vnd.docker.reference.type';
const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
const PREDICATE_TYPE = 'in-toto.io/predicate-type';
/** An SBOM statement is read up to this size. */
const SBOM_MAX_BYTES = 64 * 1024 * 1024;

export interface PlatformSbom {
  /** `os/arch[/variant]` of the platform manifest. */
  platform: string;
  /** The platform manifest's digest: the SBOM attestation's subject. */
  digest: string;
  /** The SPDX documents (the statements' predicates), one per SBOM layer, in layer order. */
  documents: Record<string, unknown>[];
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

async function manifestOf(client: RegistryClient, repository: string, digest: string) {
  const got = await client.getManifest(repository, digest);
  if (!got) throw new RegistryError(`GET ${repository}@${digest}: not found`, 404);
  return parseManifest(got.bytes, got.mediaType);
}

/**
 * The SPDX SBOMs of every platform of the index `digest` in `repository`, in the index's order;
 * platforms without an SBOM are left out, and an image manifest (no index) has none.
 */
export async function readIndexSboms(
  client: RegistryClient,
  repository: string,
  digest: string
): Promise<PlatformSbom[]> {
  const index = await manifestOf(client, repository, digest);
  if (index.kind !== 'index') return [];
  const found = await Promise.all(
    attestationManifests(index.manifests).map(async a => {
      const layers = spdxLayers((await manifestOf(client, repository, a.attestation)).blobs);
      const statements = await Promise.all(
        layers.map(l => readBlob(client, repository, l.digest, SBOM_MAX_BYTES))
      );
      const documents = statements.flatMap(s => {
        const doc = spdxDocument(s);
        return doc ? [doc] : [];
      });
      return { platform: a.platform, digest: a.digest, documents };
    })
  );
  return found.filter(s => s.documents.length > 0);
}
