/**
 * The build's decision (pure): whose code the event builds, the tags (meta's first) and whether they
 * are pushed, and whether the pushed index will likely be attested. What needs the engine (the
 * builder, the plan for this buildx) is decided in `run`, once the engine has answered.
 */
import type { RunContext } from '../common/run-context.js';
import { judgeEvent, type Trust } from '../common/trust.js';
import { attestLikely, type AttestInputs } from './attest/index.js';
import type { BuildInputs } from './inputs.js';
import { evaluates, resolvePush, type MetaValues } from './plan.js';
import type { PushDecision } from './push.js';

/** Every build input, with those of attesting and signing. */
export type BuildStageInputs = BuildInputs & AttestInputs;

/** What the build decides from: meta's tags, labels and annotations (nothing when it runs alone). */
export type BuildUpstream = MetaValues;

export interface BuildDecision {
  inputs: BuildStageInputs;
  meta: MetaValues;
  ctx: RunContext;
  trust: Trust;
  /** The tags, whether anything is built, and whether it is pushed (with why). */
  push: PushDecision & { tags: string[] };
  /** Pushing, attest or sign asked, an OIDC token at hand, own code: Sigstore loads while it builds. */
  attestLikely: boolean;
  /** It builds (not only evaluates, as `call: check` does), so it pulls its base images. */
  pulls: boolean;
}

export function decideBuild(inputs: BuildStageInputs, meta: BuildUpstream, ctx: RunContext): BuildDecision {
  const trust = judgeEvent(ctx.eventName, ctx.payload);
  const push = resolvePush(inputs, meta, trust);
  return {
    inputs,
    meta,
    ctx,
    trust,
    push,
    attestLikely: attestLikely(inputs, push.push, { canMint: ctx.canMintIdToken, trust }),
    pulls: push.build && !evaluates(inputs)
  };
}
