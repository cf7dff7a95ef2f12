/**
 * Proof that what a post step reads from its state was written by its own main step. The runner
 * hands the post step every `save-state` of the main step, also one that text the step did not write
 * (a label, a `RUN` step) printed into its log: such text can set any entry to any value, but it
 * cannot write or read files. So the main step keeps a random key in a private file under
 * RUNNER_TEMP, named from the step's own environment (never from its state), and saves each value
 * with an HMAC of its name and value; the post step takes the key off the disk before anything else
 * and trusts only the entries that carry a valid HMAC.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runnerFiles } from './run-context.js';

const KEY_BYTES = 32;
const MAC_CHARS = 64;

function mac(key: Buffer, name: string, value: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([name, value]))
    .digest('hex');
}

/** `value` as saved in the state entry `name`: `<HMAC>:<value>`. */
export function sign(key: Buffer, name: string, value: string): string {
  return `${mac(key, name, value)}:${value}`;
}

/** The value of a signed entry; undefined when there is no key or it was not signed with it as `name`. */
export function verify(key: Buffer | undefined, name: string, text: string): string | undefined {
  if (!key || text.length <= MAC_CHARS || text[MAC_CHARS] !== ':') return undefined;
  const value = text.slice(MAC_CHARS + 1);
  const given = text.slice(0, MAC_CHARS);
  if (!/^[0-9a-f]+$/.test(given)) return undefined;
  const expected = mac(key, name, value);
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex')) ? value : undefined;
}

/**
 * The key file of this step: in RUNNER_TEMP (emptied by the runner for every job), named from
 * GITHUB_ACTION, which the runner sets to the same value for a step's main and post parts and to
 * different values for different steps of a job.
 */
export function keyPath(env: NodeJS.ProcessEnv = process.env): string {
  const step = createHash('sha256').update(runnerFiles(env).action).digest('hex').slice(0, 16);
  return join(runnerFiles(env).temp, `push-to-image-state-${step}.key`);
}

/** Keys by key file: one per process, made by a main step or taken by a post step. */
const keys = new Map<string, Buffer | undefined>();

/** The main step's key, made on first use: a fresh random key in a new 0600 file. */
export function mainKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const path = keyPath(env);
  let key = keys.get(path);
  if (!key) {
    key = randomBytes(KEY_BYTES);
    mkdirSync(resolve(path, '..'), { recursive: true });
    // A file already there was not made by this step: replaced.
    rmSync(path, { force: true });
    writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
    keys.set(path, key);
  }
  return key;
}

/**
 * The post step's key: read once from the main step's file, which is removed at once, so that no
 * key stays on disk whatever the post step does next. undefined when there is no such private file.
 */
export function postKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const path = keyPath(env);
  if (!keys.has(path)) keys.set(path, takeKey(path));
  return keys.get(path);
}

function takeKey(path: string): Buffer | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return undefined;
  try {
    const own = process.getuid === undefined || stat.uid === process.getuid();
    const ok = stat.isFile() && own && (stat.mode & 0o077) === 0 && stat.size === KEY_BYTES;
    return ok ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(path, { force: true });
  }
}
