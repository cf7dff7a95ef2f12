/**
 * The root action's inputs: every stage's inputs under one roof. A stage input keeps its name unless
 * two stages would clash (meta's `context` becomes `meta-context`, prune's inputs take a `prune-`
 * prefix); build's tags, labels and annotations come from meta in-process.
 */
import { booleanFrom, getInput, InputError, type InputSource } from '../common/runner.js';
import { readImmutableTags, type ImmutableRule } from './immutable.js';
import { INPUT_NAMES, type Stage } from './input-names.js';

export type { Stage } from './input-names.js';
export const MODES = ['build', 'platform', 'merge', 'promote'] as const;
export type Mode = (typeof MODES)[number];

const namesOf = (stage: Stage): Readonly<Record<string, string | null>> => INPUT_NAMES[stage];

/**
 * A stage input's name on the root action, or null where the root action supplies the value itself
 * (src/pipeline/input-names.ts, generated with action.yml). A name the table does not know is a
 * stage input added without `npm run docs`: an error, not a silent empty value.
 */
export function rootName(stage: Stage, name: string): string | null {
  const names = namesOf(stage);
  if (!Object.hasOwn(names, name)) {
    throw new Error(`The root action has no name for the ${stage} input "${name}": run \`npm run docs\``);
  }
  return names[name];
}

/** A stage's InputError with the root action's names for the inputs it lists. */
export function rootError(stage: Stage, err: InputError): InputError {
  const names = namesOf(stage);
  return err.renamed(name => (Object.hasOwn(names, name) ? names[name] : null) ?? name);
}

/** Runs a stage's reader or decision so that its input errors name the root action's inputs. */
export function asRoot<T>(stage: Stage, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw err instanceof InputError ? rootError(stage, err) : err;
  }
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
