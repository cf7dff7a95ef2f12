/**
 * Every input of the root action, read before anything changes, on every event (also where a stage
 * will not run, as prune on a pull request): the pipeline's own, then each stage's under the root's
 * names, each error naming the root action's inputs.
 */
import { readIndexInputs, type BuildStageInputs } from '../build/stage.js';
import type { LoginInputs } from '../login/stage.js';
import type { MetaInputs } from '../meta/stage.js';
import type { PruneInputs } from '../prune/stage.js';
import type { ScanFaceInputs } from '../scan/stage.js';
import { InputError, type InputSource } from '../common/runner.js';
import type { RunContext } from '../common/run-context.js';
import type { Faces } from './faces.js';
import { defaultImages } from './images.js';
import { asRoot, readPipelineInputs, stageSource, type Mode, type PipelineInputs } from './inputs.js';

export interface RootInputs {
  pipeline: PipelineInputs;
  meta: MetaInputs;
  /** Build's inputs; for merge and promote only the platforms and the attestation matter. */
  build: BuildStageInputs;
  scan: ScanFaceInputs;
  login: LoginInputs;
  /** Only with `prune: true`. */
  prune?: PruneInputs;
}

// mode platform never attests: its image is a hand-off, not a release; a promotion carries the
// source's own attestations and signatures over.
const NO_ATTEST = { attest: 'false', sign: 'false', 'github-token': '' };

/** Build's inputs: merge and promote build nothing (a merge reads no Dockerfile). */
function readBuild(faces: Faces, root: InputSource, ctx: RunContext, mode: Mode): BuildStageInputs {
  const overrides = mode === 'platform' || mode === 'promote' ? NO_ATTEST : {};
  const source = stageSource(root, 'build', overrides);
  return mode === 'merge' || mode === 'promote'
    ? readIndexInputs(source, ctx, faces.env)
    : faces.build.read(source, ctx);
}

/** The platforms a platform job builds (exactly one) and a merge joins (at least one). */
export function checkPlatforms(mode: Mode, platforms: readonly string[]): void {
  if (mode === 'platform' && platforms.length !== 1) {
    throw new InputError(
      `Input "platforms" must name exactly one platform with mode "platform", got "${platforms.join(',')}"`,
      ['platforms']
    );
  }
  if (mode === 'merge' && platforms.length === 0) {
    throw new InputError('Input "platforms" must list the platforms to merge with mode "merge"', [
      'platforms',
      'mode'
    ]);
  }
}

export function readAll(faces: Faces, root: InputSource, ctx: RunContext): RootInputs {
  const pipeline = readPipelineInputs(root);
  const images: Record<string, string> = root('images')
    ? {}
    : { images: defaultImages(ctx, pipeline.dockerhubUsername).join('\n') };
  // The root action's own default (see action.yml): floating tags stay on the highest release.
  const floating = { 'floating-tags': root('floating-tags') || 'highest' };
  const meta = asRoot('meta', () =>
    faces.meta.read(stageSource(root, 'meta', { ...images, ...floating }), ctx)
  );
  const build = asRoot('build', () => readBuild(faces, root, ctx, pipeline.mode));
  checkPlatforms(pipeline.mode, build.platforms);
  const scan = asRoot('scan', () => faces.scan.read(stageSource(root, 'scan'), ctx));
  const login = asRoot('login', () => faces.login.read(stageSource(root, 'login'), ctx));
  const prune = pipeline.prune
    ? asRoot('prune', () => faces.prune.read(stageSource(root, 'prune'), ctx))
    : undefined;
  return { pipeline, meta, build, scan, login, ...(prune ? { prune } : {}) };
}
