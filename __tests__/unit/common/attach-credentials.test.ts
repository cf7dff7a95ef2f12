/**
 * Attaching an artifact (the Sigstore bundle's path): blob uploads whose `Location` points at another
 * loopback host get no credentials and no token (that host records what it got), the artifact
 * manifest has the layout cosign and `gh attestation verify` read, and a registry without the
 * referrers API gets the subject's referrers index under the `sha256-<hex>` tag.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RegistryClient } from '../../../src/common/registry/client.js';
import { MediaType, sha256Digest } from '../../../src/common/registry/media.js';
import { attachArtifact, referrersTag } from '../../../src/common/registry/referrers.js';

interface Seen {
  method: string;
  path: string;
  authorization: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: Server[] = [];

async function serve(host: string, handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization ?? '' });
      handler(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>(resolve => server.listen(0, host, resolve));
  servers.push(server);
  return { url: `http://${host}:${(server.address() as { port: number }).port}`, seen };
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise(resolve => s.close(resolve));
  }
});

const BASIC = `Basic ${Buffer.from('mona:secret-password').toString('base64')}`;
const TOKEN = 'registry-token';
const SUBJECT = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] })
);
const SUBJECT_DIGEST = sha256Digest(SUBJECT);
const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/**
 * A registry with a bearer challenge that keeps manifests and blobs in memory; its uploads go to
 * `uploads` (another host, or itself), which stores what it is sent.
 */
async function registry(uploads: () => string, blobs: Map<string, Buffer>, referrersApi: boolean) {
  const manifests = new Map<string, { type: string; bytes: Buffer }>([
    [SUBJECT_DIGEST, { type: MediaType.ociIndex, bytes: SUBJECT }]
  ]);
  const self = { url: '' };
  const r = await serve('127.0.0.1', (req, res, body) => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (path === '/token') {
      const ok = req.headers.authorization === BASIC;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return res.end(ok ? JSON.stringify({ token: TOKEN }) : '{}');
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${self.url}/token",service="r"` });
      return res.end();
    }
    if (path === '/upload/1' && req.method === 'PUT') {
      blobs.set(new URL(req.url!, 'http://x').searchParams.get('digest')!, body);
      return res.writeHead(201).end();
    }
    const blob = /^\/v2\/o\/app\/blobs\/(sha256:\w+)$/.exec(path);
    if (blob) return res.writeHead(blobs.has(blob[1]) ? 200 : 404).end();
    if (path === '/v2/o/app/blobs/uploads/' && req.method === 'POST') {
      return res.writeHead(202, { location: `${uploads()}/upload/1?state=x` }).end();
    }
    const m = /^\/v2\/o\/app\/manifests\/(.+)$/.exec(path);
    if (m && req.method === 'PUT') {
      manifests.set(m[1], { type: req.headers['content-type']!, bytes: body });
      const subject = (JSON.parse(body.toString()) as { subject?: { digest: string } }).subject;
      return res.writeHead(201, subject && referrersApi ? { 'oci-subject': subject.digest } : {}).end();
    }
    if (m) {
      const found = manifests.get(m[1]);
      if (!found) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': found.type, 'docker-content-digest': sha256Digest(found.bytes) });
      return res.end(req.method === 'HEAD' ? undefined : found.bytes);
    }
    if (path.startsWith('/v2/o/app/referrers/') && referrersApi) {
      res.writeHead(200, { 'content-type': MediaType.ociIndex });
      return res.end(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }));
    }
    res.writeHead(404).end();
  });
  self.url = r.url;
  return { ...r, manifests };
}

/** Another host that accepts uploads and keeps them. */
async function uploadHost(blobs: Map<string, Buffer>) {
  return serve('127.0.0.2', (req, res, body) => {
    const digest = new URL(req.url!, 'http://x').searchParams.get('digest')!;
    blobs.set(digest, body);
    res.writeHead(201, { 'docker-content-digest': digest }).end();
  });
}

test('an upload Location on another host gets no Authorization', async () => {
  const blobs = new Map<string, Buffer>();
  const other = await uploadHost(blobs);
  const own = await registry(() => other.url, blobs, false);
  const client = new RegistryClient({
    registry: own.url,
    credentials: { username: 'mona', password: 'secret-password' },
    retries: 0
  });
  const bundle = Buffer.from('{"bundle":true}');
  const attached = await attachArtifact(client, {
    repository: 'o/app',
    subject: SUBJECT_DIGEST,
    bytes: bundle,
    artifactType: BUNDLE_TYPE,
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
    created: new Date('2026-01-02T03:04:05Z')
  });
  // the other host got both blobs, and never an Authorization header
  expect(other.seen.map(s => [s.method, s.path.split('?')[0], s.authorization])).toEqual([
    ['PUT', '/upload/1', ''],
    ['PUT', '/upload/1', '']
  ]);
  expect([...blobs.keys()].sort()).toEqual([sha256Digest(bundle), sha256Digest('{}')].sort());
  // the registry itself was asked with the token only; the password went to its own realm
  expect(new Set(own.seen.filter(s => s.path !== '/v2/').map(s => s.authorization))).toEqual(
    new Set([BASIC, `Bearer ${TOKEN}`])
  );
  // (a token for pull, one for push)
  expect(own.seen.filter(s => s.authorization === BASIC).map(s => s.path.split('?')[0])).toEqual([
    '/token',
    '/token'
  ]);

  // the artifact manifest, as cosign and gh attestation verify read it
  const manifest = JSON.parse(own.manifests.get(attached.manifest.digest)!.bytes.toString()) as unknown;
  expect(manifest).toEqual({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: BUNDLE_TYPE,
    config: { mediaType: MediaType.ociEmpty, digest: sha256Digest('{}'), size: 2 },
    layers: [{ mediaType: BUNDLE_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
    subject: { mediaType: MediaType.ociIndex, digest: SUBJECT_DIGEST, size: SUBJECT.length },
    annotations: {
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'dev.sigstore.bundle.content': 'dsse-envelope'
    }
  });
  // no referrers API: the referrers index under the tag lists it, with its artifact type
  expect(attached.referrersTag).toBe(true);
  const index = own.manifests.get(referrersTag(SUBJECT_DIGEST))!;
  expect(index.type).toBe(MediaType.ociIndex);
  expect(JSON.parse(index.bytes.toString())).toEqual({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      {
        ...attached.manifest,
        artifactType: BUNDLE_TYPE,
        annotations: (manifest as { annotations: Record<string, string> }).annotations
      }
    ]
  });

  // attached again: the index lists it once
  await attachArtifact(client, {
    repository: 'o/app',
    subject: SUBJECT_DIGEST,
    bytes: bundle,
    artifactType: BUNDLE_TYPE,
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
    created: new Date('2026-01-02T03:04:05Z')
  });
  expect(
    (JSON.parse(own.manifests.get(referrersTag(SUBJECT_DIGEST))!.bytes.toString()) as { manifests: [] })
      .manifests
  ).toHaveLength(1);
});

test('a registry with the referrers API gets no referrers tag', async () => {
  const blobs = new Map<string, Buffer>();
  const own = await registry(() => own.url, blobs, true);
  const client = new RegistryClient({
    registry: own.url,
    credentials: { username: 'mona', password: 'secret-password' },
    retries: 0
  });
  const attached = await attachArtifact(client, {
    repository: 'o/app',
    subject: SUBJECT_DIGEST,
    bytes: Buffer.from('b'),
    artifactType: BUNDLE_TYPE
  });
  expect(attached.referrersTag).toBe(false);
  expect(own.manifests.has(referrersTag(SUBJECT_DIGEST))).toBe(false);
  // uploads to the registry itself keep the token
  expect(
    own.seen.filter(s => s.method === 'PUT' && s.path.startsWith('/upload')).map(s => s.authorization)
  ).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
});

test('a subject the registry does not have: a named error, nothing uploaded', async () => {
  const blobs = new Map<string, Buffer>();
  const own = await registry(() => own.url, blobs, false);
  const client = new RegistryClient({
    registry: own.url,
    credentials: { username: 'mona', password: 'secret-password' },
    retries: 0
  });
  const missing = sha256Digest('missing');
  await expect(
    attachArtifact(client, {
      repository: 'o/app',
      subject: missing,
      bytes: Buffer.from('b'),
      artifactType: BUNDLE_TYPE
    })
  ).rejects.toThrow(`GET o/app@${missing}: the image is not in the registry`);
  expect(blobs.size).toBe(0);
});
