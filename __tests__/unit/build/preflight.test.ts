import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet, type HttpGet } from '../../../src/common/http-get.js';
import { destinations, preflight } from '../../../src/build/preflight.js';

/** An HTTP stand-in: answers by URL prefix (and Authorization); a string answer is a connection error code. */
function fakeGet(routes: [prefix: string, answer: number | string, headers?: Record<string, string>][]) {
  const seen: string[] = [];
  const get: HttpGet = async (url, headers) => {
    const auth = headers.authorization;
    seen.push(auth ? `${url} (${auth})` : url);
    const route = routes.find(([prefix]) => `${url} ${auth ?? ''}`.startsWith(prefix));
    if (!route) throw Object.assign(new Error('write EPROTO'), { code: 'EPROTO' });
    const [, answer, answerHeaders = {}] = route;
    if (typeof answer === 'string') throw Object.assign(new Error(`connect ${answer}`), { code: answer });
    return {
      status: answer,
      statusText: answer === 401 ? 'Unauthorized' : 'OK',
      header: (name: string) => answerHeaders[name] ?? '',
      body: ''
    };
  };
  return { get, seen };
}

function configDir(auths: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pf-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

const good = Buffer.from('u:p').toString('base64');
const bad = Buffer.from('u:wrong').toString('base64');

describe('destinations', () => {
  test('one per registry, from tags and registry cache exports that must succeed', () => {
    expect(
      destinations(
        ['127.0.0.1:5001/a/b:1', '127.0.0.1:5001/a/b:2', 'octo/app:1'],
        [
          'type=registry,ref=cache.io/c/d:buildcache',
          'type=registry,ref=skip.io/e:1,ignore-error=true',
          'type=gha'
        ]
      )
    ).toEqual([
      { registry: '127.0.0.1:5001', path: 'a/b', ref: '127.0.0.1:5001/a/b:1' },
      { registry: 'docker.io', path: 'octo/app', ref: 'octo/app:1' },
      { registry: 'cache.io', path: 'c/d', ref: 'cache.io/c/d:buildcache' }
    ]);
  });
});

describe('preflight', () => {
  const dest = (registry: string, path = 'a/b') => ({ registry, path, ref: `${registry}/${path}:1` });

  test('loopback registries are asked over plain HTTP; basic auth is checked with the stored credentials', async () => {
    const { get, seen } = fakeGet([
      ['http://127.0.0.1:5001/v2/ Basic ' + good, 200],
      ['http://127.0.0.1:5001/v2/ ', 401, { 'www-authenticate': 'Basic realm="ghcr"' }]
    ]);
    await preflight(
      [dest('127.0.0.1:5001')],
      { DOCKER_CONFIG: configDir({ '127.0.0.1:5001': { auth: good } }) },
      get
    );
    expect(seen).toEqual(['http://127.0.0.1:5001/v2/', `http://127.0.0.1:5001/v2/ (Basic ${good})`]);
  });

  test('wrong stored credentials and an unreachable registry fail before anything is built', async () => {
    const { get } = fakeGet([
      ['http://127.0.0.1:5002/v2/', 401, { 'www-authenticate': 'Basic realm="hub"' }],
      ['http://127.0.0.1:5009/', 'ECONNREFUSED'],
      ['https://127.0.0.1:5009/', 'ECONNREFUSED']
    ]);
    const env = { DOCKER_CONFIG: configDir({ '127.0.0.1:5002': { auth: bad } }) };
    await expect(preflight([dest('127.0.0.1:5002'), dest('127.0.0.1:5009')], env, get)).rejects.toThrow(
      'Nothing was built or pushed: registry 127.0.0.1:5002 rejects the stored credentials (401 Unauthorized): ' +
        'log in to it again; registry 127.0.0.1:5009 (for 127.0.0.1:5009/a/b:1) is unreachable (ECONNREFUSED)'
    );
  });

  test('bearer registries: a push token is asked for the repository', async () => {
    const { get, seen } = fakeGet([
      [
        'https://registry-1.docker.io/v2/',
        401,
        { 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"' }
      ],
      ['https://auth.docker.io/token', 401]
    ]);
    const env = { DOCKER_CONFIG: configDir({ 'https://index.docker.io/v1/': { auth: bad } }) };
    await expect(preflight([dest('docker.io', 'octo/app')], env, get)).rejects.toThrow(
      'registry docker.io rejects the stored credentials (401 Unauthorized)'
    );
    expect(seen[1]).toBe(
      `https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Aocto%2Fapp%3Apush%2Cpull (Basic ${bad})`
    );
  });

  test('no stored credentials for a registry that wants them', async () => {
    const { get } = fakeGet([
      ['https://ghcr.io/v2/', 401, { 'www-authenticate': 'Bearer realm="https://ghcr.io/token"' }]
    ]);
    await expect(preflight([dest('ghcr.io')], { DOCKER_CONFIG: configDir({}) }, get)).rejects.toThrow(
      'registry ghcr.io needs credentials and none are stored for it: log in to it first'
    );
  });

  test.each<[string, Parameters<typeof fakeGet>[0], Record<string, object>]>([
    ['open registry', [['https://r.io/v2/', 200]], {}],
    ['credentials in a helper cannot be read: not checked', [['https://r.io/v2/', 401]], { 'r.io': {} }],
    ['a TLS or other error is not a verdict', [], {}],
    [
      'a token endpoint that says 403 is left to the push',
      [
        ['https://r.io/v2/', 401, { 'www-authenticate': 'Bearer realm="https://r.io/t"' }],
        ['https://r.io/t', 403]
      ],
      { 'r.io': { auth: good } }
    ]
  ])('passes: %s', async (_name, routes, auths) => {
    await expect(
      preflight([dest('r.io')], { DOCKER_CONFIG: configDir(auths) }, fakeGet(routes).get)
    ).resolves.toBeUndefined();
  });
});

describe('httpGet', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.headers.authorization === 'Basic eDp5' ? 200 : 401, {
        'www-authenticate': 'Basic realm="t"'
      });
      res.end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  test('status and headers, with and without credentials', async () => {
    const anonymous = await httpGet(`http://127.0.0.1:${port}/v2/`, {}, 2000);
    expect([anonymous.status, anonymous.statusText, anonymous.header('WWW-Authenticate')]).toEqual([
      401,
      'Unauthorized',
      'Basic realm="t"'
    ]);
    expect(
      (await httpGet(`http://127.0.0.1:${port}/v2/`, { authorization: 'Basic eDp5' }, 2000)).status
    ).toBe(200);
  });

  test('a refused connection carries its code', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>(resolve => closed.close(() => resolve()));
    await expect(httpGet(`http://127.0.0.1:${free}/v2/`, {}, 2000)).rejects.toMatchObject({
      code: 'ECONNREFUSED'
    });
  });
});
