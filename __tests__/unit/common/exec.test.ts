import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, ExecError, OUTPUT_LIMIT, OutputTail } from '../../../src/common/exec.js';
import { groupMembers } from '../../../src/common/processes.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

/** Runs a Node script as the child command. */
const node = (script: string, opts: Parameters<typeof exec>[2] = {}) =>
  exec(process.execPath, ['-e', script], opts);

describe('exec', () => {
  test('a UTF-8 character split between two writes of the child is decoded whole', async () => {
    // "€" is E2 82 AC: the child writes its first two bytes, waits, then the third.
    const script = `
      process.stdout.write(Buffer.from([0x61, 0xe2, 0x82]));
      setTimeout(() => process.stdout.write(Buffer.from([0xac, 0x62])), 100);`;
    const result = await node(script);
    expect(result.stdout).toBe('a€b');
  });

  test('only the tail of a long output is kept, and the error line is in it', async () => {
    const line = 'x'.repeat(99) + '\n';
    const script = `
      const chunk = ${JSON.stringify(line)}.repeat(1000);
      for (let i = 0; i < 40; i++) process.stderr.write(chunk); // 4 MB
      process.stderr.write('ERROR: failed to solve: the last words\\n');
      process.exitCode = 1;`;
    const err = await node(script).then(
      () => undefined,
      (e: unknown) => e
    );
    expect(err).toBeInstanceOf(ExecError);
    const { result, message } = err as ExecError;
    expect(message).toMatch(/failed: ERROR: failed to solve: the last words$/);
    expect(result.stderr.length).toBeLessThanOrEqual(2 * OUTPUT_LIMIT);
    expect(result.stderr.length).toBeGreaterThanOrEqual(OUTPUT_LIMIT);
    expect(result.stderr.endsWith('x\nERROR: failed to solve: the last words\n')).toBe(true);
    // Cut at a line break: the kept text starts with a whole line.
    expect(result.stderr.startsWith(line)).toBe(true);
  });

  test('stdout bytes are kept whole on request: a digest of them, not of decoded text', async () => {
    // Bytes that are not UTF-8 decode to U+FFFD: a digest of the text would differ.
    const script = `process.stdout.write(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))`;
    const result = await node(script, { bytes: true });
    expect(result.stdoutBytes).toEqual(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    const ofBytes = createHash('sha256').update(result.stdoutBytes!).digest('hex');
    expect(ofBytes).not.toBe(createHash('sha256').update(result.stdout).digest('hex'));
  });

  test('the child leads its own process group; its pid file lives as long as it does', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'exec-')), 'child.pid');
    const script = `
      const fs = require('node:fs');
      const stat = fs.readFileSync('/proc/self/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      console.log(process.pid, fields[2], fs.readFileSync(${JSON.stringify(pidFile)}, 'utf8').trim());`;
    const result = await node(script, { pidFile });
    const [pid, pgrp, recordedPid, recordedStart] = result.stdout.trim().split(/\s+/);
    expect(pgrp).toBe(pid);
    expect(recordedPid).toBe(pid);
    expect(recordedStart).toMatch(/^\d+$/);
    expect(existsSync(pidFile)).toBe(false);
  });

  test('a command stopped by a signal says so', async () => {
    await expect(node(`process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000)`)).rejects.toThrow(
      /failed: stopped by SIGTERM$/
    );
  });

  test('a pid file of the child is 0600', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'exec-')), 'child.pid');
    const mode = await node(
      `console.log((require('node:fs').statSync(${JSON.stringify(pidFile)}).mode & 0o777).toString(8))`,
      {
        pidFile
      }
    );
    expect(mode.stdout.trim()).toBe('600');
    expect(existsSync(pidFile)).toBe(false);
  });
});

describe('OutputTail', () => {
  test.each([
    ['a character split byte by byte', [[0xf0], [0x9f], [0x90], [0xb3]], '🐳'],
    ['an incomplete character at the end', [[0x61, 0xe2, 0x82]], 'a\ufffd'],
    ['plain text', [[0x68, 0x69]], 'hi']
  ])('%s', (_name, chunks, expected) => {
    const tail = new OutputTail();
    for (const chunk of chunks) tail.write(Buffer.from(chunk));
    expect(tail.end()).toBe(expected);
  });

  test('a long output without line breaks keeps its last characters, never half a surrogate pair', () => {
    const tail = new OutputTail(10);
    tail.write(Buffer.from('a'.repeat(15) + '🐳'.repeat(5)));
    const text = tail.end();
    expect(text.length).toBeLessThanOrEqual(20);
    expect(text.endsWith('🐳🐳🐳🐳🐳')).toBe(true);
    expect(/^[\uDC00-\uDFFF]/.test(text)).toBe(false);
    expect(tail.dropped).toBe(25 - text.length);
  });
});

describe('held output and a stop signal', () => {
  const runner = runnerSandbox('exec-');
  const echoed = runner.printed;

  test('streamed output waits for the hold, then comes out whole and in order', async () => {
    let release: () => void = () => {};
    const hold = new Promise<void>(res => (release = res));
    const running = node(`console.log('one'); setTimeout(() => console.log('two'), 50)`, {
      stream: true,
      hold
    });
    await new Promise(res => setTimeout(res, 400));
    expect(echoed()).toBe('');
    release();
    const result = await running;
    expect(echoed()).toBe('one\ntwo\n');
    expect(result.stdout).toBe('one\ntwo\n');
  });

  test('a stop signal ends the whole process group and drops what was held', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'exec-')), 'child.pid');
    const stop = new AbortController();
    const running = node(
      `const { spawn } = require('node:child_process');
       spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' });
       console.log('started'); setTimeout(() => {}, 60000)`,
      { stream: true, hold: new Promise(() => {}), signal: stop.signal, pidFile }
    );
    await new Promise(res => setTimeout(res, 400));
    const group = Number(readFileSync(pidFile, 'utf8').split(' ')[0]);
    expect(groupMembers(group)).toHaveLength(2);
    stop.abort();
    const failed = await running.catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(ExecError);
    expect((failed as ExecError).result.stdout).toBe('started\n');
    expect(groupMembers(group)).toEqual([]);
    expect(echoed()).toBe('');
  });

  test("a stop signal after the command ended signals nothing (its id may be someone else's by then)", async () => {
    const stop = new AbortController();
    await node('0', { signal: stop.signal });
    const kill = jest.spyOn(process, 'kill');
    try {
      stop.abort();
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
    }
  });
});
