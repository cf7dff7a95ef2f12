import { readFileSync } from 'node:fs';
import { InputError } from '../../../src/common/errors.js';
import { runFace, type Face } from '../../../src/common/face.js';
import type { RunContext } from '../../../src/common/run-context.js';
import { runnerSandbox } from '../../support/runner-sandbox.js';

const runner = runnerSandbox('face-', { GITHUB_REPOSITORY: 'octo-org/app', STATE_isPost: undefined });

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
  expect(runner.writes()[0]).toBe('::add-mask::s3cret-value\n');
});

test('an input error fails the step with one error line, before anything runs', async () => {
  const calls: string[] = [];
  await runFace(recording(calls, { bad: true }), { upstream: 'alone', source });
  expect(calls).toEqual(['read octo-org/app']);
  expect(runner.writes()).toContain('::error::Input "name" is empty\n');
  expect(process.exitCode).toBe(1);
});

test('a run context that does not check out fails the step before read', async () => {
  process.env.GITHUB_RUN_ID = 'abc';
  const calls: string[] = [];
  await runFace(recording(calls), { upstream: 'alone', source });
  expect(calls).toEqual([]);
  expect(runner.writes()).toContain('::error::GITHUB_RUN_ID must be a number, got "abc"\n');
  expect(process.exitCode).toBe(1);
});
