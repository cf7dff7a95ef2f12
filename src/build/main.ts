/**
 * What the build stage does once decided: asks the engine and the registries, picks a builder,
 * runs `docker buildx build`, attests what it pushed; writes the outputs; the post step removes a
 * builder it made. buildx's version, the engine and the registries (read-only) are asked at once.
 */
import { randomBytes } from 'node:crypto';
import { errorLine, exec, ExecError } from '../common/exec.js';
import type { HttpGet } from '../common/http-get.js';
import type { RunContext } from '../common/run-context.js';
import {
  appendSummary,
  debug,
  getState,
  group,
  info,
  notice,
  saveState,
  setOutput,
  warning
} from '../common/runner.js';
import type { BuildPlan } from './args.js';
import { attestBuild, prepareAttest, type AttestOutcome } from './attest/index.js';
import { writeAttestOutputs } from './attest/outputs.js';
import { builderName, chooseBuilder, createBuilderArgs, isMadeBuilder } from './builder.js';
import { atLeast, buildxCall, OLDEST_SUPPORTED, SINCE } from './buildx.js';
import type { BuildDecision } from './decide.js';
import {
  detectEngine,
  findBuildx,
  readBuildxVersion,
  readCliConfig,
  type CliConfig,
  type EngineFacts,
  type EngineProbes
} from './engine.js';
import { planForAnyVersion, pushLoads, resolveBuild, type ResolveContext, type Resolved } from './plan.js';
import { hostArch } from './platforms.js';
import { destinations, preflight } from './preflight.js';
import { countSteps, type StepCount } from './progress.js';
import { emulatorsNeeded, installArgs, readHandlers, runnableArches } from './qemu.js';
import { executeBuild, pushedDigest, Superseded, type Executed } from './run.js';
import { checkPackagesPublic } from './package-visibility.js';
import { buildSummary } from './summary.js';

export const BUILDER_STATE = 'build-builder';

export interface BuildResult {
  imageid: string;
  digest: string;
  buildxVersion: string;
  /** The build record's ID in buildx's history ('' before buildx 0.23). */
  buildRecord: string;
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
  /** Where the time went before buildx, in ms (logged as a debug line; read by bench:build). */
  timings: Record<string, number>;
  /** The signed provenance of the pushed index, when attested. */
  attestation?: AttestOutcome;
}

export interface BuildDeps {
  run?: typeof exec;
  env?: NodeJS.ProcessEnv;
  /** The preflight's HTTP client (tests answer for the registries). */
  get?: HttpGet;
  /** Where binfmt_misc is mounted (tests point it elsewhere). */
  binfmtDir?: string;
  /** Where the engine facts come from (tests point them elsewhere). */
  probes?: Pick<EngineProbes, 'pluginDirs' | 'daemonInfo'>;
}

/** One run's I/O: how commands run, in which environment, with which buildx. */
interface Io {
  run: typeof exec;
  env: NodeJS.ProcessEnv;
  plugin: string | undefined;
  /** The docker CLI's config.json, read once: where the CLI finds buildx, and which engine it talks to. */
  config: CliConfig;
  deps: BuildDeps;
}

/** The probes under way: buildx's version, the engine's facts, the registries' answer. */
interface Probing {
  /** When they started. */
  t0: number;
  version: Promise<string>;
  facts: Promise<EngineFacts>;
  /** undefined, or the registry problem that stops the build. */
  checked: Promise<unknown>;
}

/** What the build is ready to run with. */
interface Ready {
  r: Resolved;
  /** The plan fits every supported buildx: buildx starts before its version is known. */
  any: boolean;
  engine: EngineFacts;
  builder: string;
  resolve: (buildxVersion: string) => Resolved;
}

/**
 * Starts the probes at once, about 0.1 s each. buildx waits for the engine and the registries; the
 * version probe starts first, so that it is mostly done before buildx starts rather than
 * competing with it for the CPU.
 */
function startProbes(d: BuildDecision, io: Io, timings: Record<string, number>): Probing {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const version = readBuildxVersion(io.run, io.plugin, io.env).then(v => ((timings.version = since()), v));
  version.catch(() => {}); // awaited later; a failure is reported there
  const facts = detectEngine(io.run, io.plugin, d.inputs.builder, io.env, {
    ...io.deps.probes,
    config: io.config,
    binfmtDir: io.deps.binfmtDir,
    inspect: d.inputs.platforms.length > 0 || (d.inputs.load && d.push.push)
  }).then(f => ((timings.engine = since()), f));
  const checked = d.push.push
    ? preflight(destinations(d.push.tags, d.inputs.cacheTo), io.env, io.deps.get).then(
        () => void (timings.preflight = since()),
        (err: unknown) => err
      )
    : Promise.resolve(undefined);
  return { t0, version, facts, checked };
}

/** Sets up QEMU for foreign platforms without a handler; returns the engine facts afterwards. */
async function ensureEmulation(io: Io, r: Resolved, engine: EngineFacts) {
  const needed = emulatorsNeeded(r.platforms, hostArch(), engine.handlers);
  if (needed.length === 0) return engine;
  await group(`Setting up QEMU for ${needed.join(', ')}`, () =>
    io.run('docker', installArgs(needed), { env: io.env, stream: true })
  );
  return { ...engine, handlers: readHandlers(io.deps.binfmtDir) };
}

/** Creates a builder for this build; its name is in the state first, for the post step. */
async function createBuilder(io: Io, d: BuildDecision, reason: string, engine: EngineFacts) {
  const name = builderName(d.ctx.runId, randomBytes(4).toString('hex'));
  info(`Creating builder ${name}: ${reason}`);
  // Recorded first: the post step also removes a builder whose creation failed half-way.
  saveState(BUILDER_STATE, name, io.env);
  await group(`Creating builder ${name}`, () =>
    io.run(...buildxCall(io.plugin, createBuilderArgs(name).slice(1)), { env: io.env, stream: true })
  ).catch((err: unknown) => {
    const line = err instanceof ExecError ? errorLine(err.result.stderr) || errorLine(err.result.stdout) : '';
    const instead = engine.containerdStore ? '' : 'enable the containerd image store, or ';
    throw new Error(
      `Creating builder ${name} (${reason}) failed: ${line || String(err)}. Instead, ` +
        `${instead}name a builder that can build these platforms in "builder"`,
      { cause: err }
    );
  });
  return name;
}

/** The builder to name on the command line ('' for the current one); creates one when needed. */
async function selectBuilder(io: Io, d: BuildDecision, r: Resolved, engine: EngineFacts) {
  if (d.inputs.builder) return d.inputs.builder;
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
  return createBuilder(io, d, choice.reason, engine);
}

/** Waits for the engine, plans the build (for any buildx when it can), checks the registries, picks the builder. */
async function prepare(
  d: BuildDecision,
  io: Io,
  p: Probing,
  timings: Record<string, number>
): Promise<Ready> {
  let engine = await p.facts;
  const ctx: Omit<ResolveContext, 'buildxVersion'> = {
    containerdStore: engine.containerdStore,
    env: io.env,
    trust: d.trust,
    cacheService: d.ctx.actionsCache
  };
  const resolve = (buildxVersion: string) => resolveBuild(d.inputs, d.meta, { ...ctx, buildxVersion });
  // Where every supported buildx gets the same plan, buildx starts before its version is known.
  const any = planForAnyVersion(d.inputs, d.meta, ctx);
  const r = any ?? resolve(await p.version);
  info(`${r.decision.push ? 'pushing' : 'not pushing'} (${r.decision.reason}); cache: ${r.cache.note}`);
  for (const message of r.warnings) warning(message);
  const problem = await p.checked;
  if (problem) throw problem;
  timings.checked = Math.round(performance.now() - p.t0);
  engine = await ensureEmulation(io, r, engine);
  const builder = await selectBuilder(io, d, r, engine);
  timings.ready = Math.round(performance.now() - timings.start);
  return { r, any: any !== undefined, engine, builder, resolve };
}

/** The command's plan for a resolved build. */
function planned(d: BuildDecision, ready: Ready, resolved: Resolved): BuildPlan {
  const { builder, engine } = ready;
  return {
    inputs: d.inputs,
    tags: resolved.tags,
    labels: resolved.labels,
    annotations: resolved.annotations,
    push: resolved.decision.push,
    cacheFrom: resolved.cache.from,
    cacheTo: resolved.cache.to,
    secrets: [],
    builder,
    metadataFile: resolved.metadataFile ? 'metadata.json' : '',
    pushLoads: pushLoads(
      d.inputs.load,
      resolved.decision.push,
      builder === d.inputs.builder ? engine.builder.driver : 'docker-container'
    )
  };
}

/**
 * Runs buildx. When it started before its version was known, the version confirms the plan: a
 * buildx older than the supported ones may need another, and runs again with it.
 */
async function build(
  d: BuildDecision,
  io: Io,
  version: Promise<string>,
  ready: Ready
): Promise<{ plan: BuildPlan; executed: Executed }> {
  const confirmed = version.then(
    v => {
      info(`buildx ${v}`);
      if (atLeast(v, OLDEST_SUPPORTED)) return true;
      warning(`buildx ${v} is older than ${OLDEST_SUPPORTED}, the oldest this action is tested with`);
      return !ready.any;
    },
    () => false
  );
  const how = { plugin: io.plugin, event: d.ctx.eventName };
  const plan = planned(d, ready, ready.r);
  try {
    return { plan, executed: await executeBuild(io.run, plan, io.env, { ...how, confirmed }) };
  } catch (err) {
    if (!(err instanceof Superseded)) throw err;
    const exact = ready.resolve(await version);
    for (const message of exact.warnings) warning(message);
    const again = planned(d, ready, exact);
    return { plan: again, executed: await executeBuild(io.run, again, io.env, how) };
  }
}

export async function runBuild(d: BuildDecision, deps: BuildDeps = {}): Promise<BuildResult> {
  // performance.now() counts from the process's start: this much went to starting Node and loading.
  const started = performance.now();
  const timings: Record<string, number> = { start: started };
  if (!d.push.build) return notBuilt(d, started);
  if (d.push.warning) warning(d.push.warning);
  if (d.attestLikely) prepareAttest();
  const env = deps.env ?? process.env;
  const config = readCliConfig(env);
  const plugin = findBuildx(env, { ...deps.probes, config });
  const io: Io = { run: deps.run ?? exec, env, deps, plugin, config };
  const probing = startProbes(d, io, timings);
  const ready = await prepare(d, io, probing, timings);
  const { plan, executed } = await build(d, io, probing.version, ready);
  const buildxVersion = await probing.version;
  const { r } = ready;
  const ids = r.evaluates ? { digest: '', imageid: '' } : resultIds(executed.metadata);
  if (!ids.digest && !r.evaluates && !plan.metadataFile && plan.push) {
    ids.digest = ids.imageid = await pushedDigest(io.run, plan.tags[0], env, io.plugin);
  }
  const attestation = await attestBuild(d.inputs, {
    pushed: plan.push,
    digest: ids.digest,
    tags: r.tags,
    ctx: d.ctx,
    trust: d.trust,
    env
  });
  if (plan.push) await checkPackagesPublic(r.tags, ids.digest, d.ctx);
  return {
    ...ids,
    attestation,
    buildxVersion,
    buildRecord: buildRecord(executed.metadata, buildxVersion),
    metadata: executed.metadata,
    tags: r.tags,
    platforms: d.inputs.platforms,
    pushed: plan.push,
    pushReason: r.decision.reason,
    builder: ready.builder || ready.engine.builder.name,
    cache: r.cache.note,
    steps: countSteps(executed.log),
    retried: executed.retried,
    durationMs: performance.now() - started,
    buildxMs: executed.buildxMs,
    timings
  };
}

/** The result of a run that builds nothing (`push: auto` on an event that builds no code): says why once. */
function notBuilt(d: BuildDecision, started: number): BuildResult {
  notice(d.push.reason);
  return {
    imageid: '',
    digest: '',
    buildxVersion: '',
    buildRecord: '',
    metadata: {},
    tags: d.push.tags,
    platforms: d.inputs.platforms,
    pushed: false,
    pushReason: 'not built: the event builds no code with push: auto',
    builder: '',
    cache: 'not built',
    steps: { total: 0, cached: 0 },
    retried: false,
    durationMs: performance.now() - started,
    buildxMs: 0,
    timings: {}
  };
}

/**
 * The digest and the image ID from buildx's metadata. The image ID is what buildx writes to its
 * --iidfile (which build-push-action reads): the config digest, or where there is none (a
 * multi-platform result on buildx 0.15 and newer) the image's digest.
 */
export function resultIds(metadata: Record<string, unknown>): { digest: string; imageid: string } {
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : '');
  const digest = text('containerimage.digest');
  return { digest, imageid: text('containerimage.config.digest') || digest };
}

/** The ID `docker buildx history` knows the build by (metadata `buildx.build.ref`: builder/node/ID). */
export function buildRecord(metadata: Record<string, unknown>, buildxVersion: string): string {
  const ref = metadata['buildx.build.ref'];
  if (typeof ref !== 'string' || !atLeast(buildxVersion, SINCE.history)) return '';
  return ref.split('/').at(-1) ?? '';
}

export function writeBuildOutputs(result: BuildResult): void {
  setOutput('imageid', result.imageid);
  setOutput('digest', result.digest);
  setOutput('metadata', JSON.stringify(result.metadata));
  appendSummary(buildSummary(result));
  debug(`timings ${JSON.stringify(result.timings)}`);
  writeAttestOutputs(result.attestation);
}

/** Removes the builder the main step created, if any: only a name as builderName makes them. */
export async function postBuild(ctx: Pick<RunContext, 'runId'>, deps: BuildDeps = {}): Promise<void> {
  const env = deps.env ?? process.env;
  const name = getState(BUILDER_STATE, env);
  if (!name) return;
  if (!isMadeBuilder(name, ctx.runId)) {
    warning(`Ignoring the state entry "${BUILDER_STATE}": not the name of a builder the main step creates`);
    return;
  }
  const run = deps.run ?? exec;
  const plugin = findBuildx(env, deps.probes);
  const result = await run(...buildxCall(plugin, ['rm', name]), { env, allowFailure: true });
  if (result.code === 0) info(`Removed builder ${name}`);
  else warning(`Removing builder ${name} failed: ${errorLine(result.stderr) || `exit code ${result.code}`}`);
}
