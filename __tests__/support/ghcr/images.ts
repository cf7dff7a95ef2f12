/**
 * Test images for the stand-in: multi-arch and single-arch pushes with buildx, cosign-style
 * signature tags, OCI referrers, repository copies, and the "does it pull completely" check.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { blobExists, pushBlob } from '../../../src/common/registry/blobs.js';
import { RegistryClient } from '../../../src/common/registry/client.js';
import { isIndexType, MediaType, parseManifest, sha256Digest } from '../../../src/common/registry/media.js';
import { attestationManifest, bundleBlob, referrersIndex, referrersTag } from './attestations.js';
import type { Ghcr } from './index.js';

const run = promisify(execFile);

export function registryClient(ghcr: Ghcr): RegistryClient {
  return new RegistryClient({
    registry: ghcr.registry,
    credentials: { username: 'e2e', password: ghcr.token }
  });
}

/** Builds `FROM e2e-base` + one file and pushes it under every tag of every repository; returns its digest. */
export async function pushImage(
  ghcr: Ghcr,
  repository: string | string[],
  tags: string[],
  opts: { content: string; platforms?: string; provenance?: boolean }
): Promise<string> {
  const ctx = mkdtempSync(join(tmpdir(), 'ghcr-image-'));
  try {
    writeFileSync(join(ctx, 'content.txt'), opts.content);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM e2e-base\nCOPY content.txt /content.txt\n');
    const args = ['buildx', 'build', '--platform', opts.platforms ?? 'linux/amd64,linux/arm64'];
    if (opts.provenance === false) args.push('--provenance=false');
    for (const repo of [repository].flat())
      for (const tag of tags) args.push('-t', `${ghcr.registry}/${repo}:${tag}`);
    args.push('--push', '--metadata-file', join(ctx, 'metadata.json'), ctx);
    const env = { ...process.env, DOCKER_CONFIG: ghcr.dockerConfig() };
    // registry 2.8 rarely answers 500 to a HEAD racing a PUT of the same tag: push again then
    for (let attempt = 1; ; attempt++) {
      try {
        await run('docker', args, { env, maxBuffer: 1 << 24 });
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        process.stderr.write(
          `push of ${tags.join(', ')} failed, again: ${(err as Error).message.slice(-300)}\n`
        );
      }
    }
    const metadata = JSON.parse(readFileSync(join(ctx, 'metadata.json'), 'utf8')) as Record<string, string>;
    return metadata['containerimage.digest'];
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

async function pushArtifact(
  client: RegistryClient,
  repository: string,
  reference: string,
  doc: object
): Promise<string> {
  const config = Buffer.from('{}');
  await pushBlob(client, repository, config);
  const bytes = Buffer.from(JSON.stringify(doc));
  return client.putManifest(repository, reference, bytes, MediaType.ociManifest);
}

const EMPTY = { mediaType: MediaType.ociEmpty, digest: sha256Digest('{}'), size: 2 };

/** A cosign-style signature: a small manifest tagged `sha256-<hex>.sig`. */
export function pushSignature(client: RegistryClient, repository: string, subject: string): Promise<string> {
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: EMPTY,
    layers: [EMPTY],
    annotations: { 'dev.cosignproject.cosign/signature': `signature of ${subject}` }
  };
  return pushArtifact(client, repository, `${subject.replace(':', '-')}.sig`, doc);
}

/** An OCI 1.1 referrer of `subject`, pushed by digest (untagged). */
export async function pushReferrer(
  client: RegistryClient,
  repository: string,
  subject: string,
  size: number
): Promise<string> {
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: 'application/vnd.example.sbom.v1',
    config: EMPTY,
    layers: [EMPTY],
    subject: { mediaType: MediaType.ociIndex, digest: subject, size }
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  await pushBlob(client, repository, Buffer.from('{}'));
  return client.putManifest(repository, sha256Digest(bytes), bytes, MediaType.ociManifest);
}

/**
 * A Sigstore attestation of `subject` (an image index) as an OCI artifact, and the subject's
 * referrers index (`sha256-<hex>` tag) listing it next to earlier ones. Returns both digests.
 */
export async function pushAttestation(
  client: RegistryClient,
  repository: string,
  subject: string,
  seed: string
): Promise<{ attestation: string; referrers: string }> {
  const head = await client.headManifest(repository, subject);
  if (!head) throw new Error(`${repository}@${subject} unknown`);
  const bundle = bundleBlob(seed);
  await pushBlob(client, repository, Buffer.from('{}'));
  await pushBlob(client, repository, bundle);
  const att = attestationManifest({ digest: subject, size: head.size }, bundle, new Date());
  await client.putManifest(repository, att.digest, att.bytes, MediaType.ociManifest);
  const tag = referrersTag(subject);
  const previous = await client.getManifest(repository, tag);
  const index = referrersIndex(previous && JSON.parse(previous.bytes.toString()), att);
  await client.putManifest(repository, tag, index.bytes, MediaType.ociIndex);
  return { attestation: att.digest, referrers: index.digest };
}

/** Problems pulling `reference` completely: the manifest, every child at any depth, every blob. */
export async function pullProblems(
  client: RegistryClient,
  repository: string,
  reference: string
): Promise<string[]> {
  const problems: string[] = [];
  const visit = async (ref: string): Promise<void> => {
    const res = await client.getManifest(repository, ref);
    if (!res) {
      problems.push(`${ref}: manifest unknown`);
      return;
    }
    const m = parseManifest(res.bytes, res.mediaType);
    for (const child of m.manifests) await visit(child.digest);
    for (const blob of m.blobs) {
      if (!(await blobExists(client, repository, blob.digest)))
        problems.push(`${ref}: blob ${blob.digest} missing`);
    }
  };
  await visit(reference);
  return problems;
}

/** Digests of an index's children (empty for an image manifest). */
export async function childrenOf(
  client: RegistryClient,
  repository: string,
  reference: string
): Promise<string[]> {
  const res = await client.getManifest(repository, reference);
  if (!res) throw new Error(`${repository}:${reference} unknown`);
  const m = parseManifest(res.bytes, res.mediaType);
  return isIndexType(m.mediaType) || m.kind === 'index' ? m.manifests.map(c => c.digest) : [];
}
