/**
 * An in-memory OCI registry: a `ManifestStore` and the distribution API over it (manifests, tags,
 * blob upload), with bearer-token auth from the stand-in's token service. For the benchmark and for
 * unit tests of the registry client; the end-to-end tests use the real registry.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKeys } from './keys.js';
import { mediaTypeOf, type ManifestStore, type StoredManifest } from './store.js';
import { readToken, SERVICE } from './tokens.js';

interface Repo {
  manifests: Map<string, { bytes: Buffer; mediaType: string; created: Date }>;
  tags: Map<string, string>;
}

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export class MemoryStore implements ManifestStore {
  readonly repos = new Map<string, Repo>();
  readonly blobs = new Map<string, Buffer>();

  repo(name: string): Repo {
    let repo = this.repos.get(name);
    if (!repo) {
      repo = { manifests: new Map(), tags: new Map() };
      this.repos.set(name, repo);
    }
    return repo;
  }

  /** Adds a manifest (and optionally tags) as if pushed at `created`; returns its digest. */
  add(repository: string, doc: object | Buffer, tags: string[] = [], created = new Date()): string {
    const bytes = Buffer.isBuffer(doc) ? doc : Buffer.from(JSON.stringify(doc));
    const digest = digestOf(bytes);
    const repo = this.repo(repository);
    if (!repo.manifests.has(digest))
      repo.manifests.set(digest, { bytes, mediaType: mediaTypeOf(bytes), created });
    for (const tag of tags) repo.tags.set(tag, digest);
    return digest;
  }

  async repositories(): Promise<string[]> {
    return [...this.repos.keys()].filter(r => this.repos.get(r)!.manifests.size > 0).sort();
  }

  async manifests(repository: string): Promise<StoredManifest[]> {
    const repo = this.repos.get(repository);
    if (!repo) return [];
    const tags = new Map<string, string[]>();
    for (const [tag, digest] of repo.tags) tags.set(digest, [...(tags.get(digest) ?? []), tag]);
    return [...repo.manifests].map(([digest, m]) => ({
      digest,
      tags: (tags.get(digest) ?? []).sort(),
      created: m.created
    }));
  }

  async tagsOf(repository: string, digest: string): Promise<string[]> {
    return [...(this.repos.get(repository)?.tags ?? [])].filter(([, d]) => d === digest).map(([t]) => t);
  }

  async count(repository: string): Promise<number> {
    return this.repos.get(repository)?.manifests.size ?? 0;
  }

  async read(repository: string, digest: string) {
    const m = this.repos.get(repository)?.manifests.get(digest);
    return m ? { bytes: m.bytes, mediaType: m.mediaType } : undefined;
  }

  async remove(repository: string, digest: string): Promise<void> {
    const repo = this.repos.get(repository);
    if (!repo) return;
    repo.manifests.delete(digest);
    for (const [tag, d] of repo.tags) if (d === digest) repo.tags.delete(tag);
  }

  async put(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
    const digest = digestOf(bytes);
    const repo = this.repo(repository);
    if (!repo.manifests.has(digest)) repo.manifests.set(digest, { bytes, mediaType, created: new Date() });
    if (!reference.startsWith('sha256:')) repo.tags.set(reference, digest);
  }
}

function actionOf(method: string): string {
  if (method === 'GET' || method === 'HEAD') return 'pull';
  return method === 'DELETE' ? 'delete' : 'push';
}

function send(res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'docker-distribution-api-version': 'registry/2.0',
    ...headers
  });
  res.end(text);
}

const error = (code: string, message: string) => ({ errors: [{ code, message }] });

/** The distribution API over a MemoryStore. */
export function memoryRegistryHandler(store: MemoryStore, keys: SigningKeys, realm: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const name = [
      /^\/v2\/(.+)\/manifests\/[^/]+$/,
      /^\/v2\/(.+)\/tags\/list$/,
      /^\/v2\/(.+)\/blobs\/uploads\/[^/]*$/,
      /^\/v2\/(.+)\/blobs\/[^/]+$/
    ]
      .map(re => re.exec(url.pathname)?.[1])
      .find(Boolean);
    const need = actionOf(method);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const access = token ? readToken(keys, token) : undefined;
    const allowed =
      access !== undefined &&
      (name === undefined ||
        access.some(
          a =>
            a.name === name &&
            (a.actions.includes(need) ||
              a.actions.includes('*') ||
              (need === 'pull' && a.actions.includes('push')))
        ));
    if (!allowed) {
      const scope = name ? `,scope="repository:${name}:${need === 'push' ? 'pull,push' : need}"` : '';
      send(res, 401, error('UNAUTHORIZED', 'authentication required'), {
        'www-authenticate': `Bearer realm="${realm()}",service="${SERVICE}"${scope}`
      });
      return;
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(res, 200, {});
    const repo = name ? store.repos.get(name) : undefined;

    const manifest = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest && name) {
      const ref = decodeURIComponent(manifest[1]);
      if (method === 'PUT') {
        const doc = JSON.parse(body.toString()) as { manifests?: { digest: string }[] };
        const missing = (doc.manifests ?? []).find(m => !repo?.manifests.has(m.digest));
        if (missing)
          return send(
            res,
            400,
            error('MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missing.digest}`)
          );
        await store.put(name, ref, body, req.headers['content-type'] ?? mediaTypeOf(body));
        return send(res, 201, undefined, { 'docker-content-digest': digestOf(body), location: url.pathname });
      }
      const digest = ref.startsWith('sha256:') ? ref : repo?.tags.get(ref);
      const found = digest ? repo?.manifests.get(digest) : undefined;
      if (!found || !digest) return send(res, 404, error('MANIFEST_UNKNOWN', 'manifest unknown'));
      if (method === 'DELETE') {
        await store.remove(name, digest);
        return send(res, 202);
      }
      res.writeHead(200, {
        'content-type': found.mediaType,
        'content-length': String(found.bytes.length),
        'docker-content-digest': digest
      });
      res.end(method === 'HEAD' ? undefined : found.bytes);
      return;
    }

    if (/\/tags\/list$/.test(url.pathname) && name) {
      if (!repo) return send(res, 404, error('NAME_UNKNOWN', 'repository name not known to registry'));
      const all = [...repo.tags.keys()].sort();
      const last = url.searchParams.get('last');
      const n = Number(url.searchParams.get('n') ?? all.length) || all.length;
      const from = last ? all.findIndex(t => t > last) : 0;
      const page = from < 0 ? [] : all.slice(from, from + n);
      const more = from >= 0 && from + n < all.length;
      const link: Record<string, string> = more
        ? { link: `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page.at(-1)!)}>; rel="next"` }
        : {};
      return send(res, 200, { name, tags: page }, link);
    }

    const blob = /^\/v2\/.+\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname);
    if (blob) {
      const data = store.blobs.get(blob[1]);
      if (!data) return send(res, 404, error('BLOB_UNKNOWN', 'blob unknown to registry'));
      res.writeHead(200, { 'content-length': String(data.length), 'docker-content-digest': blob[1] });
      res.end(method === 'HEAD' ? undefined : data);
      return;
    }
    if (method === 'POST' && /\/blobs\/uploads\/?$/.test(url.pathname)) {
      return send(res, 202, undefined, { location: `/v2/${name}/blobs/uploads/${randomUUID()}` });
    }
    if (method === 'PUT' && /\/blobs\/uploads\/[^/]+$/.test(url.pathname)) {
      const digest = url.searchParams.get('digest') ?? '';
      if (digest !== digestOf(body))
        return send(res, 400, error('DIGEST_INVALID', 'provided digest did not match'));
      store.blobs.set(digest, body);
      return send(res, 201, undefined, {
        'docker-content-digest': digest,
        location: `/v2/${name}/blobs/${digest}`
      });
    }
    send(res, 404, error('UNSUPPORTED', `${method} ${url.pathname}`));
  };
}
