import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getState, saveState } from '../../../src/common/runner.js';
import { keyPath, mainKey, postKey, sign, verify } from '../../../src/common/state.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

describe('sign and verify', () => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const signed = sign(key, 'login', '{"registries":[]}');

  test('a signed value verifies under its own name and key, and comes back whole', () => {
    expect(signed).toMatch(/^[0-9a-f]{64}:\{"registries":\[\]\}$/);
    expect(verify(key, 'login', signed)).toBe('{"registries":[]}');
    expect(verify(key, 'x', sign(key, 'x', ''))).toBe('');
    expect(verify(key, 'x', sign(key, 'x', 'a:b\nc'))).toBe('a:b\nc');
  });

  test.each([
    ['another key', other, 'login', signed],
    ['no key', undefined, 'login', signed],
    ['another name', key, 'login-restore-0', signed],
    ['another value', key, 'login', signed.replace('[]', '[{"registry":"a.io"}]')],
    ['no proof', key, 'login', '{"registries":[]}'],
    ['a short proof', key, 'login', signed.slice(2)],
    ['a proof that is not hex', key, 'login', 'z' + signed.slice(1)],
    ['the proof alone', key, 'login', signed.slice(0, 64)],
    ['upper-case hex', key, 'login', signed.slice(0, 64).toUpperCase() + signed.slice(64)]
  ])('%s does not verify', (_, k, name, text) => {
    expect(verify(k, name, text)).toBeUndefined();
  });
});

describe('the key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'state-'));
    mkdirSync(join(dir, 'temp'));
  });
  const env = (action = '__owner_push-to-image') => ({
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_ACTION: action
  });

  test("a main step's key: in RUNNER_TEMP, 0600, one per step, the same for the whole process", () => {
    const key = mainKey(env());
    expect(dirname(keyPath(env()))).toBe(join(dir, 'temp'));
    expect(readFileSync(keyPath(env()))).toEqual(key);
    expect(statSync(keyPath(env())).mode & 0o777).toBe(0o600);
    expect(mainKey(env())).toBe(key);
    expect(keyPath(env('__owner_push-to-image_2'))).not.toBe(keyPath(env()));
    expect(mainKey(env('__owner_push-to-image_2'))).not.toEqual(key);
  });

  test('a file already where the key goes is replaced, not read', () => {
    const path = keyPath(env('y'));
    writeFileSync(path, Buffer.alloc(32), { mode: 0o600 });
    expect(mainKey(env('y'))).not.toEqual(Buffer.alloc(32));
    expect(readFileSync(path)).toEqual(mainKey(env('y')));
  });

  test("the post step reads the main step's key once and removes the file", () => {
    const key = randomBytes(32);
    const path = keyPath(env('post-a'));
    writeFileSync(path, key, { mode: 0o600 });
    expect(postKey(env('post-a'))).toEqual(key);
    expect(existsSync(path)).toBe(false);
    expect(postKey(env('post-a'))).toEqual(key);
  });

  test.each([
    ['readable by others', (p: string) => writeFileSync(p, randomBytes(32), { mode: 0o644 })],
    ['of another length', (p: string) => writeFileSync(p, randomBytes(16), { mode: 0o600 })],
    [
      'a link',
      (p: string) => {
        const target = join(dir, 'elsewhere');
        writeFileSync(target, randomBytes(32), { mode: 0o600 });
        symlinkSync(target, p);
      }
    ],
    ['absent', () => {}]
  ])('a key file %s is no key (and is removed)', (_, make) => {
    const action = `post-${Math.random()}`;
    const path = keyPath(env(action));
    make(path);
    expect(postKey(env(action))).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });
});

describe('saveState and getState', () => {
  const runner = runnerSandbox('state-');
  const printed = runner.printed;

  test('what the main step saves, the post step reads back; a forged entry is ignored with one warning', () => {
    saveState('builder', 'push-to-image-1-0123abcd');
    saveState('list', ['a', 'b']);
    const state = runner.state();
    for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
    expect(getState('builder')).toBe('push-to-image-1-0123abcd');
    expect(getState('list')).toBe('["a","b"]');
    expect(getState('unset')).toBe('');
    expect(printed()).toBe('');

    process.env.STATE_forged = 'push-to-image-1-0123abcd';
    // The value of one entry under another name.
    process.env.STATE_moved = state.builder;
    expect([getState('forged'), getState('forged'), getState('moved')]).toEqual(['', '', '']);
    expect(printed()).toBe(
      `::warning::Ignoring the state entry "forged": it was not written by this step's main step\n` +
        `::warning::Ignoring the state entry "moved": it was not written by this step's main step\n`
    );
  });
});
