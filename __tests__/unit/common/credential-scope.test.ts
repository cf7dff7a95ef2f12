/**
 * Credentials go only to the host that asked for them: a registry (basic or bearer challenge) whose
 * upload `Location` and tag-list `Link` point to another host, and a REST API whose `Link` page and
 * redirect point to another host. The other host is a second loopback address, seen by its own server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createGitHub } from '../../../src/common/github.js';
import { pushBlob } from '../../../src/common/registry/blobs.js';
import { RegistryClient } from '../../../src/common/registry/client.js';

interface Seen {
  method: string;
  path: string;
  authorization: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

async function serve(host: string, handler: Handler): Promise<{ server: Server; url: string; seen: Seen[] }> {
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
  return { server, url: `http://${host}:${(server.address() as { port: number }).port}`, seen };
}

const USER = { username: 'mona', password: 'secret-password' };
const BASIC = `Basic ${Buffer.from('mona:secret-password').toString('base64')}`;
const TOKEN = 'registry-token';

let other: Awaited<ReturnType<typeof serve>>;
const servers: Server[] = [];

/** The other host: accepts uploads, serves a tag page and a REST page, with no auth of its own. */
beforeAll(async () => {
  other = await serve('127.0.0.2', (req, res) => {
    if (req.method === 'PUT') {
      res.writeHead(201, {
        'docker-content-digest': new URL(req.url!, 'http://x').searchParams.get('digest')!
      });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url!.startsWith('/v2/') ? '{"name":"o/app","tags":["b"]}' : '[{"id":2}]');
  });
  servers.push(other.server);
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise(resolve => s.close(resolve));
  }
});
beforeEach(() => (other.seen.length = 0));

/** A registry on 127.0.0.1 that hands out a Location and a Link on `elsewhere` (or on itself). */
async function registry(scheme: 'basic' | 'bearer', elsewhere: () => string) {
  const expected = scheme === 'basic' ? BASIC : `Bearer ${TOKEN}`;
  const self: { url: string } = { url: '' };
  const r = await serve('127.0.0.1', (req, res) => {
    if (req.url!.startsWith('/token')) {
      const ok = req.headers.authorization === BASIC;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return res.end(ok ? JSON.stringify({ token: TOKEN }) : '{}');
    }
    if (req.headers.authorization !== expected) {
      const challenge =
        scheme === 'basic' ? 'Basic realm="r"' : `Bearer realm="${self.url}/token",service="r"`;
      res.writeHead(401, { 'www-authenticate': challenge });
      return res.end();
    }
    if (req.method === 'HEAD') {
      res.writeHead(404);
      return res.end();
    }
    if (req.method === 'POST') {
      res.writeHead(202, { location: `${elsewhere()}/upload/1?state=x` });
      return res.end();
    }
    if (req.method === 'PUT') {
      res.writeHead(201);
      return res.end();
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      link: `<${elsewhere()}/v2/o/app/tags/list?n=1&last=a>; rel="next"`
    });
    res.end('{"name":"o/app","tags":["a"]}');
  });
  self.url = r.url;
  servers.push(r.server);
  return r;
}

describe.each(['basic', 'bearer'] as const)('a registry with a %s challenge', scheme => {
  test('an upload Location and a Link page on another host get no credentials', async () => {
    const own = await registry(scheme, () => other.url);
    const client = new RegistryClient({ registry: own.url, credentials: USER, retries: 0 });
    await pushBlob(client, 'o/app', Buffer.from('layer'));
    expect(await client.listTags('o/app', 1)).toEqual(['a', 'b']);
    expect(other.seen.map(s => [s.method, s.path.split('?')[0], s.authorization])).toEqual([
      ['PUT', '/upload/1', ''],
      ['GET', '/v2/o/app/tags/list', '']
    ]);
    // the registry itself was asked with credentials
    expect(own.seen.filter(s => s.method === 'POST').map(s => s.authorization)).toEqual([
      scheme === 'basic' ? BASIC : `Bearer ${TOKEN}`
    ]);
  });

  test('a Location on the registry itself keeps them', async () => {
    const own = await registry(scheme, () => own.url);
    const client = new RegistryClient({ registry: own.url, credentials: USER, retries: 0 });
    await pushBlob(client, 'o/app', Buffer.from('layer'));
    const put = own.seen.filter(s => s.method === 'PUT');
    expect(put.map(s => [s.path.split('?')[0], s.authorization])).toEqual([
      ['/upload/1', scheme === 'basic' ? BASIC : `Bearer ${TOKEN}`]
    ]);
  });
});

describe('the REST client', () => {
  test('a Link page and a redirect on another host get no token', async () => {
    const api = await serve('127.0.0.1', (req, res) => {
      if (req.url!.startsWith('/moved')) {
        res.writeHead(307, { location: `${other.url}/landed` });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json', link: `<${other.url}/page2>; rel="next"` });
      res.end('[{"id":1}]');
    });
    servers.push(api.server);
    const { octokit } = createGitHub({ token: 'ghs_secret', baseUrl: api.url });
    const items = await octokit.paginate('GET /orgs/{org}/packages', { org: 'o', package_type: 'container' });
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
    await octokit.request('GET /moved');
    expect(api.seen.map(s => s.authorization)).toEqual(['token ghs_secret', 'token ghs_secret']);
    expect(other.seen.map(s => [s.path, s.authorization])).toEqual([
      ['/page2', ''],
      ['/landed', '']
    ]);
  });
});
