import { runStep, setSecret, stepInputs, warning } from '../common/runner.js';
import { loadContext, readMetaInputs, runMeta, writeMetaOutputs } from './main.js';

void runStep(async () => {
  setSecret(stepInputs('github-token'));
  const inputs = readMetaInputs(undefined, process.env, warning);
  const context = await loadContext(inputs);
  await writeMetaOutputs(runMeta(inputs, context));
});
