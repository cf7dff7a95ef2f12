/** The build stage: one `docker buildx build` from the inputs and meta's values; post removes a made builder. */
import { randomBytes } from 'node:crypto';
import { errorLine, exec } from '../common/exec.js';
import {
  appendSummary,
  getState,
  group,
  info,
  saveState,
  setOutput,
  setSecret,
  warning
} from '../common/runner.js';
import type { BuildPlan } from './args.js';
import { builderName, chooseBuilder, createBuilderArgs } from './builder.js';
import { detectEngine, type EngineFacts } from './engine.js';
import type { BuildInputs } from './inputs.js';
import { checkLocalPaths, resolveBuild, resolvePush, type MetaValues, type Resolved } from './plan.js';
import type { HttpGet } from '../common/http-get.js';
import { hostArch } from './platforms.js';
import { destinations, preflight } from './preflight.js';
import { countSteps, type StepCount } from './progress.js';
import { emulatorsNeeded, installArgs, readHandlers, runnableArches } from './qemu.js';
import { executeBuild, pushedDigest } from './run.js';
import { secretValues } from './secrets.js';
import { buildSummary } from './summary.js';
import {
  attestBuild,
  checkAttestable,
  prepareAttest,
  type AttestInputs,
  type AttestOutcome
} from './attest/index.js';
import { writeAttestOutputs } from './attest/outputs.js';

export { readBuildInputs } from './inputs.js';
export type { MetaValues } from './plan.js';

export const BUILDER_STATE = 'build-builder';

export interface BuildResult {
  imageid: string;
  digest: string;
  /** buildx's --metadata-file JSON ({} when this buildx cannot write it). */
  metadata: Record<string, unknown>;
  tags: string[];
  platforms: string[];
  pushed: boolean;
  pushReason: string;
  builder: string;
  cache: string;
  steps: StepCount;
  /** The push was retried once after a transient registry error. */
  retried: boolean;
  durationMs: number;
  buildxMs: number;
  /** The signed provenance of the pushed index, when attested. */
  attestation?: AttestOutcome;
}

export interface BuildDeps {
  run?: typeof exec;
  env?: NodeJS.ProcessEnv;
  /** The preflight's HTTP client (tests answer for the registries). */
  get?: HttpGet;
  cwd?: string;
  /** Where binfmt_misc is mounted (tests point it elsewhere). */
  binfmtDir?: string;
}

/** Sets up QEMU for foreign platforms without a handler; returns the engine facts afterwards. */
async function ensureEmulation(
  run: typeof exec,
  r: Resolved,
  engine: EngineFacts,
  env: NodeJS.ProcessEnv,
  binfmtDir?: string
) {
  const needed = emulatorsNeeded(r.platforms, hostArch(), engine.handlers);
  if (needed.length === 0) return engine;
  await group(`Setting up QEMU for ${needed.join(', ')}`, () =>
    run('docker', installArgs(needed), { env, stream: true })
  );
  return { ...engine, handlers: readHandlers(binfmtDir) };
}

/** The builder to name on the command line ('' for the current one); creates one when needed. */
async function selectBuilder(
  run: typeof exec,
  inputs: BuildInputs,
  r: Resolved,
  engine: EngineFacts,
  env: NodeJS.ProcessEnv
) {
  if (inputs.builder) return inputs.builder;
  if (r.platforms.length === 0) {
    info("Using the current builder (no platforms asked: the builder's own)");
    return '';
  }
  const choice = chooseBuilder(r.platforms, {
    current: engine.builder,
    containerdStore: engine.containerdStore,
    runnableArches: runnableArches(hostArch(), engine.handlers)
  });
  if (choice.action === 'use') {
    info(`Using ${choice.reason}`);
    return '';
  }
  const name = builderName(env, randomBytes(4).toString('hex'));
  info(`Creating builder ${name}: ${choice.reason}`);
  // Recorded first: the post step also removes a builder whose creation failed half-way.
  saveState(BUILDER_STATE, name);
  await group(`Creating builder ${name}`, () =>
    run('docker', createBuilderArgs(name), { env, stream: true })
  );
  return name;
}

export async function runBuild(
  inputs: BuildInputs & Partial<AttestInputs>,
  meta: MetaValues = {},
  deps: BuildDeps = {}
): Promise<BuildResult> {
  const started = performance.now();
  const run = deps.run ?? exec;
  const env = deps.env ?? process.env;
  checkAttestable(inputs.attest ?? 'false', env);
  for (const value of secretValues(inputs)) {
    // The runner masks line by line in multi-line output: mask each line of a multi-line secret too.
    const lines = value.split(/\r?\n/).filter(l => l.trim().length > 3);
    for (const part of new Set([value, ...lines])) setSecret(part);
  }

  checkLocalPaths(inputs, deps.cwd ?? process.cwd());
  // The registries are asked (read-only) while the engine is: each takes about 0.1 s.
  const early = resolvePush(inputs, meta, env);
  prepareAttest(inputs, early.push, env);
  const checked = early.push
    ? preflight(destinations(early.tags, inputs.cacheTo), env, deps.get).then(
        () => undefined,
        (err: unknown) => err
      )
    : Promise.resolve(undefined);
  let engine = await detectEngine(run, inputs.builder, env, {
    binfmtDir: deps.binfmtDir,
    inspect: inputs.platforms.length > 0
  });
  const r = resolveBuild(inputs, meta, {
    buildxVersion: engine.buildxVersion,
    containerdStore: engine.containerdStore,
    env
  });
  info(
    `buildx ${engine.buildxVersion}; ${r.decision.push ? 'pushing' : 'not pushing'} (${r.decision.reason}); cache: ${r.cache.note}`
  );
  const problem = await checked;
  if (problem) throw problem;
  engine = await ensureEmulation(run, r, engine, env, deps.binfmtDir);
  const builder = await selectBuilder(run, inputs, r, engine, env);

  const plan: BuildPlan = {
    inputs,
    tags: r.tags,
    labels: r.labels,
    annotations: r.annotations,
    push: r.decision.push,
    cacheFrom: r.cache.from,
    cacheTo: r.cache.to,
    secrets: [],
    builder,
    metadataFile: r.metadataFile ? 'metadata.json' : ''
  };
  const { buildxMs, metadata, log, retried } = await executeBuild(run, plan, env);
  let digest = typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : '';
  if (!digest && !plan.metadataFile && plan.push) digest = await pushedDigest(run, r.tags[0], env);
  const imageid = metadata['containerimage.config.digest'];
  const attestation = await attestBuild(inputs, { pushed: plan.push, digest, tags: r.tags, env });
  return {
    attestation,
    imageid: typeof imageid === 'string' ? imageid : '',
    digest,
    metadata,
    tags: r.tags,
    platforms: inputs.platforms,
    pushed: plan.push,
    pushReason: r.decision.reason,
    builder: builder || engine.builder.name,
    cache: r.cache.note,
    steps: countSteps(log),
    retried,
    durationMs: performance.now() - started,
    buildxMs
  };
}

export function writeBuildOutputs(result: BuildResult, opts: { summary?: boolean } = {}): void {
  setOutput('imageid', result.imageid);
  setOutput('digest', result.digest);
  setOutput('metadata', JSON.stringify(result.metadata));
  if (opts.summary !== false) appendSummary(buildSummary(result));
  writeAttestOutputs(result.attestation, opts);
}

/** Removes the builder the main step created, if any. */
export async function postBuild(deps: BuildDeps = {}): Promise<void> {
  const name = getState(BUILDER_STATE);
  if (!name) return;
  const run = deps.run ?? exec;
  const result = await run('docker', ['buildx', 'rm', name], {
    env: deps.env ?? process.env,
    allowFailure: true
  });
  if (result.code === 0) info(`Removed builder ${name}`);
  else warning(`Removing builder ${name} failed: ${errorLine(result.stderr) || `exit code ${result.code}`}`);
}
