/**
 * The prune stage's face: read the inputs, decide the packages (the ones this run pushed, or the
 * repository's own), run the prune, write its outputs and summary.
 */
import type { Face } from '../common/face.js';
import type { RunContext } from '../common/run-context.js';
import type { InputSource } from '../common/runner.js';
import { decidePrune, type PrunePlanDecision, type PruneUpstream } from './decide.js';
import { readPruneInputs, type PruneInputs } from './inputs.js';
import { writePruneOutputs, type WriteOptions } from './outputs.js';
import type { PruneResult } from './result.js';
import { runPrune } from './run.js';

export type { PrunePlanDecision, PruneUpstream } from './decide.js';
export type { PruneInputs } from './inputs.js';
export type { PruneResult } from './result.js';

export const pruneFace = {
  read: (source: InputSource, ctx: RunContext) => readPruneInputs(source, ctx),
  decide: decidePrune,
  run: (decision: PrunePlanDecision) => runPrune(decision),
  /** Writes the outputs (under `opts.prefix` in the root action) and the summary; a failed prune then throws. */
  write(result: PruneResult, opts: Pick<WriteOptions, 'prefix'> = {}): void {
    writePruneOutputs(result, opts);
    if (result.failure) throw new Error(result.failure);
  },
  secrets: (source: InputSource) => [source('token')]
} satisfies Face<PruneInputs, PruneUpstream, PrunePlanDecision, PruneResult>;
