/**
 * What the root action does, decided from meta's result before the first login: build's push and
 * tags (whose code the event builds), the logins that push needs, prune's packages, and for a
 * promotion its source. Pure: no I/O.
 */
import type { BuildDecision } from '../build/stage.js';
import type { LoginDecision } from '../login/stage.js';
import { shortSha, type MetaResult } from '../meta/stage.js';
import type { PrunePlanDecision } from '../prune/stage.js';
import type { RunContext } from '../common/run-context.js';
import type { Faces } from './faces.js';
import { handoffRefs } from './handoff.js';
import { asRoot } from './inputs.js';
import type { RootInputs } from './read.js';
import { promoteSource } from './release.js';
import type { SourceChoice } from './promote/source.js';

export interface RootPlan {
  build: BuildDecision;
  logins: LoginDecision;
  /** Prune after the push; undefined when this run prunes nothing. */
  prune?: PrunePlanDecision;
  /** Why a prune that was asked for does not run (a notice). */
  pruneSkip?: string;
  /** mode promote: the image to publish. */
  source?: SourceChoice;
}

export function decideAll(faces: Faces, read: RootInputs, meta: MetaResult, ctx: RunContext): RootPlan {
  const { mode } = read.pipeline;
  // A platform job pushes under its run-scoped handoff tag; a merge publishes only what the
  // platform jobs pushed, so it decides as they did, with their handoff tags.
  const handoff = mode === 'platform' || mode === 'merge' ? read.build.platforms[0] : '';
  const tags = handoff ? handoffRefs(meta.images, ctx.runId, handoff) : meta.tags;
  const upstream = { tags, labels: meta.labels, annotations: meta.annotations };
  const build = asRoot('build', () => faces.build.decide(read.build, upstream, ctx));
  // A build that pushes nothing (a pull request) still logs in for its pulls, with what it has.
  const pull = build.pulls && mode !== 'merge';
  const loginUpstream = { images: meta.images, push: build.push.push, pull, trusted: build.trust.trusted };
  const logins = asRoot('login', () => faces.login.decide(read.login, loginUpstream, ctx));
  // Credentials for a registry other than GitHub's: a login of this run, or the Docker config.
  const given = logins.logins.filter(l => l.password && !l.githubToken).map(l => l.registry);
  const pruneChoice =
    read.prune &&
    asRoot('prune', () => faces.prune.decide(read.prune!, { images: meta.images, logins: given }, ctx));
  const source =
    mode === 'promote'
      ? promoteSource(read.pipeline.source, meta.images, shortSha(ctx.sha, read.meta.settings.shortShaLength))
      : undefined;
  // Prune only after a push, never a platform's hand-off, and only packages this run pushed.
  const pruning = pruneChoice && build.push.push && mode !== 'platform' ? pruneChoice : undefined;
  return {
    build,
    logins,
    ...(pruning && !pruning.skip ? { prune: pruning } : {}),
    ...(pruning?.skip ? { pruneSkip: pruning.skip } : {}),
    ...(source ? { source } : {})
  };
}
