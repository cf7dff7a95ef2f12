import { isPost, markMainDone, runStep, setSecret, stepInputs } from '../common/runner.js';
import { postLogin, readLoginInputs, runLogin, writeLoginOutputs } from './main.js';
import { loginSecrets } from './secrets.js';

void runStep(async () => {
  loginSecrets(stepInputs).forEach(setSecret);
  if (isPost()) return postLogin();
  markMainDone();
  writeLoginOutputs(await runLogin(readLoginInputs()));
});
