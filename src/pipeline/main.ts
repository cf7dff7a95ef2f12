/**
 * The root action: meta -> login -> build (or a platform build, or a merge) -> prune, in one process.
 * Every input is read and checked before anything changes; each stage gets the values the one
 * before it computed, in-process.
 */
import {
  appendSummary,
  InputError,
  setOutput,
  setSecret,
  stepInputs,
  warning,
  type InputSource
} from '../common/runner.js';
import { decidePush } from '../build/push.js';
import { postBuild, readBuildInputs, runBuild, writeBuildOutputs, type BuildResult } from '../build/main.js';
import { indexAnnotations } from '../build/annotations.js';
import {
  attestBuild,
  checkAttestable,
  prepareAttest,
  readAttestInputs,
  type AttestInputs
} from '../build/attest/index.js';
import { writeAttestOutputs } from '../build/attest/outputs.js';
import { postLogin, readLoginInputs, runLogin } from '../login/main.js';
import { loadContext } from '../meta/context.js';
import { readMetaInputs } from '../meta/inputs.js';
import { runMeta, type MetaResult } from '../meta/main.js';
import { writeMetaOutputs } from '../meta/outputs.js';
import { readPruneInputs, runPrune, writePruneOutputs } from '../prune/main.js';
import { handoffRefs } from './handoff.js';
import { defaultImages, packagesOf } from './images.js';
import { readPipelineInputs, rootName, stageSource, type Stage } from './inputs.js';
import { loginEntries } from './logins.js';
import { runMerge } from './merge.js';

/** Runs a stage's input reader so that its errors name the root action's input. */
function named<T>(stage: Stage, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(
      err.message.replace(
        /Input(s?) "([^"]+)"/g,
        (_, s: string, name: string) => `Input${s} "${rootName(stage, name) ?? name}"`
      )
    );
  }
}

/** Index annotations for a merged index: meta's `index:` ones, plus description/source/licenses. */
function mergeAnnotations(meta: MetaResult): string[] {
  const explicit = meta.annotations.filter(a => a.startsWith('index:'));
  return [...explicit, ...indexAnnotations(meta.labels, meta.annotations)];
}

export async function runPipeline(
  root: InputSource = stepInputs,
  env: NodeJS.ProcessEnv = process.env
): Promise<void> {
  const p = readPipelineInputs(root);
  setSecret(p.dockerhubToken);
  const images: Record<string, string> = root('images')
    ? {}
    : { images: defaultImages(env, p.dockerhubUsername).join('\n') };
  const metaInputs = named('meta', () => readMetaInputs(stageSource(root, 'meta', images), env, warning));
  const build =
    p.mode === 'merge' ? undefined : named('build', () => readBuildInputs(stageSource(root, 'build')));
  if (p.mode === 'platform' && build && build.platforms.length !== 1) {
    throw new InputError(
      `Input "platforms" must name exactly one platform with mode "platform", got "${build.platforms.join(',')}"`
    );
  }
  const platforms =
    p.mode === 'merge' ? named('build', () => readBuildInputs(stageSource(root, 'build')).platforms) : [];
  if (p.mode === 'merge' && platforms.length === 0) {
    throw new InputError('Input "platforms" must list the platforms to merge with mode "merge"');
  }

  // mode: platform never attests: its image is a hand-off, not a release.
  const attest: AttestInputs =
    p.mode === 'platform'
      ? { attest: 'false', githubToken: '' }
      : named('build', () => readAttestInputs(stageSource(root, 'build')));
  checkAttestable(attest.attest, env);

  const meta = runMeta(metaInputs, await loadContext(metaInputs, env));
  await writeMetaOutputs(meta);

  const pushing = p.mode === 'merge' || decidePush(build!.push, env.GITHUB_EVENT_NAME ?? '', meta.tags).push;
  const pruneInputs =
    p.prune && pushing && p.mode !== 'platform'
      ? named('prune', () => {
          const owner = root('prune-owner') || env.GITHUB_REPOSITORY_OWNER || '';
          const packages = packagesOf(meta.images, root('prune-registry') || 'ghcr.io', owner);
          const overrides: Record<string, string> =
            root('prune-packages') || packages.length === 0 ? {} : { packages: packages.join('\n') };
          return readPruneInputs(stageSource(root, 'prune', overrides), env);
        })
      : undefined;

  if (pushing) {
    const entries = loginEntries({
      images: meta.images,
      registry: root('registry'),
      username: root('username'),
      password: root('password'),
      registryAuth: root('registry-auth'),
      dockerhubUsername: p.dockerhubUsername,
      dockerhubToken: p.dockerhubToken
    });
    if (entries.length > 0) {
      const overrides = {
        registry: '',
        username: '',
        password: '',
        'registry-auth': JSON.stringify(entries)
      };
      await runLogin(named('login', () => readLoginInputs(stageSource(root, 'login', overrides), env)));
    }
  }

  let digest = '';
  if (p.mode === 'merge') {
    prepareAttest(attest, true, env);
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
    writeAttestOutputs(await attestBuild(attest, { pushed: true, digest, tags: meta.tags, env }));
  } else {
    const platform = p.mode === 'platform' ? build!.platforms[0] : '';
    const tags = platform ? handoffRefs(meta.images, env.GITHUB_RUN_ID ?? '', platform) : meta.tags;
    const result: BuildResult = await runBuild(
      { ...build!, ...attest },
      {
        tags,
        labels: meta.labels,
        annotations: meta.annotations
      }
    );
    writeBuildOutputs(result);
    digest = result.pushed ? result.digest : '';
  }
  setOutput('images', digest ? meta.images.map(image => `${image}@${digest}`).join('\n') : '');

  if (pruneInputs && digest) {
    const result = await runPrune(pruneInputs);
    writePruneOutputs(result, { prefix: 'prune-' });
    if (result.failure) throw new Error(result.failure);
  }
}

/** The post step: log out of what was logged in to, remove a builder that was created. */
export async function postPipeline(): Promise<void> {
  await postLogin();
  await postBuild();
}
