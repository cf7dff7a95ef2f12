import { isPost, markMainDone, runStep, setSecret, stepInputs } from '../common/runner.js';
import { readAttestInputs } from './attest/mode.js';
import { postBuild, readBuildInputs, runBuild, writeBuildOutputs } from './main.js';
import { buildSecrets } from './secrets.js';

void runStep(async () => {
  buildSecrets(stepInputs).forEach(setSecret);
  if (isPost()) return postBuild();
  markMainDone();
  writeBuildOutputs(await runBuild({ ...readBuildInputs(), ...readAttestInputs(stepInputs) }));
});
