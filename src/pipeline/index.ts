import { readRunContext } from '../common/run-context.js';
import { isPost, markMainDone, runStep, setSecret } from '../common/runner.js';
import { rootStepInputs } from './inputs.js';
import { postPipeline, runPipeline } from './main.js';
import { rootSecrets } from './secrets.js';

void runStep(async () => {
  if (isPost()) {
    const ctx = readRunContext();
    rootSecrets(rootStepInputs, ctx).forEach(setSecret);
    return postPipeline(ctx);
  }
  markMainDone();
  await runPipeline();
});
