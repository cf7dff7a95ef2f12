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
import { createLoginFace } from '../login/stage.js';
import { createMetaFace, type MetaResult } from '../meta/stage.js';
import { pruneFace } from '../prune/stage.js';
import { readRunContext, type RunContext } from '../common/run-context.js';
import { handoffRefs } from './handoff.js';
import { defaultImages } from './images.js';
import { asRoot as named, readPipelineInputs, rootStepInputs, stageSource } from './inputs.js';
import { runMerge } from './merge.js';
import { pruneFailed } from './prune-failure.js';
import { rootSecrets } from './secrets.js';
import { readScanInputs } from '../scan/inputs.js';
import { scanPushed, scanRefused } from './scan.js';
import { immutableTagNames } from './immutable.js';
import { clientsFor } from './promote/index.js';
import { finishRerun, guardRelease, promoteSource, publish, type ReleaseRun } from './release.js';
import { planPromotion, resolveSource } from './promote/index.js';
import { shortSha } from '../meta/expressions.js';

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
  const ctx = readRunContext(env);
  // Every secret input is masked first, before anything can print.
  rootSecrets(root, ctx, env).forEach(setSecret);
  // 1. Every stage's own inputs, on every event.
  const p = readPipelineInputs(root);
  const images: Record<string, string> = root('images')
    ? {}
    : { images: defaultImages(env, p.dockerhubUsername).join('\n') };
  // The root action's own default (see action.yml): floating tags stay on the highest release.
  const floating = { 'floating-tags': root('floating-tags') || 'highest' };
  // Meta's variables go to later steps, not into the environment of this step's commands.
  const metaFace = createMetaFace({ env, childEnv: false });
  const loginFace = createLoginFace({ root: true, env });
  const metaInputs = named('meta', () =>
    metaFace.read(stageSource(root, 'meta', { ...images, ...floating }), ctx)
  );
  // merge and promote build nothing: build's inputs give the platforms only (a merge reads no
  // Dockerfile). mode: platform never attests: its image is a hand-off, not a release; a promotion
  // carries the source's own attestations and signatures over.
  const buildFace = createBuildFace({ env, cwd });
  const noAttest = { attest: 'false', sign: 'false', 'github-token': '' };
  const buildInputs = named('build', () =>
    p.mode === 'merge' || p.mode === 'promote'
      ? readIndexInputs(stageSource(root, 'build', p.mode === 'promote' ? noAttest : {}), ctx, env)
      : buildFace.read(stageSource(root, 'build', p.mode === 'platform' ? noAttest : {}), ctx)
  );
  const build = p.mode === 'merge' || p.mode === 'promote' ? undefined : buildInputs;
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
  const scanInputs = named('scan', () => readScanInputs(stageSource(root, 'scan')));
  const loginInputs = named('login', () => loginFace.read(stageSource(root, 'login'), ctx));

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
  // A build that pushes nothing (a pull request) still logs in for its pulls, with what it has.
  const logins = named('login', () =>
    loginFace.decide(
      loginInputs,
      {
        images: meta.images,
        push: decided.push,
        pull: buildDecision.pulls && p.mode !== 'merge',
        trusted: buildDecision.trust.trusted
      },
      ctx
    )
  );
  /** Registries this run logs in to with a password of their own. */
  const loginsGiven = logins.logins.filter(l => l.password && !l.githubToken).map(l => l.registry);
  const pruneChoice = p.prune
    ? named('prune', () => {
        const inputs = pruneFace.read(stageSource(root, 'prune'), ctx);
        // credentials for a registry other than GitHub's: a login of this run, or the Docker config
        return pruneFace.decide(inputs, { images: meta.images, logins: loginsGiven }, ctx);
      })
    : undefined;

  const pushing = decided.push;
  // mode promote: the source, checked as an input before any login.
  const sourceChoice =
    p.mode === 'promote'
      ? promoteSource(p.source, meta.images, shortSha(ctx.sha, metaInputs.settings.shortShaLength))
      : undefined;
  // Prune only after a push, never a platform's hand-off, and only packages this run pushed.
  const pruning = pruneChoice !== undefined && pushing && p.mode !== 'platform';
  if (pruning && pruneChoice.skip) notice(pruneChoice.skip);
  const pruneDecision = pruning && !pruneChoice.skip ? pruneChoice : undefined;

  // 3. Log in, build or merge, prune.
  if (!decided.build || ((p.mode === 'merge' || p.mode === 'promote') && !decided.push)) {
    // Nothing is built or merged: one notice says why, and no login, build or prune happens.
    if (p.mode === 'promote') {
      notice(`Nothing to promote: ${decided.reason}`);
      setOutput('digest', '');
    } else if (p.mode === 'merge') {
      notice(`Nothing to merge: the platform jobs of this run pushed no image (${decided.reason})`);
      setOutput('digest', '');
    } else notice(decided.reason);
    setOutput('images', '');
    return;
  }
  if (decided.warning && (p.mode === 'merge' || p.mode === 'promote')) warning(decided.warning);
  await loginFace.run(logins);

  // Version tags never move: looked up in every registry before anything is pushed anywhere.
  const release: ReleaseRun = {
    images: meta.images,
    tags: meta.tags,
    immutable: immutableTagNames(p.immutableTags, meta.tagNames, meta.versionTags),
    sha: ctx.sha,
    env,
    client: clientsFor(env)
  };
  let digest = '';
  if (p.mode === 'promote' && sourceChoice) {
    const source = await resolveSource(sourceChoice, buildInputs.platforms, release.client);
    // The version tags and what each target holds are read at once; nothing is pushed before both.
    const [, plans] = await Promise.all([
      guardRelease(release, source.digest),
      planPromotion(source, release, release.client)
    ]);
    digest = (await publish(release, source, sourceChoice.text, plans)).digest;
  } else if (p.mode !== 'platform' && pushing) {
    const guard = await guardRelease(release);
    if (guard.kind === 'rerun') {
      const expected = p.mode === 'merge' ? platforms : buildInputs.platforms;
      digest = (await finishRerun(release, guard, expected)).digest;
    }
  }
  if (digest) {
    // published (a promotion, or a rerun finished): nothing to build or merge
  } else if (p.mode === 'merge') {
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
export async function postPipeline(ctx: RunContext = readRunContext()): Promise<void> {
  await createLoginFace({ root: true }).post(ctx);
  await createBuildFace().post!(ctx);
}
