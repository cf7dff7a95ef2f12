import { isPost, markMainDone, runStep, setSecret } from '../common/runner.js';
import { rootStepInputs } from './inputs.js';
import { postPipeline, runPipeline } from './main.js';
import { rootSecrets } from './secrets.js';

void runStep(async () => {
  if (isPost()) {
    rootSecrets(rootStepInputs).forEach(setSecret);
    return postPipeline();
  }
  markMainDone();
  await runPipeline();
});
