/**
 * Everything checked and decided before the engine is touched: merged meta values, platforms,
 * push, feature gates, cache, index annotations. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../common/runner.js';
import { effectiveAttestation } from './attestations.js';
import { indexAnnotations, makesIndex, mergeKeyed, mergeUnique } from './annotations.js';
import { features, NEWEST, OLDEST_SUPPORTED, requireFeature, SINCE } from './buildx.js';
import { planCache, type CachePlan, type CacheService } from './cache.js';
import type { BuildInputs } from './inputs.js';
import { parsePlatform, type Platform } from './platforms.js';
import { decidePush, type PushDecision } from './push.js';
import { parseReference } from '../common/reference.js';
import type { Trust } from '../common/trust.js';

/** What the meta stage hands over in-process. */
export interface MetaValues {
  tags?: string[];
  labels?: string[];
  annotations?: string[];
}

export interface Resolved {
  tags: string[];
  labels: string[];
  annotations: string[];
  platforms: Platform[];
  decision: Pick<PushDecision, 'push' | 'reason'>;
  cache: CachePlan;
  metadataFile: boolean;
  /** `call` other than build: buildx evaluates the build (check, outline, ...) and nothing is published. */
  evaluates: boolean;
  /** What this buildx cannot do and is left out, for the log. */
  warnings: string[];
}

export interface ResolveContext {
  buildxVersion: string;
  containerdStore: boolean;
  /** The environment buildx runs in (BUILDX_NO_DEFAULT_ATTESTATIONS). */
  env: NodeJS.ProcessEnv;
  /** Whose code the event builds. */
  trust: Trust;
  /** The GitHub Actions cache service the runner offers. */
  cacheService: CacheService;
}

/**
 * Whether `--push` alone also loads the image: the docker driver's image exporter stores what it
 * pushes in the engine's image store, and a second (`--load`) exporter of the same image races it
 * (`image "…" already exists` in about a third of the runs). Other drivers load through a second
 * exporter (buildx and BuildKit 0.13 or newer).
 */
export function pushLoads(load: boolean, push: boolean, driver: string): boolean {
  return load && push && driver === 'docker';
}

function exportsImage(inputs: BuildInputs, push: boolean): boolean {
  return push || inputs.outputs.some(o => /(^|,)\s*type=(image|registry|oci)\b/.test(o));
}

/** `call: check` (or outline, targets, ...) evaluates the build instead of building it. */
export function evaluates(inputs: BuildInputs): boolean {
  return inputs.call !== '' && inputs.call.split(',')[0].trim() !== 'build';
}

/** The tags (meta's first) and whether they are pushed: known before the engine is asked anything. */
export function resolvePush(
  inputs: BuildInputs,
  meta: MetaValues,
  trust: Trust
): PushDecision & { tags: string[] } {
  const tags = mergeUnique(meta.tags ?? [], inputs.tags);
  tags.forEach(t => parseReference(t, 'tags'));
  const decision = decidePush(inputs.push, trust, tags);
  if (evaluates(inputs) && decision.push) {
    return {
      tags,
      push: false,
      build: true,
      reason: `call: ${inputs.call} evaluates the build, nothing is published`
    };
  }
  return { tags, ...decision };
}

/** Refuses the inputs this buildx cannot honour. */
function requireFeatures(inputs: BuildInputs, version: string): void {
  requireFeature(version, 'annotations', 'annotations', inputs.annotations.join(', '));
  requireFeature(version, 'attestations', 'provenance', inputs.provenance);
  requireFeature(version, 'attestations', 'sbom', inputs.sbom);
  requireFeature(version, 'attestations', 'attests', inputs.attests.join(', '));
  requireFeature(version, 'call', 'call', inputs.call);
}

export function resolveBuild(inputs: BuildInputs, meta: MetaValues, ctx: ResolveContext): Resolved {
  const { tags, push, reason } = resolvePush(inputs, meta, ctx.trust);
  const decision = { push, reason };
  const labels = mergeKeyed(meta.labels ?? [], inputs.labels);
  const platforms = inputs.platforms.map(p => parsePlatform(p));

  // What the user asked for and this buildx lacks is an input error; what meta adds, a warning.
  const version = ctx.buildxVersion;
  const has = features(version);
  requireFeatures(inputs, version);
  const warnings: string[] = [];
  let annotations = mergeUnique(meta.annotations ?? [], inputs.annotations);
  if (!has.annotations && annotations.length > 0) {
    warnings.push(
      `buildx ${version} cannot annotate images (needs ${SINCE.annotations} or newer): ${annotations.length} annotations left out`
    );
    annotations = [];
  }
  if (inputs.load && platforms.length > 1 && !ctx.containerdStore) {
    throw new InputError(
      `Input "load" is true with ${platforms.length} platforms (${inputs.platforms.join(', ')}), but this ` +
        'Docker engine has no containerd image store and holds one platform per image: load one platform, ' +
        'or enable the containerd image store',
      ['load', 'platforms']
    );
  }

  const evaluating = evaluates(inputs);
  if (has.annotations && !evaluating && exportsImage(inputs, decision.push)) {
    const index = makesIndex({
      platforms: inputs.platforms,
      provenance: effectiveAttestation('provenance', inputs.provenance, inputs.attests),
      sbom: effectiveAttestation('sbom', inputs.sbom, inputs.attests),
      attestationsByDefault: has.attestations && !ctx.env.BUILDX_NO_DEFAULT_ATTESTATIONS
    });
    if (index) annotations = [...annotations, ...indexAnnotations(labels, annotations)];
  }

  const cache = planCache({
    mode: evaluating ? 'none' : inputs.cache,
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    push: decision.push,
    firstImage: tags.length > 0 ? parseReference(tags[0]).name : '',
    platforms: inputs.platforms,
    buildxVersion: version,
    service: ctx.cacheService
  });
  return {
    tags,
    labels,
    annotations,
    platforms,
    decision,
    cache,
    metadataFile: has.metadataFile,
    evaluates: evaluating,
    warnings
  };
}

/**
 * The plan when it is the same on every supported buildx (the oldest and any newer one), so that
 * buildx can start before its version is known; undefined when the version decides (`call`, or the
 * GitHub cache service that only newer buildx reaches) or the inputs are refused.
 */
export function planForAnyVersion(
  inputs: BuildInputs,
  meta: MetaValues,
  ctx: Omit<ResolveContext, 'buildxVersion'>
): Resolved | undefined {
  try {
    const oldest = resolveBuild(inputs, meta, { ...ctx, buildxVersion: OLDEST_SUPPORTED });
    const newest = resolveBuild(inputs, meta, { ...ctx, buildxVersion: NEWEST });
    return isDeepStrictEqual(oldest, newest) ? newest : undefined;
  } catch {
    return undefined;
  }
}
