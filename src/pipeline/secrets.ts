/**
 * Every secret among the root action's inputs, to mask before anything else is read or printed:
 * the login stage's (`password`, `registry-auth`, `github-token`, with the config's `auth` values),
 * the Docker Hub token, build `secrets` and `secret-envs` values, and prune's token.
 */
import type { RunContext } from '../common/run-context.js';
import type { InputSource } from '../common/runner.js';
import { createBuildFace } from '../build/stage.js';
import { createLoginFace } from '../login/stage.js';
import { pruneFace } from '../prune/stage.js';
import { stageSource } from './inputs.js';

export function rootSecrets(
  root: InputSource,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): string[] {
  const secrets = [
    ...createLoginFace({ root: true }).secrets(stageSource(root, 'login'), ctx),
    ...createBuildFace({ env }).secrets!(stageSource(root, 'build')),
    ...pruneFace.secrets(stageSource(root, 'prune'))
  ];
  return [...new Set(secrets.filter(Boolean))];
}
