import { createServer, type Server } from 'node:http';
import { keepAliveFetch } from '../../../src/common/transport.js';

let a: Server;
let b: Server;
let urlA = '';
let urlB = '';
let connections = 0;
const seen: { server: string; method: string; path: string; auth: string }[] = [];

function serve(name: string): Server {
  return createServer((req, res) => {
    seen.push({ server: name, method: req.method!, path: req.url!, auth: req.headers.authorization ?? '' });
    if (req.url === '/hop') {
      res.writeHead(307, { location: `${urlB}/landed` });
      return res.end();
    }
    if (req.url === '/empty') {
      res.writeHead(204);
      return res.end();
    }
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const text = `${req.method} ${body}`;
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': text.length,
        'x-multi': ['1', '2']
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    });
  });
}

beforeAll(async () => {
  a = serve('a');
  b = serve('b');
  a.on('connection', () => connections++);
  for (const s of [a, b]) await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve));
  urlA = `http://127.0.0.1:${(a.address() as { port: number }).port}`;
  urlB = `http://localhost:${(b.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const s of [a, b]) {
    s.closeAllConnections();
    await new Promise(resolve => s.close(resolve));
  }
});
beforeEach(() => {
  seen.length = 0;
  connections = 0;
});

describe('keepAliveFetch', () => {
  test('HEAD and GET requests reuse one connection', async () => {
    const fetch = keepAliveFetch(4);
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${urlA}/x`, { method: i % 2 ? 'HEAD' : 'GET' });
      expect([res.status, await res.text()]).toEqual([200, i % 2 ? '' : 'GET ']);
    }
    expect(connections).toBe(1);
  });

  test('bodies, repeated headers and empty answers', async () => {
    const fetch = keepAliveFetch(2);
    const res = await fetch(`${urlA}/put`, { method: 'PUT', body: Buffer.from('data') });
    expect([await res.text(), res.headers.get('x-multi')]).toEqual(['PUT data', '1, 2']);
    expect((await fetch(`${urlA}/empty`)).status).toBe(204);
  });

  test('follows a redirect, without credentials to another host', async () => {
    const res = await keepAliveFetch(2)(`${urlA}/hop`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(200);
    expect(seen.map(s => [s.server, s.path, s.auth])).toEqual([
      ['a', '/hop', 'Bearer t'],
      ['b', '/landed', '']
    ]);
  });

  test('a time limit aborts the request', async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>(resolve => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    try {
      await expect(keepAliveFetch(1)(url, { signal: AbortSignal.timeout(50) })).rejects.toThrow(/abort/i);
    } finally {
      slow.closeAllConnections();
      await new Promise(resolve => slow.close(resolve));
    }
  });
});
