/**
 * The root action: meta -> login -> build (or a platform build, or a merge) -> prune, in one process.
 * Every input of every stage is read and checked before anything changes, on every event (also
 * where a stage will not run, as prune on a pull request): first the inputs themselves, then what
 * depends on meta's result (tags, prune packages, logins), and only then the first login. Each
 * stage gets the values the one before it computed, in-process.
 */
import {
  appendSummary,
  InputError,
  notice,
  setOutput,
  setSecret,
  warning,
  type InputSource
} from '../common/runner.js';
import { attestIndex, createBuildFace, indexAnnotations, readIndexInputs } from '../build/stage.js';
import { postLogin, readLoginInputs, runLogin } from '../login/main.js';
import { createMetaFace, type MetaResult } from '../meta/stage.js';
import { pruneFace } from '../prune/stage.js';
import { authKey } from '../common/reference.js';
import { readRunContext } from '../common/run-context.js';
import { handoffRefs } from './handoff.js';
import { defaultImages } from './images.js';
import { readPipelineInputs, rootName, rootStepInputs, stageSource, type Stage } from './inputs.js';
import { checkAddedLogins, checkUserLogins, loginEntries } from './logins.js';
import { runMerge } from './merge.js';
import { pruneFailed } from './prune-failure.js';
import { rootSecrets } from './secrets.js';
import { readScanInputs } from '../scan/inputs.js';
import { scanPushed, scanRefused } from './scan.js';

/** Runs a stage's input reader so that its errors name the root action's input. */
function named<T>(stage: Stage, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw err.renamed(name => rootName(stage, name) ?? name);
  }
}

/** Index annotations for a merged index: meta's `index:` ones, plus description/source/licenses. */
function mergeAnnotations(meta: MetaResult): string[] {
  const explicit = meta.annotations.filter(a => a.startsWith('index:'));
  return [...explicit, ...indexAnnotations(meta.labels, meta.annotations)];
}

export async function runPipeline(
  root: InputSource = rootStepInputs,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd()
): Promise<void> {
  // Every secret input is masked first, before anything can print.
  rootSecrets(root, env).forEach(setSecret);
  // 1. Every stage's own inputs, on every event.
  const p = readPipelineInputs(root);
  const images: Record<string, string> = root('images')
    ? {}
    : { images: defaultImages(env, p.dockerhubUsername).join('\n') };
  // The root action's own default (see action.yml): floating tags stay on the highest release.
  const floating = { 'floating-tags': root('floating-tags') || 'highest' };
  // Meta's variables go to later steps, not into the environment of this step's commands.
  const metaFace = createMetaFace({ env, childEnv: false });
  const ctx = readRunContext(env);
  const metaInputs = named('meta', () =>
    metaFace.read(stageSource(root, 'meta', { ...images, ...floating }), ctx)
  );
  // A merge reads no Dockerfile; mode: platform never attests: its image is a hand-off, not a release.
  const buildFace = createBuildFace({ env, cwd });
  const noAttest = { attest: 'false', sign: 'false', 'github-token': '' };
  const buildInputs = named('build', () =>
    p.mode === 'merge'
      ? readIndexInputs(stageSource(root, 'build'), ctx, env)
      : buildFace.read(stageSource(root, 'build', p.mode === 'platform' ? noAttest : {}), ctx)
  );
  const build = p.mode === 'merge' ? undefined : buildInputs;
  if (p.mode === 'platform' && buildInputs.platforms.length !== 1) {
    throw new InputError(
      `Input "platforms" must name exactly one platform with mode "platform", got "${buildInputs.platforms.join(',')}"`,
      ['platforms']
    );
  }
  const platforms = p.mode === 'merge' ? buildInputs.platforms : [];
  if (p.mode === 'merge' && platforms.length === 0) {
    throw new InputError('Input "platforms" must list the platforms to merge with mode "merge"', [
      'platforms',
      'mode'
    ]);
  }
  const scanInputs = readScanInputs(root);

  // 2. What depends on meta's result, still before the first login.
  const meta = await metaFace.run(metaFace.decide(metaInputs, undefined, ctx));
  metaFace.write(meta);
  const platform = p.mode === 'platform' ? build!.platforms[0] : '';
  const tags = platform ? handoffRefs(meta.images, env.GITHUB_RUN_ID ?? '', platform) : meta.tags;
  // The build's own decision (its tags, whose code the event builds, `call`) decides the logins as
  // well. A merge publishes only what the platform jobs pushed, so it decides as they did, with their
  // handoff tags.
  const decidedTags =
    p.mode === 'merge' ? handoffRefs(meta.images, env.GITHUB_RUN_ID ?? '', platforms[0]) : tags;
  const buildDecision = named('build', () =>
    buildFace.decide(
      buildInputs,
      { tags: decidedTags, labels: meta.labels, annotations: meta.annotations },
      ctx
    )
  );
  const decided = buildDecision.push;
  const loginSources = {
    images: meta.images,
    registry: root('registry'),
    username: root('username'),
    password: root('password'),
    registryAuth: root('registry-auth'),
    dockerhubUsername: p.dockerhubUsername,
    dockerhubToken: p.dockerhubToken
  };
  /** Registries this run logs in to with a password of their own (login inputs are checked later). */
  const loginsGiven = () => {
    try {
      return new Set(
        loginEntries(loginSources)
          .filter(e => e.password)
          .map(e => authKey(e.registry))
      );
    } catch {
      return new Set<string>();
    }
  };
  const pruneChoice = p.prune
    ? named('prune', () => {
        const inputs = pruneFace.read(stageSource(root, 'prune'), ctx);
        // credentials for a registry other than GitHub's: a login of this run, or the Docker config
        return pruneFace.decide(inputs, { images: meta.images, logins: [...loginsGiven()] }, ctx);
      })
    : undefined;

  const pushing = decided.push;
  // Prune only after a push, never a platform's hand-off, and only packages this run pushed.
  const pruning = pruneChoice !== undefined && pushing && p.mode !== 'platform';
  if (pruning && pruneChoice.skip) notice(pruneChoice.skip);
  const pruneDecision = pruning && !pruneChoice.skip ? pruneChoice : undefined;
  checkUserLogins(root, env, pushing);
  const entries = pushing ? loginEntries(loginSources) : [];
  checkAddedLogins(entries, root('github-token'), env.GITHUB_ACTOR ?? '');
  const loginInputs =
    entries.length > 0
      ? named('login', () =>
          readLoginInputs(
            stageSource(root, 'login', {
              registry: '',
              username: '',
              password: '',
              'registry-auth': JSON.stringify(entries)
            }),
            env
          )
        )
      : undefined;

  // 3. Log in, build or merge, prune.
  if (!decided.build || (p.mode === 'merge' && !decided.push)) {
    // Nothing is built or merged: one notice says why, and no login, build or prune happens.
    if (p.mode === 'merge') {
      notice(`Nothing to merge: the platform jobs of this run pushed no image (${decided.reason})`);
      setOutput('digest', '');
    } else notice(decided.reason);
    setOutput('images', '');
    return;
  }
  if (decided.warning && p.mode === 'merge') warning(decided.warning);
  if (loginInputs) await runLogin(loginInputs);

  let digest = '';
  if (p.mode === 'merge') {
    const attest = attestIndex(buildInputs, ctx, env);
    const merged = await runMerge({
      images: meta.images,
      tags: meta.tags,
      platforms,
      runId: env.GITHUB_RUN_ID ?? '',
      annotations: mergeAnnotations(meta)
    });
    digest = merged.digest;
    setOutput('digest', digest);
    appendSummary(`### Merged index\n\n\`${digest}\` from ${platforms.join(', ')}\n`);
    await attest(digest, meta.tags);
  } else {
    const result = await buildFace.run(buildDecision);
    buildFace.write(result);
    digest = result.pushed ? result.digest : '';
  }
  setOutput('images', digest ? meta.images.map(image => `${image}@${digest}`).join('\n') : '');
  const scanned =
    p.mode === 'platform'
      ? undefined
      : await scanPushed(scanInputs, { images: meta.images, digest }, build, root('github-token'), env);

  if (pruneDecision && digest) {
    const pushed = meta.images.map(image => `${image}@${digest}`).join(', ');
    await pruneFace
      .run(pruneDecision)
      .then(result => pruneFace.write(result, { prefix: 'prune-' }))
      .catch((err: unknown) => {
        throw new Error(pruneFailed(pushed, err), { cause: err });
      });
  }
  if (scanned?.problem) {
    throw new Error(scanRefused(meta.images.map(image => `${image}@${digest}`).join(', '), scanned.problem));
  }
}

/** The post step: log out of what was logged in to, remove a builder that was created. */
export async function postPipeline(): Promise<void> {
  await postLogin();
  await createBuildFace().post!(readRunContext());
}
