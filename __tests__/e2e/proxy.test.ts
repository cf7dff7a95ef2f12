/**
 * Behind an HTTP proxy: the built bundles reach `api.github.com` and `ghcr.io` only through a real
 * proxy (tinyproxy on loopback), because only the proxy can resolve those names. The REST client and
 * the registry client (prune), meta's repository lookup and the build preflight all go through it,
 * TLS inside `CONNECT` tunnels; a NO_PROXY host is asked directly. The proxy's own log says which
 * requests it saw.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/action-runner.js';
import { INSTALLATION_TOKEN, startGhcr, type Ghcr } from '../support/ghcr/index.js';
import { addMultiArch } from '../support/ghcr/synthetic.js';
import {
  forward,
  makeCa,
  startFront,
  startTinyproxy,
  type LocalCa,
  type Tinyproxy
} from '../support/proxy.js';

/** A loopback address of its own, so that port 443 is free for the front door. */
const ADDRESS = `127.77.${process.pid % 250}.${1 + Math.floor(Math.random() * 250)}`;
const DAY = 86_400_000;

let ca: LocalCa;
let ghcr: Ghcr;
let front: { close(): Promise<void> };
let proxy: Tinyproxy;
let issuer = '';

const repository = {
  name: 'app',
  full_name: 'octo-org/app',
  html_url: 'https://github.com/octo-org/app',
  description: 'Seen through the proxy',
  license: { spdx_id: 'MIT' },
  default_branch: 'main'
};

/** The token realm the stand-in registry announces (an http://127.0.0.1 address). */
function realmOf(registry: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(`http://${registry}/v2/`, res => {
      res.resume();
      const realm = /realm="([^"]+)"/.exec(String(res.headers['www-authenticate']))?.[1];
      if (realm) resolve(new URL(realm).origin);
      else reject(new Error('the stand-in registry sent no realm'));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  ca = makeCa(['api.github.com', 'ghcr.io']);
  ghcr = await startGhcr({ backend: 'memory' });
  addMultiArch(ghcr.memory!, 'octo-org/app', 'release', {
    tags: ['1.0.0'],
    created: new Date(Date.now() - 9 * DAY)
  });
  addMultiArch(ghcr.memory!, 'octo-org/app', 'superseded', { created: new Date(Date.now() - 8 * DAY) });
  issuer = await realmOf(ghcr.registry);
  // GHCR's own names: the registry and its token endpoint on ghcr.io, the REST API on api.github.com.
  front = await startFront(ADDRESS, ca, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:443$/, '');
    if (host === 'api.github.com' && req.url === '/repos/octo-org/app') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(repository));
    }
    if (host === 'api.github.com') return forward(req, res, ghcr.apiUrl);
    if (host === 'ghcr.io' && req.url?.startsWith('/token')) return forward(req, res, issuer);
    if (host === 'ghcr.io')
      return forward(req, res, `http://${ghcr.registry}`, [[issuer, 'https://ghcr.io']]);
    res.writeHead(421);
    res.end();
  });
  proxy = await startTinyproxy({ 'api.github.com': ADDRESS, 'ghcr.io': ADDRESS });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await front?.close();
  await ghcr?.close();
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
});

const behindProxy = () => ({
  HTTPS_PROXY: proxy.url,
  NODE_EXTRA_CA_CERTS: ca.caPath,
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_REPOSITORY: 'octo-org/app'
});

/** The requests the proxy saw while `fn` ran. */
async function seenDuring<T>(fn: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const before = proxy.requests().length;
  const result = await fn();
  return { result, seen: proxy.requests().slice(before) };
}

test('the host names resolve only for the proxy', async () => {
  const step = await runAction({
    action: 'meta/action.yml',
    inputs: { images: 'ghcr.io/octo-org/app', 'github-token': 'ghs_meta' },
    env: { ...behindProxy(), HTTPS_PROXY: undefined }
  });
  expect(step.warnings.join('\n')).toMatch(
    /^Cannot read https:\/\/api\.github\.com\/repos\/octo-org\/app: .*(ENOTFOUND|EAI_AGAIN)/
  );
});

test('prune: the REST API and the registry through CONNECT tunnels', async () => {
  ghcr.resetStats();
  const { result: step, seen } = await seenDuring(() =>
    runAction({
      action: 'prune/action.yml',
      inputs: { token: INSTALLATION_TOKEN, owner: 'octo-org', packages: 'app', 'dry-run': 'true' },
      env: behindProxy()
    })
  );
  expect(step.code).toBe(0);
  expect(step.errors).toEqual([]);
  // the superseded untagged index with its two platform manifests and two attestations
  expect(step.outputs['deleted-count']).toBe('5');
  expect(JSON.parse(step.outputs.deleted).every((d: { tags: string[] }) => d.tags.length === 0)).toBe(true);
  expect(ghcr.api.stats.requests).toBeGreaterThan(0);
  expect(ghcr.registryStats.requests).toBeGreaterThan(0);
  expect(ghcr.tokenRequests()).toBeGreaterThan(0);
  expect([...new Set(seen)].sort()).toEqual(['CONNECT api.github.com:443', 'CONNECT ghcr.io:443']);
  expect(ghcr.violations).toEqual([]);
  console.log(`prune behind the proxy; the proxy saw:\n${seen.join('\n')}`);
}, 60_000);

test('meta: the repository lookup through the proxy; NO_PROXY goes direct', async () => {
  const inputs = { images: 'ghcr.io/octo-org/app', 'github-token': 'ghs_meta' };
  const { result: step, seen } = await seenDuring(() =>
    runAction({ action: 'meta/action.yml', inputs, env: behindProxy() })
  );
  expect(step.warnings).toEqual([]);
  expect(step.outputs.labels).toContain('org.opencontainers.image.description=Seen through the proxy');
  expect(seen).toEqual(['CONNECT api.github.com:443']);

  const direct = await seenDuring(() =>
    runAction({
      action: 'meta/action.yml',
      inputs,
      env: { ...behindProxy(), NO_PROXY: 'example.com,.github.com' }
    })
  );
  expect(direct.seen).toEqual([]);
  expect(direct.result.warnings.join('\n')).toMatch(
    /^Cannot read https:\/\/api\.github\.com\/repos\/octo-org\/app: /
  );
  console.log(
    `meta behind the proxy; the proxy saw:\n${seen.join('\n')}\nwith NO_PROXY=.github.com: nothing`
  );
}, 60_000);

test('build: the preflight checks the stored credentials through the proxy, before building', async () => {
  const config = mkdtempSync(join(tmpdir(), 'proxy-docker-'));
  try {
    const auth = Buffer.from('mona:not-a-token').toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth } } }));
    // A context with a Dockerfile, so that the local checks pass and the preflight is what stops it.
    writeFileSync(join(config, 'Dockerfile'), 'FROM scratch\n');
    const { result: step, seen } = await seenDuring(() =>
      runAction({
        action: 'build/action.yml',
        inputs: { tags: 'ghcr.io/octo-org/app:1', push: 'true', context: config },
        env: { ...behindProxy(), DOCKER_CONFIG: config },
        timeoutMs: 60_000
      })
    );
    expect(step.code).toBe(1);
    expect(step.errors).toEqual([
      'Nothing was built or pushed: registry ghcr.io rejects the stored credentials (401 Unauthorized): log in to it again'
    ]);
    expect(seen).toEqual(['CONNECT ghcr.io:443', 'CONNECT ghcr.io:443']);
    console.log(`build preflight behind the proxy; the proxy saw:\n${seen.join('\n')}`);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}, 90_000);
