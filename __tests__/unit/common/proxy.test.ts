import { proxyFor } from '../../../src/common/proxy.js';

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
