/** Builds meta inputs and contexts for table tests: inputs as the step would get them, a fixed clock. */
import { readRunContext } from '../../../src/common/run-context.js';
import { computeMeta } from '../../../src/meta/compute.js';
import { loadContext, type MetaContext } from '../../../src/meta/context.js';
import { readMetaInputs, type MetaInputs } from '../../../src/meta/inputs.js';
import { planMeta } from '../../../src/meta/plan.js';
import type { MetaResult } from '../../../src/meta/result.js';

export const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
export const NOW = new Date('2020-01-10T00:30:00.000Z');

export const REPO = {
  name: 'Hello-World',
  description: 'This your first repo!',
  htmlUrl: 'https://github.com/octocat/Hello-World',
  license: 'MIT',
  defaultBranch: 'master'
};

/** A loaded context: the run context of a push to master of octocat/Hello-World, the repository's data, a fixed clock. */
export function ctx(over: Partial<MetaContext> = {}): MetaContext {
  return {
    ...readRunContext({ GITHUB_REPOSITORY: 'octocat/Hello-World' }),
    eventName: 'push',
    ref: 'refs/heads/master',
    sha: SHA,
    payload: { repository: { default_branch: 'master' } },
    repoInfo: REPO,
    now: NOW,
    created: NOW,
    commitDate: new Date('2019-12-31T22:10:20.000Z'),
    warnings: [],
    ...over
  };
}

/** Event shorthands. */
export const branch = (name: string, eventName = 'push') => ({ eventName, ref: `refs/heads/${name}` });
export const tag = (name: string) => ({ eventName: 'push', ref: `refs/tags/${name}` });
export const pr = (n: number, base = 'master') => ({
  eventName: 'pull_request',
  ref: `refs/pull/${n}/merge`,
  payload: { repository: { default_branch: 'master' }, pull_request: { base: { ref: base } } }
});
export const schedule = () => ({ eventName: 'schedule', ref: 'refs/heads/master' });

export type Inputs = Record<string, string>;

export function inputs(values: Inputs, env: NodeJS.ProcessEnv = {}) {
  return readMetaInputs(name => values[name] ?? '', env);
}

export function meta(
  values: Inputs,
  over: Partial<MetaContext> = {},
  env: NodeJS.ProcessEnv = {}
): MetaResult {
  return computeMeta(inputs(values, env), ctx(over));
}

/** Tag names (without image) and the version for a tags input on an event. */
export function names(
  tags: string,
  over: Partial<MetaContext>,
  extra: Inputs = {},
  env: NodeJS.ProcessEnv = {}
) {
  const result = meta({ tags, ...extra }, over, env);
  return { version: result.version, tags: result.tagNames };
}

/** The context the stage loads for `inputs` in a run with the runner environment `env` (decide, then load). */
export async function load(inputs: MetaInputs, env: NodeJS.ProcessEnv): Promise<MetaContext> {
  return loadContext(planMeta(inputs, readRunContext(env)));
}
