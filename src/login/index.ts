import { isPost, markMainDone, runStep } from '../common/runner.js';
import { postLogin, readLoginInputs, runLogin, writeLoginOutputs } from './main.js';

void runStep(async () => {
  if (isPost()) return postLogin();
  markMainDone();
  writeLoginOutputs(await runLogin(readLoginInputs()));
});
