import { isPost, markMainDone, runStep } from '../common/runner.js';
import { postBuild, readBuildInputs, runBuild, writeBuildOutputs } from './main.js';

void runStep(async () => {
  if (isPost()) return postBuild();
  markMainDone();
  writeBuildOutputs(await runBuild(readBuildInputs()));
});
