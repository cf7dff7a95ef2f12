/**
 * The SBOMs BuildKit attached to a pushed index: each attestation manifest (an index entry with
 * platform unknown/unknown and the annotations `vnd.docker.reference.type: attestation-manifest`,
 * `vnd.docker.reference.digest: <platform manifest>`) holds in-toto statements as layers; those
 * whose `in-toto.io/predicate-type` is SPDX carry the platform's SBOM. Read through the project's
 * registry client; each blob is checked against its digest.
 */
import type { RegistryClient } from '../common/registry/client.js';
import { registryError, RegistryError } from '../common/registry/errors.js';
import { parseManifest, sha256Digest, type Descriptor } from '../common/registry/media.js';

export const SPDX_PREDICATE = 'https://spdx.dev/Document';
/** An SBOM statement is read up to this size. */
const SBOM_MAX_BYTES = 64 * 1024 * 1024;

export interface PlatformSbom {
  /** `linux/amd64`, `linux/arm/v7`. */
  platform: string;
  /** The platform manifest's digest. */
  digest: string;
  /** SPDX documents (the statements' predicates), one per SBOM layer. */
  documents: unknown[];
}

export function platformName(p: Descriptor['platform']): string {
  return [p?.os ?? '', p?.architecture ?? '', p?.variant ?? ''].filter(Boolean).join('/');
}

/** The attestation manifests of an index, with the platform each one is about (pure). */
export function attestationManifests(
  entries: Descriptor[]
): { platform: string; subject: string; manifest: string }[] {
  const byDigest = new Map(entries.map(e => [e.digest, e]));
  return entries
    .filter(e => e.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
    .map(e => {
      const subject = e.annotations?.['vnd.docker.reference.digest'] ?? '';
      return { platform: platformName(byDigest.get(subject)?.platform), subject, manifest: e.digest };
    })
    .filter(a => a.subject && a.platform);
}

async function readBlob(client: RegistryClient, repository: string, digest: string): Promise<Buffer> {
  const res = await client.request('GET', repository, `blobs/${digest}`, { maxBytes: SBOM_MAX_BYTES });
  if (!res.ok) throw await registryError(res, `GET ${repository}@${digest}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (digest.startsWith('sha256:') && sha256Digest(bytes) !== digest) {
    throw new RegistryError(
      `GET ${repository}@${digest}: the blob has digest ${sha256Digest(bytes)}`,
      res.status
    );
  }
  return bytes;
}

/**
 * The SPDX SBOM of every platform of the index `digest` in `repository`, in the index's order; []
 * when it is an image manifest or has no SBOM attestation.
 */
export async function readIndexSboms(
  client: RegistryClient,
  repository: string,
  digest: string
): Promise<PlatformSbom[]> {
  const index = await client.getManifest(repository, digest);
  if (!index) throw new RegistryError(`GET ${repository}@${digest}: not found`, 404);
  const parsed = parseManifest(index.bytes, index.mediaType);
  if (parsed.kind !== 'index') return [];
  const found = await Promise.all(
    attestationManifests(parsed.manifests).map(async a => {
      const got = await client.getManifest(repository, a.manifest);
      if (!got) throw new RegistryError(`GET ${repository}@${a.manifest}: not found`, 404);
      const layers = parseManifest(got.bytes, got.mediaType).blobs.filter(
        b => b.annotations?.['in-toto.io/predicate-type'] === SPDX_PREDICATE
      );
      const documents = await Promise.all(
        layers.map(async layer => {
          const statement = JSON.parse(
            (await readBlob(client, repository, layer.digest)).toString('utf8')
          ) as {
            predicate?: unknown;
          };
          return statement?.predicate;
        })
      );
      return { platform: a.platform, digest: a.subject, documents };
    })
  );
  return found.filter(s => s.documents.length > 0);
}
