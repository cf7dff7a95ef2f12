import { runStep, setSecret } from '../common/runner.js';
import { readPruneInputs, runPrune, writePruneOutputs } from './main.js';

void runStep(async () => {
  const inputs = readPruneInputs();
  setSecret(inputs.token);
  const result = await runPrune(inputs);
  writePruneOutputs(result);
  if (result.failure) throw new Error(result.failure);
});
