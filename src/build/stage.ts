/**
 * The build stage's face. `read` checks every input (the local files the build reads, and whether
 * `attest`/`sign: true` can be honoured) and masks the secret ones; `decide` takes the tags,
 * labels and annotations from upstream (meta's, or none when the stage runs alone) and decides
 * the push; `run` asks the engine and the registries at once, builds, and attests what it pushed;
 * `write` sets the outputs and the summary; `post` removes a builder the main step made.
 */
import type { Face } from '../common/face.js';
import type { RunContext } from '../common/run-context.js';
import { setSecret, type InputSource } from '../common/runner.js';
import { judgeEvent } from '../common/trust.js';
import {
  attestBuild,
  attestLikely,
  checkAttestable,
  prepareAttest,
  readAttestInputs,
  type AttestInputs
} from './attest/index.js';
import { writeAttestOutputs } from './attest/outputs.js';
import { decideBuild, type BuildDecision, type BuildStageInputs, type BuildUpstream } from './decide.js';
import { readBuildInputs } from './inputs.js';
import { postBuild, runBuild, writeBuildOutputs, type BuildDeps, type BuildResult } from './main.js';
import { checkLocalPaths } from './paths.js';
import { checkPackagesPublic } from './package-visibility.js';
import { buildSecrets, maskSecrets } from './secrets.js';

export { indexAnnotations } from './annotations.js';
export type { BuildDecision, BuildStageInputs, BuildUpstream } from './decide.js';
export type { BuildResult } from './main.js';

export type BuildFace = Face<BuildStageInputs, BuildUpstream, BuildDecision, BuildResult>;

export interface BuildFaceOptions extends BuildDeps {
  /** Where the context, Dockerfile and secret files are found; the working folder by default. */
  cwd?: string;
}

/**
 * The checks `read` makes of parsed inputs: masks the secret values, refuses `attest`/`sign: true`
 * that the job cannot honour and, with `cwd`, local files that do not exist.
 */
export function checkBuildInputs(
  inputs: BuildStageInputs,
  ctx: RunContext,
  opts: { env: NodeJS.ProcessEnv; cwd?: string }
): void {
  maskSecrets(inputs, opts.env);
  checkAttestable(inputs.attest, ctx.canMintIdToken);
  checkAttestable(inputs.sign ?? 'false', ctx.canMintIdToken, 'sign');
  if (opts.cwd !== undefined) checkLocalPaths(inputs, opts.cwd);
}

/**
 * Every build input, checked, with the secret ones masked; without the local files (a merge of
 * platform images builds nothing here, and reads no Dockerfile).
 */
export function readIndexInputs(
  source: InputSource,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): BuildStageInputs {
  buildSecrets(source, env).forEach(setSecret);
  const inputs = { ...readBuildInputs(source), ...readAttestInputs(source) };
  checkBuildInputs(inputs, ctx, { env });
  return inputs;
}

export function createBuildFace(opts: BuildFaceOptions = {}): BuildFace {
  const env = () => opts.env ?? process.env;
  return {
    read(source, ctx) {
      buildSecrets(source, env()).forEach(setSecret);
      const inputs = { ...readBuildInputs(source), ...readAttestInputs(source) };
      checkBuildInputs(inputs, ctx, { env: env(), cwd: opts.cwd ?? process.cwd() });
      return inputs;
    },
    decide: decideBuild,
    run: decision => runBuild(decision, opts),
    write: result => writeBuildOutputs(result),
    post: ctx => postBuild(ctx, opts),
    secrets: source => buildSecrets(source, env())
  };
}

/** The stage run as its own step. */
export const buildFace: BuildFace = createBuildFace();

/**
 * An index pushed elsewhere (a merge of platform images): starts loading the Sigstore libraries
 * when it will likely be attested or signed, and returns what attests and signs it once its digest
 * is known, writes the attestation outputs and checks that its GHCR packages can be pulled.
 */
export function attestIndex(
  inputs: AttestInputs,
  ctx: RunContext,
  env: NodeJS.ProcessEnv = process.env
): (digest: string, tags: string[]) => Promise<void> {
  const trust = judgeEvent(ctx.eventName, ctx.payload);
  if (attestLikely(inputs, true, { canMint: ctx.canMintIdToken, trust })) prepareAttest();
  return async (digest, tags) => {
    writeAttestOutputs(await attestBuild(inputs, { pushed: true, digest, tags, ctx, trust, env }));
    await checkPackagesPublic(tags, digest, ctx);
  };
}
