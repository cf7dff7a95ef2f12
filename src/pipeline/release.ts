/**
 * The root action's release rules, shared by every mode: version tags looked up in every registry
 * before anything is pushed (immutable.ts), and a promotion (promote/) carried out with its summary
 * and outputs, for mode promote and for a rerun of a build or merge that already published.
 */
import { appendSummary, info, setOutput } from '../common/runner.js';
import type { RegistryClient } from '../common/registry/client.js';
import { guardTags, type Guard } from './immutable.js';
import { lookupTags } from './immutable-lookup.js';
import {
  planPromotion,
  repoOf,
  resolveSource,
  runPromotion,
  type PromoteResult,
  type ResolvedSource
} from './promote/index.js';
import type { SourceChoice } from './promote/source.js';
import { chooseSource } from './promote/source.js';
import { promoteSummary } from './promote/summary.js';
import type { TargetPlan } from './promote/plan.js';

export interface ReleaseRun {
  images: string[];
  /** Meta's full tags (`image:tag`). */
  tags: string[];
  /** This run's immutable tag names. */
  immutable: string[];
  sha: string;
  env: NodeJS.ProcessEnv;
  client: (registry: string) => RegistryClient;
}

/** Looks the immutable tags up; refuses (throws) or tells a clear run from a rerun. */
export async function guardRelease(run: ReleaseRun, digest?: string): Promise<Guard> {
  if (run.immutable.length === 0) return { kind: 'clear' };
  const images = run.images.map(image => ({ image, repo: repoOf(image) }));
  const lookups = await lookupTags(images, run.immutable, run.client, digest === undefined);
  const guard = guardTags(lookups, { digest, sha: run.sha });
  if (guard.kind === 'rerun') {
    const found = guard.existing.map(l => `${l.image}:${l.tag}`).join(', ');
    info(
      `Already published at ${guard.digest}: ${found}. Those are left as they are; this run completes the rest.`
    );
  }
  return guard;
}

/** Publishes `source` under every tag in every image, then writes the summary and outputs. */
export async function publish(
  run: ReleaseRun,
  source: ResolvedSource,
  text: string,
  planned?: TargetPlan[],
  rerun?: string
): Promise<PromoteResult> {
  const plans = planned ?? (await planPromotion(source, run, run.client));
  info(`Checked ${plans.length} targets: ${plans.map(p => p.target.image).join(', ')}`);
  const result = await runPromotion(source, plans, run.client);
  appendSummary(promoteSummary({ source: text, digest: result.digest, plans: result.plans, rerun }));
  setOutput('digest', result.digest);
  return result;
}

/** mode promote: the source chosen (an input error before any login when malformed). */
export function promoteSource(given: string, images: string[], shortSha: string): SourceChoice {
  return chooseSource(given, images, shortSha);
}

/** A build or merge whose version tags exist at an image of this commit: finish from that digest. */
export async function finishRerun(
  run: ReleaseRun,
  guard: Extract<Guard, { kind: 'rerun' }>,
  platforms: string[]
) {
  const text = `${guard.image}@${guard.digest}`;
  const choice = chooseSource(text, run.images, '');
  const source = await resolveSource(choice, platforms, run.client);
  const note =
    `Rerun: ${guard.existing.map(l => `${l.image}:${l.tag}`).join(', ')} already point to ${guard.digest}, ` +
    'an image of this commit; nothing was built, the registries and tags the earlier attempt did not reach get that digest.';
  return publish(run, source, text, undefined, note);
}
