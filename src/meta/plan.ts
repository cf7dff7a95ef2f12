/**
 * What the meta stage will read before it computes (its `decide`, pure): the ref and commit the
 * tags are made for, as metadata-action takes them from the event, or from the checkout with
 * context=git; and the repos API of the run's repository, when the run names one.
 */
import type { RunContext } from '../common/run-context.js';
import type { ApiTarget } from './github-api.js';
import type { MetaInputs } from './inputs.js';

export interface MetaPlan {
  inputs: MetaInputs;
  ctx: RunContext;
  /** The event's ref and commit; undefined with context=git, where they are read from the checkout. */
  event?: { ref: string; sha: string };
  /** The repository's REST API; undefined when the run names no repository. */
  api?: ApiTarget;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;

/**
 * The event's ref and commit as metadata-action reads them: a pull_request_target builds the pull
 * request's merge ref, and DOCKER_METADATA_PR_HEAD_SHA takes a pull request's head commit.
 */
function eventRefSha(inputs: MetaInputs, ctx: RunContext): { ref: string; sha: string } {
  let { ref, sha } = ctx;
  if (/pull_request_target/.test(ctx.eventName)) ref = `refs/pull/${String(ctx.payload.number)}/merge`;
  const headSha = obj(obj(ctx.payload.pull_request)?.head)?.sha;
  if (inputs.settings.prHeadSha && /pull_request/.test(ctx.eventName) && headSha != undefined)
    sha = String(headSha);
  return { ref, sha };
}

export function planMeta(inputs: MetaInputs, ctx: RunContext): MetaPlan {
  const { owner, repo } = ctx;
  return {
    inputs,
    ctx,
    event: inputs.context === 'git' ? undefined : eventRefSha(inputs, ctx),
    api: owner && repo ? { baseUrl: ctx.apiUrl, owner, repo, token: inputs.githubToken } : undefined
  };
}
