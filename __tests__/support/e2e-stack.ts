/**
 * The end-to-end stack and its helpers: the engine and registries, build contexts with a unique RUN
 * step, private Docker configs, a throwaway registry, and dropping one build's local cache records.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBuildxVersion } from '../../src/build/buildx.js';
import { ROOT } from './action-runner.js';

export const USER = 'e2e-user';
export const PASSWORD = 'e2e-password';
/** The registries of scripts/e2e/env.sh (action-runner has put its settings in process.env). */
export const GHCR = `127.0.0.1:${process.env.E2E_GHCR_PORT}`;
export const HUB = `127.0.0.1:${process.env.E2E_HUB_PORT}`;

/**
 * Starts (or finds running) the engine and registries; fast when they are up. Child processes get
 * `env: process.env` explicitly: jest's sandboxed process.env (where action-runner put the engine's
 * settings) is not what child_process would use by default.
 */
export function ensureStack(): void {
  try {
    execFileSync('bash', [join(ROOT, 'scripts/e2e/up.sh')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env
    });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`scripts/e2e/up.sh failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

/** The engine's buildx version (`docker buildx version`), e.g. 0.29.1. */
export function buildxVersion(): string {
  const out = execFileSync('docker', ['buildx', 'version'], { encoding: 'utf8', env: process.env });
  return parseBuildxVersion(out);
}

export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A build context whose last step (a RUN, emulated for foreign platforms) is unique to `token`. */
export function buildContext(token: string, dockerfile?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello\n');
  writeFileSync(
    join(dir, 'Dockerfile'),
    dockerfile ?? `FROM e2e-base\nCOPY hello.txt /hello.txt\nRUN echo ${token} > /token && uname -m > /arch\n`
  );
  return dir;
}

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** A private DOCKER_CONFIG holding `auths` (key → "user:password"). */
export function dockerConfig(auths: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  const entries = Object.fromEntries(Object.entries(auths).map(([k, v]) => [k, { auth: base64(v) }]));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: entries }, null, '\t'), { mode: 0o600 });
  return dir;
}

export function readAuths(dir: string): Record<string, { auth?: string }> {
  return (
    (
      JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
        auths?: Record<string, { auth?: string }>;
      }
    ).auths ?? {}
  );
}

/** Drops the engine's local cache records of the steps that mention `token`, so a rebuild must import. */
export function dropLocalCache(token: string): number {
  const du = execFileSync('docker', ['buildx', 'du', '--verbose'], { encoding: 'utf8', env: process.env });
  const ids: string[] = [];
  let id = '';
  for (const line of du.split('\n')) {
    if (line.startsWith('ID:')) id = line.split(/\s+/)[1];
    if (line.startsWith('Description:') && line.includes(token)) ids.push(id);
  }
  for (const record of ids) {
    execFileSync('docker', ['builder', 'prune', '-af', '--filter', `id=${record}`], {
      stdio: 'ignore',
      env: process.env
    });
  }
  return ids.length;
}

/** Removes the images a build left in the engine's image store (best effort). */
export function removeLocalImages(refs: string[]): void {
  if (refs.length > 0) {
    execFileSync('docker', ['image', 'rm', '-f', ...refs], { stdio: 'ignore', env: process.env });
  }
}

/** A password-less registry on `port`, for tests that stop one. */
export async function startRegistry(port: number): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: 'ignore',
    env: process.env
  });
  for (let i = 0; i < 80; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      r => r.ok,
      () => false
    );
    if (up) return child;
    await new Promise(r => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`registry on ${port} did not start`);
}

export async function stopRegistry(child: ChildProcess, port: number): Promise<void> {
  child.kill();
  for (let i = 0; i < 50; i++) {
    const down = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      () => false,
      () => true
    );
    if (down) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`registry on ${port} did not stop`);
}
