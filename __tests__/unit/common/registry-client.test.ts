import { createServer, type Server } from 'node:http';
import { pushBlob } from '../../../src/common/registry/blobs.js';
import { parseChallenges } from '../../../src/common/registry/challenge.js';
import { RegistryClient } from '../../../src/common/registry/client.js';
import { mapLimit } from '../../../src/common/registry/limit.js';
import { MediaType, parseManifest, sha256Digest } from '../../../src/common/registry/media.js';
import { startGhcr, type Ghcr } from '../../support/ghcr/index.js';

describe('parseChallenges', () => {
  test.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/a:pull"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/a:pull' }
        }
      ]
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="a", Bearer realm="https://t",error="insufficient_scope"',
      [
        { scheme: 'basic', params: { realm: 'a' } },
        { scheme: 'bearer', params: { realm: 'https://t', error: 'insufficient_scope' } }
      ]
    ],
    [
      'Bearer realm=token,Service="x\\"y"',
      [{ scheme: 'bearer', params: { realm: 'token', service: 'x"y' } }]
    ],
    ['', []]
  ])('%j', (header, expected) => expect(parseChallenges(header)).toEqual(expected));
});

describe('parseManifest', () => {
  test('an index lists its children and subject', () => {
    const child = sha256Digest('child');
    const subject = sha256Digest('subject');
    const m = parseManifest(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [{ mediaType: MediaType.ociManifest, digest: child, size: 1 }],
        subject: { mediaType: MediaType.ociManifest, digest: subject, size: 2 }
      })
    );
    expect([m.kind, m.manifests.map(c => c.digest), m.subject?.digest]).toEqual(['index', [child], subject]);
  });
  test.each([
    ['not json', 'manifest is not JSON'],
    ['[]', 'manifest is not a JSON object'],
    ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}', 'without manifests'],
    ['{"manifests":[{"digest":"sha256:xyz"}]}', 'invalid descriptor in manifests[0]'],
    ['{"schemaVersion":2}', 'unsupported manifest (media type "none")']
  ])('%j is refused', (text, message) => expect(() => parseManifest(text)).toThrow(message));
});

describe('RegistryClient against the in-memory stand-in', () => {
  let ghcr: Ghcr;
  let client: RegistryClient;
  const repo = 'octo-org/app';
  const image = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociEmpty, digest: sha256Digest('{}'), size: 2 },
    layers: []
  };
  let digest: string;

  beforeAll(async () => {
    ghcr = await startGhcr({ backend: 'memory', validate: false });
    digest = ghcr.memory!.add(repo, image, ['a', 'b', 'c', 'd', 'e']);
  }, 30_000);
  afterAll(() => ghcr.close());
  beforeEach(() => {
    client = new RegistryClient({
      registry: ghcr.registry,
      credentials: { username: 'x', password: ghcr.token },
      retryDelayMs: 1
    });
    ghcr.resetStats();
  });

  test('one token per scope, fetched before the first request', async () => {
    const reads = await mapLimit(['a', 'b', 'c', digest], 4, ref => client.headManifest(repo, ref));
    await client.getManifest(repo, digest);
    expect(reads.map(r => r?.digest)).toEqual([digest, digest, digest, digest]);
    expect([client.tokenRequests, ghcr.tokenRequests()]).toEqual([1, 1]);
    expect(client.requests).toBe(6);
  });

  test('manifests by tag and digest, with the content checked against the digest', async () => {
    const res = await client.getManifest(repo, 'a');
    expect(res?.digest).toBe(digest);
    expect(JSON.parse(res!.bytes.toString())).toEqual(image);
    expect(await client.getManifest(repo, sha256Digest('nothing'))).toBeUndefined();
    expect(await client.headManifest(repo, 'missing')).toBeUndefined();
  });

  test('tag lists follow Link pages', async () => {
    expect(await client.listTags(repo, 2)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ghcr.registryStats.byMethod.GET).toBe(1 + 3);
    expect(await client.listTags('octo-org/none')).toEqual([]);
  });

  test('push a blob and a manifest, then delete it', async () => {
    const other = 'octo-org/pushed';
    const doc = Buffer.from(JSON.stringify({ ...image, annotations: { n: '1' } }));
    await pushBlob(client, other, Buffer.from('{}'));
    const pushed = await client.putManifest(other, 'v1', doc, MediaType.ociManifest);
    expect(pushed).toBe(sha256Digest(doc));
    expect(await client.deleteManifest(other, pushed)).toBe(true);
    expect(await client.deleteManifest(other, pushed)).toBe(false);
    expect(await client.listTags(other)).toEqual([]);
  });

  test('transient failures are retried, lasting ones reported with the registry error', async () => {
    ghcr.faults.registry.push({ method: 'GET', path: /manifests\/a$/, status: 500, times: 2 });
    expect((await client.getManifest(repo, 'a'))?.digest).toBe(digest);
    ghcr.faults.registry.push({
      method: 'GET',
      path: /manifests\/b$/,
      status: 503,
      times: 4,
      body: { errors: [{ code: 'UNAVAILABLE', message: 'try later' }] }
    });
    await expect(client.getManifest(repo, 'b')).rejects.toThrow(`GET ${repo}:b: 503 UNAVAILABLE: try later`);
  });

  test('concurrency is bounded', async () => {
    const narrow = new RegistryClient({
      registry: ghcr.registry,
      credentials: { username: 'x', password: ghcr.token },
      concurrency: 2
    });
    await narrow.headManifest(repo, 'a');
    ghcr.faults.latencyMs = 100;
    try {
      const started = Date.now();
      await Promise.all(['a', 'b', 'c', 'd', 'e', 'a'].map(t => narrow.headManifest(repo, t)));
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      ghcr.faults.latencyMs = 0;
    }
  });

  test('a wrong password is an error naming the token endpoint', async () => {
    const wrong = new RegistryClient({
      registry: ghcr.registry,
      credentials: { username: 'x', password: 'nope' }
    });
    await expect(wrong.getManifest(repo, 'a')).rejects.toThrow(
      /token request to http:\/\/127\.0\.0\.1:\d+\/token failed: 401/
    );
  });
});

describe('RegistryClient with Basic auth', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? 'none');
      if (req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' });
        return res.end();
      }
      res.writeHead(200, {
        'content-type': MediaType.ociManifest,
        'docker-content-digest': sha256Digest('x')
      });
      res.end(req.method === 'HEAD' ? undefined : '{}');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  test('answers a Basic challenge with the credentials, from then on up front', async () => {
    const client = new RegistryClient({
      registry: `127.0.0.1:${port}`,
      credentials: { username: 'u', password: 'p' }
    });
    await client.headManifest('a/b', 'x');
    await client.headManifest('a/b', 'y');
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    expect(seen).toEqual(['none', basic, basic]);
  });
});
