/**
 * The Docker client's config file: where it is, which inline credentials it holds, and putting back
 * an entry that a login replaced.
 */
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from './errors.js';

/** One `auths` entry; only inline credentials (`auth`, `identitytoken`) can be put back. */
export interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  [key: string]: unknown;
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  [key: string]: unknown;
}

/** The `auth` value `docker login` writes for a user and password: base64 of `user:password`. */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}

/** The docker CLI's config folder: DOCKER_CONFIG, else ~/.docker. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json');
}

export function readConfig(path: string): DockerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`The Docker config file ${path} is not valid JSON: ${errorMessage(err)}`, {
      cause: err
    });
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as DockerConfig) : {};
}

/** The inline credentials stored under `key`, if any. */
export function inlineEntry(config: DockerConfig, key: string): AuthEntry | undefined {
  const entry = config.auths?.[key];
  return entry && (entry.auth || entry.identitytoken) ? entry : undefined;
}

/**
 * What the post step needs to put back an entry that a login replaces: the inline credentials
 * (`auth`, and `identitytoken` where the registry issued one) and nothing else. They travel in the
 * step's state, so no other field of the entry is copied there.
 */
export function restorable(entry: AuthEntry | undefined): AuthEntry | undefined {
  if (!entry) return undefined;
  const kept: AuthEntry = {};
  if (typeof entry.auth === 'string' && entry.auth) kept.auth = entry.auth;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken)
    kept.identitytoken = entry.identitytoken;
  return kept.auth || kept.identitytoken ? kept : undefined;
}

/** The config with `entries` set under `auths` (pure). */
export function withEntries(config: DockerConfig, entries: Record<string, AuthEntry>): DockerConfig {
  return { ...config, auths: { ...(config.auths ?? {}), ...entries } };
}

/** Replaces the file atomically, keeping its mode (the Docker client writes it 0600). */
export function writeConfig(path: string, config: DockerConfig): void {
  let mode = 0o600;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // a new file
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(config, null, '\t'), { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
