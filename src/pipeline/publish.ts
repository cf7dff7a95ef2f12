/**
 * The image this run publishes, by mode: a build (its own face), a merge of the platform jobs'
 * images, or a promotion of an existing digest. Version tags never move: they are looked up in every
 * registry before anything is pushed anywhere, and a rerun completes from the digest they hold.
 */
import { attestIndex, indexAnnotations } from '../build/stage.js';
import type { MetaResult } from '../meta/stage.js';
import type { RunContext } from '../common/run-context.js';
import { appendSummary, notice, setOutput } from '../common/runner.js';
import type { RootPlan } from './decide.js';
import type { Faces } from './faces.js';
import { immutableTagNames } from './immutable.js';
import type { Mode } from './inputs.js';
import { runMerge } from './merge.js';
import { clientsFor, planPromotion, resolveSource } from './promote/index.js';
import type { SourceChoice } from './promote/source.js';
import type { RootInputs } from './read.js';
import { finishRerun, guardRelease, publish, type ReleaseRun } from './release.js';

/** Whether anything is built, merged or promoted; if not, why (a notice, and empty outputs). */
export function nothingToPublish(mode: Mode, plan: RootPlan): string | undefined {
  const { push } = plan.build;
  if (push.build && !((mode === 'merge' || mode === 'promote') && !push.push)) return undefined;
  if (mode === 'promote') return `Nothing to promote: ${push.reason}`;
  if (mode === 'merge')
    return `Nothing to merge: the platform jobs of this run pushed no image (${push.reason})`;
  return push.reason;
}

/** Nothing is built or merged: one notice says why, and no login, build or prune happens. */
export function publishNothing(mode: Mode, reason: string): void {
  notice(reason);
  if (mode === 'promote' || mode === 'merge') setOutput('digest', '');
  setOutput('images', '');
}

/** Index annotations for a merged index: meta's `index:` ones, plus description/source/licenses. */
function mergeAnnotations(meta: MetaResult): string[] {
  const explicit = meta.annotations.filter(a => a.startsWith('index:'));
  return [...explicit, ...indexAnnotations(meta.labels, meta.annotations)];
}

/** Scans the source before any tag moves; findings at or above `scan-fail-on` refuse the promotion. */
export type PromoteGate = (source: { image: string; digest: string }) => Promise<void>;

async function promote(
  release: ReleaseRun,
  choice: SourceChoice,
  platforms: string[],
  gate: PromoteGate
): Promise<string> {
  const source = await resolveSource(choice, platforms, release.client);
  await gate({ image: choice.ref.name, digest: source.digest });
  // The version tags and what each target holds are read at once; nothing is pushed before both.
  const [, plans] = await Promise.all([
    guardRelease(release, source.digest),
    planPromotion(source, release, release.client)
  ]);
  return (await publish(release, source, choice.text, plans)).digest;
}

async function merge(read: RootInputs, meta: MetaResult, ctx: RunContext, env: NodeJS.ProcessEnv) {
  const attest = attestIndex(read.build, ctx, env);
  const platforms = read.build.platforms;
  const merged = await runMerge({
    images: meta.images,
    tags: meta.tags,
    platforms,
    runId: ctx.runId,
    annotations: mergeAnnotations(meta)
  });
  setOutput('digest', merged.digest);
  appendSummary(`### Merged index\n\n\`${merged.digest}\` from ${platforms.join(', ')}\n`);
  await attest(merged.digest, meta.tags);
  return merged.digest;
}

/** Publishes by mode; the digest pushed ('' for a build that pushed nothing, or a platform's hand-off). */
export async function publishByMode(
  faces: Faces,
  read: RootInputs,
  plan: RootPlan,
  meta: MetaResult,
  ctx: RunContext
): Promise<string> {
  const { mode } = read.pipeline;
  const release: ReleaseRun = {
    images: meta.images,
    tags: meta.tags,
    immutable: immutableTagNames(read.pipeline.immutableTags, meta.tagNames, meta.versionTags),
    sha: ctx.sha,
    env: faces.env,
    client: clientsFor(faces.env)
  };
  if (mode === 'promote' && plan.source) {
    return promote(release, plan.source, read.build.platforms, async source => {
      const scanned = await faces.scan.run(
        faces.scan.decide(read.scan, { images: [source.image], ...source }, ctx)
      );
      faces.scan.write(scanned);
      if (scanned?.problem) {
        throw new Error(
          `Not promoting ${source.image}@${source.digest}: the vulnerability scan found ${scanned.problem}; no tag was moved`
        );
      }
    });
  }
  if (mode !== 'platform' && plan.build.push.push) {
    const guard = await guardRelease(release);
    if (guard.kind === 'rerun') return (await finishRerun(release, guard, read.build.platforms)).digest;
  }
  if (mode === 'merge') return merge(read, meta, ctx, faces.env);
  const result = await faces.build.run(plan.build);
  faces.build.write(result);
  return result.pushed ? result.digest : '';
}
