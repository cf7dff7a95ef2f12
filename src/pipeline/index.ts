import { runStep, warning } from '../common/runner.js';
import { loadContext, readMetaInputs, runMeta, writeMetaOutputs } from '../meta/main.js';

// Placeholder until the full pipeline (meta -> login -> build -> prune) lands: the meta stage only.
void runStep(async () => {
  const inputs = readMetaInputs(undefined, process.env, warning);
  await writeMetaOutputs(runMeta(inputs, await loadContext(inputs)));
});
