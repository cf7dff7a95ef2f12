import { createHash } from 'node:crypto';
import { pushedDigest } from '../../../src/build/run.js';
import type { ExecOptions, ExecResult } from '../../../src/common/exec.js';

test('the digest of a pushed manifest is of the bytes the registry served, not of decoded text', async () => {
  // A manifest with bytes that are not valid UTF-8 (decoding would replace them with U+FFFD).
  const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
  const asked: ExecOptions[] = [];
  const run = async (_cmd: string, _args: string[], opts: ExecOptions = {}): Promise<ExecResult> => {
    asked.push(opts);
    return {
      code: 0,
      stdout: bytes.toString('utf8'),
      stderr: '',
      stdoutBytes: opts.bytes ? bytes : undefined
    };
  };
  const digest = await pushedDigest(run, 'ghcr.io/o/app:1', {});
  expect(asked[0].bytes).toBe(true);
  expect(digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
});
