import { isPost, markMainDone, runStep, stepInputs } from '../common/runner.js';
import { readAttestInputs } from './attest/mode.js';
import { postBuild, readBuildInputs, runBuild, writeBuildOutputs } from './main.js';

void runStep(async () => {
  if (isPost()) return postBuild();
  markMainDone();
  writeBuildOutputs(await runBuild({ ...readBuildInputs(), ...readAttestInputs(stepInputs) }));
});
