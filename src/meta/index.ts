import { runStep, warning } from '../common/runner.js';
import { loadContext, readMetaInputs, runMeta, writeMetaOutputs } from './main.js';

void runStep(async () => {
  const inputs = readMetaInputs(undefined, process.env, warning);
  const context = await loadContext(inputs);
  await writeMetaOutputs(runMeta(inputs, context));
});
