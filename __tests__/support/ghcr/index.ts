/**
 * The GHCR stand-in: a registry behind bearer-token auth (a real distribution registry, or an
 * in-memory one for the benchmark) and the Packages REST API derived from the registry's content.
 *
 *   const ghcr = await startGhcr();
 *   ghcr.apiUrl, ghcr.registry ("127.0.0.1:PORT"), ghcr.token, ghcr.faults, ghcr.violations
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noFaults, type Faults } from './faults.js';
import { makeSigningKeys } from './keys.js';
import { memoryRegistryHandler, MemoryStore } from './memory.js';
import { OpenApi } from './openapi.js';
import { PackagesApiStandIn } from './packages-api.js';
import { forwardTo, frontDoor, type RegistryStats } from './proxy.js';
import { startRegistry, type RegistryProcess } from './registry-process.js';
import { RegistryStore, type ManifestStore } from './store.js';
import { tokenHandler } from './tokens.js';

export type { Fault, Faults } from './faults.js';

export interface GhcrOptions {
  /** `registry`: Debian's docker-registry (default); `memory`: manifests served from memory. */
  backend?: 'registry' | 'memory';
  owners?: Record<string, 'User' | 'Organization'>;
  /** Token -> its user (null: an installation token). */
  tokens?: Record<string, string | null>;
  /** Check requests and responses against the OpenAPI description (default true). */
  validate?: boolean;
}

export interface Ghcr {
  apiUrl: string;
  /** host:port of the registry (through the fault-injecting front door). */
  registry: string;
  /** An installation token, as GITHUB_TOKEN is. */
  token: string;
  faults: Faults;
  api: PackagesApiStandIn;
  registryStats: RegistryStats;
  tokenRequests: () => number;
  store: ManifestStore;
  memory?: MemoryStore;
  violations: string[];
  /** Writes a Docker config with credentials for the registry; returns its folder. */
  dockerConfig(): string;
  resetStats(): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handler(req, res).catch(err => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

export const INSTALLATION_TOKEN = 'ghs_standin_installation';
export const USER_TOKEN = 'ghp_standin_mona';

export async function startGhcr(opts: GhcrOptions = {}): Promise<Ghcr> {
  const keys = makeSigningKeys();
  const tokens = opts.tokens ?? { [INSTALLATION_TOKEN]: null, [USER_TOKEN]: 'mona' };
  const owners = opts.owners ?? { 'octo-org': 'Organization', mona: 'User' };
  const faults = noFaults();
  let tokenCount = 0;
  const issuer = await listen(
    tokenHandler(
      keys,
      () => new Set(Object.keys(tokens)),
      () => tokenCount++
    )
  );
  const realm = `${issuer.url}/token`;

  let store: ManifestStore;
  let memory: MemoryStore | undefined;
  let child: RegistryProcess | undefined;
  let next: Handler;
  if (opts.backend === 'memory') {
    memory = new MemoryStore();
    store = memory;
    next = memoryRegistryHandler(memory, keys, () => realm);
  } else {
    child = await startRegistry({ realm, certPath: keys.certPath });
    store = new RegistryStore(child.root, child.url, keys);
    next = forwardTo(child.url);
  }
  const registryStats: RegistryStats = { requests: 0, byMethod: {} };
  const front = await listen(frontDoor(next, faults, registryStats));

  let apiUrl = '';
  const api = new PackagesApiStandIn({
    store,
    faults,
    openapi: opts.validate === false ? undefined : OpenApi.load(),
    owners,
    tokens,
    baseUrl: () => apiUrl
  });
  const apiServer = await listen(api.handler);
  apiUrl = apiServer.url;
  const registry = front.url.replace('http://', '');
  const configDirs: string[] = [];

  return {
    apiUrl,
    registry,
    token: INSTALLATION_TOKEN,
    faults,
    api,
    registryStats,
    tokenRequests: () => tokenCount,
    store,
    memory,
    violations: api.violations,
    dockerConfig() {
      const dir = mkdtempSync(join(tmpdir(), 'ghcr-docker-'));
      mkdirSync(dir, { recursive: true });
      const auth = Buffer.from(`e2e:${INSTALLATION_TOKEN}`).toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [registry]: { auth } } }));
      configDirs.push(dir);
      return dir;
    },
    resetStats() {
      api.stats.requests = 0;
      api.stats.byRoute = {};
      api.stats.limitAnswers = 0;
      api.stats.writes = [];
      registryStats.requests = 0;
      registryStats.byMethod = {};
      tokenCount = 0;
    },
    async close() {
      for (const s of [front, apiServer, issuer]) {
        s.server.closeAllConnections();
        await new Promise(resolve => s.server.close(resolve));
      }
      await child?.stop();
      for (const dir of [keys.dir, ...configDirs]) rmSync(dir, { recursive: true, force: true });
    }
  };
}
