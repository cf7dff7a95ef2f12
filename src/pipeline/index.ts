import { isPost, markMainDone, runStep } from '../common/runner.js';
import { postPipeline, runPipeline } from './main.js';

void runStep(async () => {
  if (isPost()) return postPipeline();
  markMainDone();
  await runPipeline();
});
