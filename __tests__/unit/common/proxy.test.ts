import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { proxyFor } from '../../../src/common/proxy.js';
import { keepAliveFetch } from '../../../src/common/transport.js';

const P = 'http://proxy.corp:3128/';

describe('proxyFor: the proxy @actions/http-client picks', () => {
  test.each<[string, NodeJS.ProcessEnv, string | undefined]>([
    ['https://api.github.com/repos', { HTTPS_PROXY: P }, P],
    ['https://api.github.com/repos', { https_proxy: P, HTTPS_PROXY: 'http://other:1' }, P],
    ['https://api.github.com/repos', { HTTP_PROXY: P }, undefined],
    ['http://registry.corp/v2/', { HTTP_PROXY: P, HTTPS_PROXY: 'http://other:1' }, P],
    ['http://registry.corp/v2/', { http_proxy: P }, P],
    ['https://ghcr.io/v2/', { HTTPS_PROXY: 'proxy.corp:3128' }, P],
    [
      'https://ghcr.io/v2/',
      { HTTPS_PROXY: 'https://user:p%40ss@proxy.corp:8443' },
      'https://user:p%40ss@proxy.corp:8443/'
    ],
    ['https://ghcr.io/v2/', {}, undefined],
    // loopback never goes through a proxy
    ['http://127.0.0.1:5001/v2/', { HTTP_PROXY: P }, undefined],
    ['http://localhost:5001/v2/', { HTTP_PROXY: P }, undefined],
    ['http://[::1]:5001/v2/', { HTTP_PROXY: P }, undefined],
    // NO_PROXY: exact host, suffix, leading dot, host:port, *, lower case wins
    ['https://ghcr.io/v2/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io' }, undefined],
    [
      'https://pkg-containers.githubusercontent.com/x',
      { HTTPS_PROXY: P, NO_PROXY: 'githubusercontent.com' },
      undefined
    ],
    ['https://a.github.com/', { HTTPS_PROXY: P, NO_PROXY: '.github.com' }, undefined],
    ['https://github.com/', { HTTPS_PROXY: P, NO_PROXY: '.github.com' }, P],
    ['https://notghcr.io/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io' }, P],
    ['https://ghcr.io/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io:443' }, undefined],
    ['https://ghcr.io:8443/', { HTTPS_PROXY: P, NO_PROXY: 'ghcr.io:443' }, P],
    ['http://ghcr.io/', { HTTP_PROXY: P, NO_PROXY: 'GHCR.IO:80' }, undefined],
    ['https://ghcr.io/', { HTTPS_PROXY: P, NO_PROXY: ' example.com , ghcr.io ' }, undefined],
    ['https://ghcr.io/', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://ghcr.io/', { HTTPS_PROXY: P, no_proxy: 'example.com', NO_PROXY: 'ghcr.io' }, P]
  ])('%s with %j', (url, env, expected) => {
    expect(proxyFor(new URL(url), env)?.href).toBe(expected);
  });
});

describe('requests through a proxy', () => {
  let proxy: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    proxy = createServer((req, res) => {
      seen.push(
        `${req.method} ${req.url} host=${req.headers.host} proxy-auth=${req.headers['proxy-authorization'] ?? ''}`
      );
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('via proxy');
    });
    proxy.on('connect', (req: IncomingMessage, socket: Duplex) => {
      seen.push(`CONNECT ${req.url} proxy-auth=${req.headers['proxy-authorization'] ?? ''}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise(resolve => proxy.close(resolve));
  });
  beforeEach(() => (seen.length = 0));

  test('HTTP goes to the proxy as an absolute URI, with its credentials', async () => {
    const auth = `http://user:p%40ss@${url.slice('http://'.length)}`;
    const fetch = keepAliveFetch(2, { HTTP_PROXY: auth });
    const res = await fetch('http://registry.example/v2/', { headers: { accept: 'application/json' } });
    expect([res.status, await res.text()]).toEqual([200, 'via proxy']);
    expect(seen).toEqual([
      `GET http://registry.example/v2/ host=registry.example proxy-auth=Basic ${Buffer.from('user:p@ss').toString('base64')}`
    ]);
  });

  test('HTTPS asks for a CONNECT tunnel; a refusal names the proxy and its answer', async () => {
    const fetch = keepAliveFetch(2, { HTTPS_PROXY: url });
    await expect(fetch('https://ghcr.example/v2/')).rejects.toThrow(
      `proxy ${url.slice('http://'.length)} refused CONNECT ghcr.example:443: 403 Forbidden`
    );
    expect(seen).toEqual(['CONNECT ghcr.example:443 proxy-auth=']);
  });

  test('loopback hosts are asked directly', async () => {
    const fetch = keepAliveFetch(2, { HTTP_PROXY: 'http://127.0.0.1:9' });
    // the proxy answers on its own address, asked directly; a proxied request would go to port 9
    expect((await fetch(`${url}/direct`)).status).toBe(200);
    expect(seen).toEqual([`GET /direct host=${url.slice('http://'.length)} proxy-auth=`]);
  });
});
