/**
 * The root action: meta -> login -> build | merge | promote -> scan -> prune, in one process, by
 * composing the stages' faces. Every input of every stage is read and checked before anything
 * changes (readAll); then meta runs, and what depends on its result is decided (decideAll), still
 * before the first login. Each stage gets the values the one before it computed, in-process.
 */
import { readRunContext, type RunContext } from '../common/run-context.js';
import { notice, setOutput, setSecret, warning, type InputSource } from '../common/runner.js';
import { createLoginFace } from '../login/stage.js';
import { createBuildFace } from '../build/stage.js';
import { scanRefused } from '../scan/stage.js';
import { decideAll } from './decide.js';
import { createFaces, type Faces } from './faces.js';
import { rootStepInputs } from './inputs.js';
import { pruneFailed } from './prune-failure.js';
import { nothingToPublish, publishByMode, publishNothing } from './publish.js';
import { readAll } from './read.js';
import { rootSecrets } from './secrets.js';
import type { RootPlan } from './decide.js';

/** `image@digest` for every image. */
const pushedRefs = (images: string[], digest: string) => images.map(image => `${image}@${digest}`);

/** Prunes after the push; a failure says first that the image is out. */
async function pruneAfterPush(faces: Faces, decision: NonNullable<RootPlan['prune']>, pushed: string[]) {
  await faces.prune
    .run(decision)
    .then(result => faces.prune.write(result, { prefix: 'prune-' }))
    .catch((err: unknown) => {
      throw new Error(pruneFailed(pushed.join(', '), err), { cause: err });
    });
}

export async function runPipeline(
  root: InputSource = rootStepInputs,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd()
): Promise<void> {
  const ctx = readRunContext(env);
  // Every secret input is masked first, before anything can print.
  rootSecrets(root, ctx, env).forEach(setSecret);
  const faces = createFaces(env, cwd);
  const read = readAll(faces, root, ctx);
  const { mode } = read.pipeline;

  const meta = await faces.meta.run(faces.meta.decide(read.meta, undefined, ctx));
  faces.meta.write(meta);
  const plan = decideAll(faces, read, meta, ctx);
  if (plan.pruneSkip) notice(plan.pruneSkip);
  const nothing = nothingToPublish(mode, plan);
  if (nothing !== undefined) return publishNothing(mode, nothing);
  if (plan.build.push.warning && (mode === 'merge' || mode === 'promote')) warning(plan.build.push.warning);

  await faces.login.run(plan.logins);
  const digest = await publishByMode(faces, read, plan, meta, ctx);
  const pushed = digest ? pushedRefs(meta.images, digest) : [];
  setOutput('images', pushed.join('\n'));
  const build = mode === 'build' || mode === 'platform' ? read.build : undefined;
  const scanDecision = faces.scan.decide(read.scan, { images: meta.images, digest, build }, ctx);
  // A promotion was scanned before any tag moved (publishByMode); a platform's hand-off is not a release.
  const scanned = mode === 'platform' || mode === 'promote' ? undefined : await faces.scan.run(scanDecision);
  if (mode !== 'promote') faces.scan.write(scanned);

  if (plan.prune && digest) await pruneAfterPush(faces, plan.prune, pushed);
  if (scanned?.problem) throw new Error(scanRefused(pushed.join(', '), scanned.problem));
}

/** The post step: log out of what was logged in to, remove a builder that was created. */
export async function postPipeline(ctx: RunContext = readRunContext()): Promise<void> {
  await createLoginFace({ root: true }).post(ctx);
  await createBuildFace().post!(ctx);
}
