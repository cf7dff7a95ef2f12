/**
 * The meta stage's face. `read` checks the inputs (and the DOCKER_METADATA_* / SOURCE_DATE_EPOCH
 * settings) and masks the token; `decide` plans what to read (the event's ref and commit, or the
 * checkout's; the repository's API); `run` reads it (repos API, Git tags, commit date, git) into
 * one context, then computes tags, labels and annotations from it; `write` publishes them as
 * metadata-action does. Meta comes first: no stage feeds it.
 */
import type { Face } from '../common/face.js';
import { setSecret, type InputSource } from '../common/runner.js';
import { computeMeta } from './compute.js';
import { loadContext } from './context.js';
import { readMetaInputs, type MetaInputs } from './inputs.js';
import { writeMetaOutputs, type WriteOptions } from './outputs.js';
import { planMeta, type MetaPlan } from './plan.js';
import type { MetaResult } from './result.js';

export type { MetaResult };
export type { MetaInputs } from './inputs.js';
/** `sha-<short>`'s short commit, as meta writes it (DOCKER_METADATA_SHORT_SHA_LENGTH). */
export { shortSha } from './expressions.js';

/** Nothing: meta is the first stage. */
export type MetaUpstream = undefined;

export type MetaFace = Face<MetaInputs, MetaUpstream, MetaPlan, MetaResult>;

export interface MetaFaceOptions extends WriteOptions {
  /** Where the DOCKER_METADATA_* and SOURCE_DATE_EPOCH settings are read; the step's environment by default. */
  env?: NodeJS.ProcessEnv;
}

const secrets = (source: InputSource) => [source('github-token').trim()];

export function createMetaFace(opts: MetaFaceOptions = {}): MetaFace {
  return {
    read(source) {
      secrets(source).forEach(setSecret);
      return readMetaInputs(source, opts.env ?? process.env);
    },
    decide: (inputs, _upstream, ctx) => planMeta(inputs, ctx),
    run: async plan => computeMeta(plan.inputs, await loadContext(plan)),
    write: result => writeMetaOutputs(result, { childEnv: opts.childEnv }),
    secrets
  };
}

/** The stage run as its own step. */
export const metaFace: MetaFace = createMetaFace();
