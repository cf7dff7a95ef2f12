/**
 * Reads (and tidies) a distribution registry over its HTTP API with basic auth, as the end-to-end
 * tests need: manifests and indexes with their digests, config blobs, tags, files inside layers.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
};
const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  mediaType: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Fetched {
  /** Docker-Content-Digest, checked against the body. */
  digest: string;
  mediaType: string;
  body: Manifest;
}

export class RegistryClient {
  private readonly auth: string;

  constructor(
    readonly base: string,
    user: string,
    password: string
  ) {
    this.auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = { authorization: this.auth, accept: ACCEPT, ...(init.headers as Record<string, string>) };
    return fetch(`${this.base}/v2/${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) });
  }

  /** A manifest or index by tag or digest; undefined when the registry does not have it. */
  async manifest(repo: string, ref: string): Promise<Fetched | undefined> {
    const res = await this.request(`${repo}/manifests/${ref}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET ${repo}/manifests/${ref}: ${res.status} ${await res.text()}`);
    const raw = Buffer.from(await res.arrayBuffer());
    const digest = res.headers.get('docker-content-digest') ?? '';
    const computed = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    if (digest !== computed)
      throw new Error(`${repo}:${ref}: digest header ${digest} but body hashes to ${computed}`);
    return {
      digest,
      mediaType: res.headers.get('content-type') ?? '',
      body: JSON.parse(raw.toString('utf8')) as Manifest
    };
  }

  async blob(repo: string, digest: string): Promise<Buffer> {
    const res = await this.request(`${repo}/blobs/${digest}`);
    if (!res.ok) throw new Error(`GET ${repo}/blobs/${digest}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async json<T>(repo: string, digest: string): Promise<T> {
    return JSON.parse((await this.blob(repo, digest)).toString('utf8')) as T;
  }

  /** Tags of a repository; [] when the repository does not exist. */
  async tags(repo: string): Promise<string[]> {
    const res = await this.request(`${repo}/tags/list`);
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`GET ${repo}/tags/list: ${res.status}`);
    return ((await res.json()) as { tags: string[] | null }).tags ?? [];
  }

  /** Deletes a manifest by digest (the registry must allow deletes); quiet when it is gone already. */
  async delete(repo: string, digest: string): Promise<void> {
    const res = await this.request(`${repo}/manifests/${digest}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${repo}/manifests/${digest}: ${res.status}`);
  }

  /** Deletes every tagged manifest of a repository. */
  async deleteRepository(repo: string): Promise<void> {
    for (const tag of await this.tags(repo)) {
      const m = await this.manifest(repo, tag);
      if (m) await this.delete(repo, m.digest);
    }
  }
}

/** A regular file's content from a (gzipped) tar layer; undefined when the layer lacks it. */
export function fileFromLayer(layer: Buffer, path: string): string | undefined {
  const tar = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer) : layer;
  const wanted = path.replace(/^\/+/, '');
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every(b => b === 0)) break;
    const text = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = text(345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(0, 100);
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1) || '0';
    if (name.replace(/^\.?\/+/, '') === wanted && type === '0') {
      return tar.subarray(at + 512, at + 512 + size).toString('utf8');
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
