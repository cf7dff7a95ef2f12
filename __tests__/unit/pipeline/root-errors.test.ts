import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { InputError } from '../../../src/common/errors.js';
import { readRunContext } from '../../../src/common/run-context.js';
import { createLoginFace } from '../../../src/login/stage.js';
import { pruneFace } from '../../../src/prune/stage.js';
import { asRoot, stageSource } from '../../../src/pipeline/inputs.js';
import { ROOT } from '../../support/action-runner.js';

const rootInputs = Object.keys(
  (load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs
);
const ctx = readRunContext({ GITHUB_REPOSITORY: 'o/app', GITHUB_ACTOR: 'someone' });
const from = (values: Record<string, string>) => (name: string) => values[name] ?? '';

/** The error the root action throws for these root inputs, read as it reads the stage. */
function rootError(read: () => unknown): InputError {
  try {
    read();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('the root action names its own inputs in a stage error', () => {
  test('prune: keep-n-untagged against delete-untagged', () => {
    const root = from({
      'prune-keep-n-untagged': '3',
      'prune-delete-untagged': 'false',
      'prune-token': 't',
      'prune-owner': 'o'
    });
    const err = rootError(() => asRoot('prune', () => pruneFace.read(stageSource(root, 'prune'), ctx)));
    expect(err.message).toBe(
      'Inputs "prune-keep-n-untagged" (3) and "prune-delete-untagged" (false) contradict each other: ' +
        'keep-n-untagged only applies when untagged versions are deleted'
    );
    expect(err.inputs).toEqual(['prune-keep-n-untagged', 'prune-delete-untagged']);
    expect(rootInputs).toEqual(expect.arrayContaining([...err.inputs]));
  });

  test('prune: three inputs that leave nothing to delete', () => {
    const root = from({ 'prune-delete-untagged': 'false', 'prune-token': 't', 'prune-owner': 'o' });
    const err = rootError(() => asRoot('prune', () => pruneFace.read(stageSource(root, 'prune'), ctx)));
    expect(err.message).toBe(
      'Inputs "prune-delete-untagged" (false), "prune-keep-n-tagged" (unset) and "prune-delete-tags" (empty) leave nothing to delete'
    );
    expect(rootInputs).toEqual(expect.arrayContaining([...err.inputs]));
  });

  test('login: a Docker Hub token and an OIDC connection', () => {
    const root = from({
      'dockerhub-username': 'someone',
      'dockerhub-token': 'secret-token',
      'dockerhub-oidc-connection-id': '0f8b6c1e-2d3a-4b5c-9e7f-1a2b3c4d5e6f'
    });
    const login = createLoginFace({ root: true, env: {} });
    const err = rootError(() => asRoot('login', () => login.read(stageSource(root, 'login'), ctx)));
    expect(err.message).toBe(
      'Inputs "dockerhub-token" and "dockerhub-oidc-connection-id" both give the Docker Hub login: a token or an OIDC connection, not both'
    );
    expect(err.inputs).toEqual(['dockerhub-token', 'dockerhub-oidc-connection-id']);
    expect(rootInputs).toEqual(expect.arrayContaining([...err.inputs]));
  });

  test('login: registry-auth beside the single login inputs', () => {
    const root = from({ 'registry-auth': '- registry: quay.io\n  scope: o/app\n' });
    const login = createLoginFace({ root: true, env: {} });
    const err = rootError(() => asRoot('login', () => login.read(stageSource(root, 'login'), ctx)));
    expect(err.message).toMatch(/^Input "registry-auth" item 1 has a scope/);
    expect(rootInputs).toEqual(expect.arrayContaining([...err.inputs]));
  });
});
