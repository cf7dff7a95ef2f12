/**
 * The login stage's face. `read` masks every secret and checks the inputs (the stage alone: every
 * login, the job's ID token for a Docker OIDC connection); `decide` picks the registries and their
 * credentials (in the root action from the images and the build's push); `run` logs in, minting an
 * OIDC password just before the login that uses it, and saves the signed state; `write` the
 * `registries` output; `post` logs out and puts back what the logins replaced.
 */
import type { Face } from '../common/face.js';
import type { RunContext } from '../common/run-context.js';
import { setSecret, type InputSource } from '../common/runner.js';
import { decideLogins, type LoginDecision, type LoginUpstream } from './decide.js';
import { readLoginInputs, readRootLoginInputs, type LoginInputs } from './inputs.js';
import { postLogin, runLogin, writeLoginOutputs, type LoginResult } from './main.js';
import { loginSecrets } from './secrets.js';

export type { LoginDecision, LoginUpstream } from './decide.js';
export type { LoginInputs } from './inputs.js';
export type { LoginResult } from './main.js';

export interface LoginFaceOptions {
  /**
   * The root action's logins: its `dockerhub-username`/`dockerhub-token` too, the single inputs
   * beside `registry-auth`, no scope, decided from the build's push (LoginUpstream).
   */
  root?: boolean;
  /** The environment of the docker commands and of DOCKERHUB_OIDC_CONNECTIONID; the step's by default. */
  env?: NodeJS.ProcessEnv;
}

export type LoginFace = Face<LoginInputs, LoginUpstream | undefined, LoginDecision, LoginResult> & {
  secrets(source: InputSource, ctx: RunContext): string[];
  post(ctx: RunContext): Promise<void>;
};

export function createLoginFace(opts: LoginFaceOptions = {}): LoginFace {
  const env = opts.env ?? process.env;
  const secrets = (source: InputSource, ctx: RunContext) => loginSecrets(source, ctx.actor, opts.root);
  return {
    read(source, ctx) {
      secrets(source, ctx).forEach(setSecret);
      return opts.root ? readRootLoginInputs(source, ctx, env) : readLoginInputs(source, ctx, env);
    },
    decide: decideLogins,
    run: decision => runLogin(decision, { env }),
    write: writeLoginOutputs,
    post: () => postLogin({ env }),
    secrets
  };
}

/** The stage run as its own step. */
export const loginFace: LoginFace = createLoginFace();
