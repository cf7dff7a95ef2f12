/**
 * Bounded reads: the Link parser, the page walk, the answer-size limit of both HTTP edges, and the
 * registry client against a hostile registry on loopback (endless `next`, a `Link` to itself, a
 * 100 MiB manifest), each a named error within bounded time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AnswerTooLarge, MiB, readAtMost } from '../../../src/common/answer-size.js';
import { httpGet } from '../../../src/common/http-get.js';
import { PageWalk, PaginationError, pageNumber, parseLinkHeader } from '../../../src/common/pages.js';
import { realmRefusal } from '../../../src/common/registry/auth.js';
import { RegistryClient } from '../../../src/common/registry/client.js';
import { keepAliveFetch } from '../../../src/common/transport.js';
import { linkPages } from '../../../src/prune/packages-api.js';
import { Readable } from 'node:stream';

describe('parseLinkHeader', () => {
  const api = 'https://api.github.com/orgs/o/packages/container/app/versions';
  test.each([
    [
      `<${api}?per_page=100&page=2>; rel="next", <${api}?per_page=100&page=7>; rel="last"`,
      { next: `${api}?per_page=100&page=2`, last: `${api}?per_page=100&page=7` }
    ],
    // a registry's relative next page, rel without quotes
    [
      '</v2/o/app/tags/list?n=2&last=b>; rel=next',
      { next: 'https://r.example/v2/o/app/tags/list?n=2&last=b' }
    ],
    // several relations in one, other parameters (with a quoted comma) around them
    [
      '<https://x.example/p3>; title="a, b"; rel="next last"',
      { next: 'https://x.example/p3', last: 'https://x.example/p3' }
    ],
    // the first target of a relation wins
    ['<https://x.example/1>; rel="next", <https://x.example/2>; rel="next"', { next: 'https://x.example/1' }],
    ['', {}],
    ['garbage; rel="next"', {}],
    ['<https://x.example/1>; rel="prev"', { prev: 'https://x.example/1' }]
  ])('%j', (header, expected) => {
    expect(Object.fromEntries(parseLinkHeader(header, 'https://r.example/v2/o/app/tags/list'))).toEqual(
      expected
    );
  });

  test('page numbers', () => {
    expect(pageNumber(`${api}?page=50000000`)).toBe(50_000_000);
    expect(pageNumber(`${api}?page=x`)).toBeUndefined();
    expect(pageNumber(undefined)).toBeUndefined();
    expect(linkPages(`<${api}?page=2>; rel="next", <${api}?page=9>; rel="last"`, api)).toEqual({
      next: 2,
      last: 9
    });
    expect(linkPages(`<${api}?cursor=abc>; rel="next"`, api)).toEqual({ next: 0 });
    expect(linkPages(undefined, api)).toEqual({});
  });
});

describe('PageWalk', () => {
  test('stops after its limit, names the endpoint', () => {
    const walk = new PageWalk('GET https://api.example/list', 3);
    for (const p of [1, 2, 3]) walk.visit(p);
    expect(() => walk.visit(4)).toThrow(
      new PaginationError(
        'GET https://api.example/list',
        'too many pages',
        'the Link header still names a next page after 3 pages, the most the step reads here'
      )
    );
  });

  test('never reads a page twice', () => {
    const walk = new PageWalk('GET https://api.example/list', 10);
    walk.visit('https://api.example/list?page=2');
    expect(() => walk.visit('https://api.example/list?page=2')).toThrow(
      'GET https://api.example/list: the Link header names https://api.example/list?page=2 as the next page, which was read already'
    );
    walk.visit(1);
    expect(() => walk.visit(1)).toThrow(/names page 1 as the next page, which was read already$/);
  });

  test('refuses a last page beyond the limit', () => {
    const walk = new PageWalk('GET https://api.example/list', 1000);
    expect(() => walk.checkLast(1000)).not.toThrow();
    expect(() => walk.checkLast(undefined)).not.toThrow();
    let error: unknown;
    try {
      walk.checkLast(50_000_000);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).problem).toBe('last beyond limit');
    expect((error as Error).message).toBe(
      'GET https://api.example/list: the Link header names page 50000000 as the last one, beyond the 1000 pages the step reads here'
    );
  });
});

describe('readAtMost', () => {
  test('reads up to the limit, refuses one byte more', async () => {
    const chunks = () => Readable.from([Buffer.alloc(3), Buffer.alloc(3)]);
    expect((await readAtMost(chunks(), 6, 'GET x')).length).toBe(6);
    await expect(readAtMost(chunks(), 5, 'GET x')).rejects.toThrow(new AnswerTooLarge('GET x', 5));
  });

  test('a declared length over the limit is refused before reading', async () => {
    const stream = Readable.from([Buffer.alloc(1)]);
    await expect(readAtMost(stream, 4 * MiB, 'GET y', String(100 * MiB))).rejects.toThrow(
      'GET y: the answer is larger than 4 MiB, more than the step reads'
    );
    expect(stream.destroyed).toBe(true);
  });
});

describe('realmRefusal', () => {
  const registry = 'https://registry.example';
  test.each([
    ['https://auth.example/token', ''],
    ['https://registry.example/token', ''],
    ['http://127.0.0.1:5000/token', ''],
    ['http://localhost:5000/token', ''],
    [
      'http://auth.example/token',
      'is on another host over plain HTTP: the registry credentials are not sent there'
    ],
    [
      'http://registry.example/token',
      'is on another host over plain HTTP: the registry credentials are not sent there'
    ],
    ['ftp://auth.example/token', 'is not an HTTP(S) address']
  ])('%s', (realm, refusal) => expect(realmRefusal(new URL(realm), registry)).toBe(refusal));

  test('a plain-HTTP registry may keep its own realm', () => {
    expect(realmRefusal(new URL('http://registry.example:8080/token'), 'http://registry.example:8080')).toBe(
      ''
    );
  });
});

/** A hostile registry and API on loopback: what it sends is chosen per path. */
let server: Server;
let base = '';
const requests: string[] = [];
const BIG = 100 * MiB;

function hostile(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, base);
  requests.push(`${req.method} ${url.pathname}${url.search}`);
  const json = { 'content-type': 'application/json' };
  if (url.pathname === '/v2/') return void res.writeHead(200).end();
  if (url.pathname === '/v2/endless/tags/list') {
    const n = Number(url.searchParams.get('last') ?? 0) + 1;
    res.writeHead(200, { ...json, link: `</v2/endless/tags/list?n=1&last=${n}>; rel="next"` });
    return void res.end(JSON.stringify({ name: 'endless', tags: [`t${n}`] }));
  }
  if (url.pathname === '/v2/itself/tags/list') {
    res.writeHead(200, { ...json, link: `<${base}/v2/itself/tags/list?n=1000>; rel="next"` });
    return void res.end(JSON.stringify({ name: 'itself', tags: ['a'] }));
  }
  if (url.pathname.startsWith('/v2/big/') || url.pathname === '/big') {
    // 100 MiB, streamed without a length, as a broken or hostile server might
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
    let sent = 0;
    const more = () => {
      while (sent < BIG) {
        sent += MiB;
        if (!res.write(Buffer.alloc(MiB, 0x20))) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => (sent = BIG));
    return more();
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(hostile);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});
beforeEach(() => (requests.length = 0));

describe('a hostile registry', () => {
  const client = () => new RegistryClient({ registry: base, retries: 0 });

  test('an endless next: a named error after the page limit', async () => {
    const started = performance.now();
    const err = await client()
      .listTags('endless', 1, 50)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PaginationError);
    expect((err as Error).message).toBe(
      `GET ${base}/v2/endless/tags/list: the Link header still names a next page after 50 pages, the most the step reads here`
    );
    expect(requests.filter(r => r.includes('tags/list'))).toHaveLength(50);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('a Link to itself: refused the second time', async () => {
    const err = await client()
      .listTags('itself')
      .catch((e: unknown) => e);
    expect((err as PaginationError).problem).toBe('page again');
    expect((err as Error).message).toBe(
      `GET ${base}/v2/itself/tags/list: the Link header names ${base}/v2/itself/tags/list?n=1000 as the next page, which was read already`
    );
    expect(requests.filter(r => r.includes('tags/list'))).toEqual(['GET /v2/itself/tags/list?n=1000']);
  });

  test('a 100 MiB manifest: refused at 4 MiB, not retried', async () => {
    const started = performance.now();
    const err = await client()
      .getManifest('big', 'latest')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnswerTooLarge);
    expect((err as Error).message).toBe(
      `GET ${base}/v2/big/manifests/latest: the answer is larger than 4 MiB, more than the step reads`
    );
    expect(requests.filter(r => r.startsWith('GET /v2/big'))).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('a 100 MiB answer to the other HTTP edges: refused at their limit', async () => {
    await expect(keepAliveFetch(1)(`${base}/big`)).rejects.toThrow(
      new AnswerTooLarge(`GET ${base}/big`, 16 * MiB)
    );
    await expect(httpGet(`${base}/big`, {}, 10_000, MiB)).rejects.toThrow(
      `GET ${base}/big: the answer is larger than 1 MiB, more than the step reads`
    );
  });
});
