/**
 * The root action's inputs: every stage's inputs under one roof. A stage input keeps its name unless
 * two stages would clash (meta's `context` becomes `meta-context`, prune's inputs take a `prune-`
 * prefix); build's tags, labels and annotations come from meta in-process.
 */
import { booleanFrom, getInput, InputError, type InputSource } from '../common/runner.js';
import { readImmutableTags, type ImmutableRule } from './immutable.js';

export type Stage = 'meta' | 'login' | 'build' | 'prune';
export const MODES = ['build', 'platform', 'merge', 'promote'] as const;
export type Mode = (typeof MODES)[number];

const FROM_META = null;

/** A stage input's name on the root action, or null where the pipeline supplies the value itself. */
export function rootName(stage: Stage, name: string): string | null {
  if (stage === 'meta' && name === 'context') return 'meta-context';
  if (stage === 'build' && ['tags', 'labels', 'annotations'].includes(name)) return FROM_META;
  // The root action logs in for its own pushes and merges, which read the main Docker config.
  if (stage === 'login' && name === 'scope') return null;
  if (stage === 'prune') return `prune-${name}`;
  return name;
}

/**
 * The root step's own inputs, trimmed as each stage's step trims them: meta's separators keep their
 * whitespace (`sep-tags: ' '`), as on the meta stage and in metadata-action.
 */
export const rootStepInputs: InputSource = name => getInput(name, { trim: !name.startsWith('sep-') });

/** A stage's view of the root inputs; `overrides` supply values the pipeline computes. */
export function stageSource(
  root: InputSource,
  stage: Stage,
  overrides: Record<string, string> = {}
): InputSource {
  return name => {
    if (name in overrides) return overrides[name];
    const mapped = rootName(stage, name);
    return mapped === null ? '' : root(mapped);
  };
}

export interface PipelineInputs {
  mode: Mode;
  dockerhubUsername: string;
  prune: boolean;
  /** mode promote: the image to publish ('' for this commit's `sha-<short>` image). */
  source: string;
  immutableTags: ImmutableRule;
}

export function readPipelineInputs(root: InputSource): PipelineInputs {
  const mode = (root('mode') || 'build') as Mode;
  if (!MODES.includes(mode)) {
    throw new InputError(`Input "mode" must be one of ${MODES.join(', ')}, got "${mode}"`, ['mode']);
  }
  const source = root('source');
  if (source && mode !== 'promote') {
    throw new InputError(
      `Input "source" is set ("${source}") with mode "${mode}": only mode "promote" publishes an existing image (set mode: promote, or leave source empty to build)`,
      ['source', 'mode']
    );
  }
  return {
    mode,
    dockerhubUsername: root('dockerhub-username'),
    prune: booleanFrom(root, 'prune', false),
    source,
    immutableTags: readImmutableTags(root('immutable-tags'))
  };
}
