import { runStep, setSecret, stepInputs } from '../common/runner.js';
import { readPruneInputs, runPrune, writePruneOutputs } from './main.js';

void runStep(async () => {
  setSecret(stepInputs('token'));
  const inputs = readPruneInputs();
  const result = await runPrune(inputs);
  writePruneOutputs(result);
  if (result.failure) throw new Error(result.failure);
});
