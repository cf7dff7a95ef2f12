/** A real distribution registry (Debian's `docker-registry`) with token auth and deletes enabled. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISSUER, SERVICE } from './tokens.js';

export interface RegistryProcess {
  url: string;
  root: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until this child answers as a registry; false when it exited (its port was taken). */
async function waitUp(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.headers.get('docker-distribution-api-version') && child.exitCode === null) return true;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return false;
}

function config(root: string, port: number, opts: { realm: string; certPath: string }): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${root}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: ghcr-stand-in',
    'auth:',
    '  token:',
    `    realm: ${opts.realm}`,
    `    service: ${SERVICE}`,
    `    issuer: ${ISSUER}`,
    `    rootcertbundle: ${opts.certPath}`,
    ''
  ].join('\n');
}

/** Starts the registry on a free port; tries another port when one is taken meanwhile. */
export async function startRegistry(opts: { realm: string; certPath: string }): Promise<RegistryProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'ghcr-registry-'));
  const root = join(dir, 'data');
  mkdirSync(root);
  let log = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, 'config.yml'), config(root, port, opts));
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    log = '';
    child.stdout?.on('data', c => (log += c));
    child.stderr?.on('data', c => (log += c));
    const url = `http://127.0.0.1:${port}`;
    if (await waitUp(url, child)) {
      const stop = async () => {
        if (child.exitCode === null) {
          const exited = new Promise(resolve => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return { url, root, stop };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${log}`);
}
