/**
 * What the stand-in's Packages API reads versions from. `RegistryStore` walks a real distribution
 * registry's storage folder (every manifest revision, every tag) and changes it only through the
 * registry's own HTTP API, with a token the stand-in signs for itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SigningKeys } from './keys.js';
import { signToken } from './tokens.js';

export interface StoredManifest {
  digest: string;
  tags: string[];
  created: Date;
}

export interface ManifestStore {
  repositories(): Promise<string[]>;
  manifests(repository: string): Promise<StoredManifest[]>;
  /** How many manifests a repository holds. */
  count(repository: string): Promise<number>;
  /** The tags that point at a digest. */
  tagsOf(repository: string, digest: string): Promise<string[]>;
  read(repository: string, digest: string): Promise<{ bytes: Buffer; mediaType: string } | undefined>;
  /** Deletes a manifest by digest; its tags go with it. */
  remove(repository: string, digest: string): Promise<void>;
  put(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<void>;
}

export function mediaTypeOf(bytes: Buffer): string {
  const doc = JSON.parse(bytes.toString()) as { mediaType?: string; manifests?: unknown };
  if (doc.mediaType) return doc.mediaType;
  return doc.manifests
    ? 'application/vnd.oci.image.index.v1+json'
    : 'application/vnd.oci.image.manifest.v1+json';
}

export class RegistryStore implements ManifestStore {
  private readonly base: string;

  constructor(
    root: string,
    private readonly registryUrl: string,
    private readonly keys: SigningKeys
  ) {
    this.base = join(root, 'docker/registry/v2');
  }

  async repositories(): Promise<string[]> {
    const top = join(this.base, 'repositories');
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      const entries = readdirSync(dir, { withFileTypes: true });
      if (entries.some(e => e.name === '_manifests')) found.push(relative(top, dir));
      for (const e of entries) if (e.isDirectory() && !e.name.startsWith('_')) walk(join(dir, e.name));
    };
    walk(top);
    return found.sort();
  }

  async manifests(repository: string): Promise<StoredManifest[]> {
    const dir = join(this.base, 'repositories', repository, '_manifests');
    const tags = new Map<string, string[]>();
    const tagDir = join(dir, 'tags');
    for (const tag of existsSync(tagDir) ? readdirSync(tagDir) : []) {
      const link = join(tagDir, tag, 'current/link');
      if (!existsSync(link)) continue;
      const digest = readFileSync(link, 'utf8').trim();
      tags.set(digest, [...(tags.get(digest) ?? []), tag]);
    }
    const revisions = join(dir, 'revisions/sha256');
    const out: StoredManifest[] = [];
    for (const hex of existsSync(revisions) ? readdirSync(revisions) : []) {
      const link = join(revisions, hex, 'link');
      if (!existsSync(link)) continue;
      const digest = `sha256:${hex}`;
      out.push({ digest, tags: (tags.get(digest) ?? []).sort(), created: statSync(link).mtime });
    }
    return out;
  }

  async count(repository: string): Promise<number> {
    return (await this.manifests(repository)).length;
  }

  async tagsOf(repository: string, digest: string): Promise<string[]> {
    return (await this.manifests(repository)).find(m => m.digest === digest)?.tags ?? [];
  }

  async read(repository: string, digest: string): Promise<{ bytes: Buffer; mediaType: string } | undefined> {
    const hex = digest.replace(/^sha256:/, '');
    if (!existsSync(join(this.base, 'repositories', repository, '_manifests/revisions/sha256', hex, 'link')))
      return undefined;
    const data = join(this.base, 'blobs/sha256', hex.slice(0, 2), hex, 'data');
    if (!existsSync(data)) return undefined;
    const bytes = readFileSync(data);
    return { bytes, mediaType: mediaTypeOf(bytes) };
  }

  private headers(repository: string): Record<string, string> {
    const token = signToken(this.keys, 'stand-in', [
      { type: 'repository', name: repository, actions: ['*'] }
    ]);
    return { authorization: `Bearer ${token}` };
  }

  async remove(repository: string, digest: string): Promise<void> {
    const res = await fetch(`${this.registryUrl}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: this.headers(repository)
    });
    if (res.status !== 202 && res.status !== 404)
      throw new Error(`registry DELETE ${digest}: ${res.status} ${await res.text()}`);
  }

  async put(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const res = await fetch(`${this.registryUrl}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { ...this.headers(repository), 'content-type': mediaType },
      body: bytes
    });
    if (res.status !== 201) throw new Error(`registry PUT ${reference}: ${res.status} ${await res.text()}`);
  }
}
