import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/common/errors.js';
import { runFace, type Face } from '../../../src/common/face.js';
import type { RunContext } from '../../../src/common/run-context.js';

const dir = mkdtempSync(join(tmpdir(), 'face-'));
const saved = { ...process.env };
let printed: string[];

beforeEach(() => {
  printed = [];
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(String(chunk));
    return true;
  });
  process.env.GITHUB_STATE = join(dir, `state-${Date.now()}`);
  writeFileSync(process.env.GITHUB_STATE, '');
  process.env.GITHUB_REPOSITORY = 'octo-org/app';
  delete process.env.STATE_isPost;
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = undefined;
});

/** A face that records each verb it is called with, in order. */
function recording(calls: string[], opts: { post?: boolean; bad?: boolean } = {}) {
  const face: Face<{ name: string }, string, string, string> = {
    read(source, ctx: RunContext) {
      calls.push(`read ${ctx.repository}`);
      if (opts.bad) throw new InputError('Input "name" is empty', ['name']);
      return { name: source('name') };
    },
    decide(inputs, upstream) {
      calls.push(`decide ${inputs.name} ${upstream}`);
      return `${upstream}:${inputs.name}`;
    },
    async run(decision) {
      calls.push(`run ${decision}`);
      return decision.toUpperCase();
    },
    write(result) {
      calls.push(`write ${result}`);
    },
    ...(opts.post
      ? {
          async post(ctx: RunContext) {
            calls.push(`post ${ctx.owner}`);
          },
          secrets: () => ['s3cret-value']
        }
      : {})
  };
  return face;
}

const source = (name: string) => (name === 'name' ? 'app' : '');

test('the main step: read, decide from the upstream, run, write; marked done only with a post step', async () => {
  const calls: string[] = [];
  await runFace(recording(calls), { upstream: 'alone', source });
  expect(calls).toEqual(['read octo-org/app', 'decide app alone', 'run alone:app', 'write ALONE:APP']);
  expect(readFileSync(process.env.GITHUB_STATE!, 'utf8')).toBe('');
  expect(process.exitCode).toBeUndefined();

  await runFace(recording([], { post: true }), { upstream: 'alone', source });
  expect(readFileSync(process.env.GITHUB_STATE!, 'utf8')).toMatch(/^isPost<<ghadelimiter_.*\ntrue\n/);
});

test('the post step: the secrets masked first, then post alone', async () => {
  process.env.STATE_isPost = 'true';
  const calls: string[] = [];
  await runFace(recording(calls, { post: true }), { upstream: 'alone', source });
  expect(calls).toEqual(['post octo-org']);
  expect(printed[0]).toBe('::add-mask::s3cret-value\n');
});

test('an input error fails the step with one error line, before anything runs', async () => {
  const calls: string[] = [];
  await runFace(recording(calls, { bad: true }), { upstream: 'alone', source });
  expect(calls).toEqual(['read octo-org/app']);
  expect(printed).toContain('::error::Input "name" is empty\n');
  expect(process.exitCode).toBe(1);
});

test('a run context that does not check out fails the step before read', async () => {
  process.env.GITHUB_RUN_ID = 'abc';
  const calls: string[] = [];
  await runFace(recording(calls), { upstream: 'alone', source });
  expect(calls).toEqual([]);
  expect(printed).toContain('::error::GITHUB_RUN_ID must be a number, got "abc"\n');
  expect(process.exitCode).toBe(1);
});
