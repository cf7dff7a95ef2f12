/**
 * A counting front door for a real registry on loopback: every request is forwarded to the
 * registry as it came and recorded (method, path, query, status, request body bytes), so a test
 * can tell a blob mount from a blob upload. It can also answer in the registry's place: `down`
 * refuses writes (or everything) with 503, as a registry in an outage does; `immutable` answers a
 * manifest PUT that would move a matching tag to another digest as Docker Hub does for a repository
 * whose tags are immutable (403 DENIED), so the product's reading of that refusal is exercised.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Bytes of the request body that went to the registry. */
  bytesIn: number;
}

export interface CountingRegistry {
  /** `127.0.0.1:<port>`: use it as the registry host of image names. */
  host: string;
  requests: SeenRequest[];
  /** 'writes': POST/PUT/PATCH/DELETE answer 503; 'all': every request does; false: forward all. */
  down: false | 'writes' | 'all';
  /** Tags (regular expressions on the tag) a manifest PUT may not move, per repository path. */
  immutable: RegExp[];
  /** Blob upload bytes (PATCH/PUT to blobs/uploads/) seen so far. */
  uploadedBytes(): number;
  mounts(): SeenRequest[];
  close(): Promise<void>;
}

function collect(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function deny(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

/** The digest a tag points to now, through the registry itself (with the caller's authorization). */
function currentDigest(upstream: number, path: string, authorization?: string): Promise<string | undefined> {
  return new Promise(resolve => {
    const req = request(
      {
        host: '127.0.0.1',
        port: upstream,
        method: 'HEAD',
        path,
        headers: {
          accept:
            'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json',
          ...(authorization ? { authorization } : {})
        }
      },
      res => {
        res.resume();
        resolve(res.statusCode === 200 ? String(res.headers['docker-content-digest'] ?? '') : undefined);
      }
    );
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export async function startCountingRegistry(upstream: number): Promise<CountingRegistry> {
  const state: CountingRegistry = {
    host: '',
    requests: [],
    down: false,
    immutable: [],
    uploadedBytes: () =>
      state.requests
        .filter(r => /\/blobs\/uploads\//.test(r.path) && (r.method === 'PUT' || r.method === 'PATCH'))
        .reduce((sum, r) => sum + r.bytesIn, 0),
    mounts: () => state.requests.filter(r => r.method === 'POST' && /(^|&)mount=/.test(r.query)),
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.slice(1),
        status: 0,
        bytesIn: 0
      };
      state.requests.push(seen);
      const writes = !['GET', 'HEAD'].includes(seen.method);
      if (state.down === 'all' || (state.down === 'writes' && writes)) {
        seen.status = 503;
        return deny(res, 503, 'UNAVAILABLE', 'service unavailable');
      }
      const body = await collect(req);
      seen.bytesIn = body.length;
      const tagPut = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (seen.method === 'PUT' && tagPut && !tagPut[2].includes(':')) {
        const [, repository, tag] = tagPut;
        if (state.immutable.some(r => r.test(tag))) {
          const now = await currentDigest(upstream, url.pathname, req.headers.authorization);
          const next = `sha256:${createHash('sha256').update(body).digest('hex')}`;
          if (now && now !== next) {
            seen.status = 403;
            return deny(
              res,
              403,
              'DENIED',
              `The tag ${tag} in ${repository} is immutable and cannot be overwritten`
            );
          }
        }
      }
      const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
      const forward = request(
        { host: '127.0.0.1', port: upstream, method: seen.method, path: req.url, headers },
        up => {
          seen.status = up.statusCode ?? 0;
          const out = { ...up.headers };
          // Locations name the registry's own address: keep them on this front door.
          if (typeof out.location === 'string')
            out.location = out.location.replace(`127.0.0.1:${upstream}`, state.host);
          res.writeHead(up.statusCode ?? 502, out);
          up.pipe(res);
        }
      );
      forward.on('error', () => {
        if (!res.headersSent) deny(res, 502, 'UNAVAILABLE', 'upstream failed');
      });
      forward.end(body);
    })();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
