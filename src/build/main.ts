/** The build stage: one `docker buildx build` from the inputs and meta's values; post removes a made builder. */
import { randomBytes } from 'node:crypto';
import { errorLine, exec, ExecError } from '../common/exec.js';
import {
  appendSummary,
  debug,
  getState,
  group,
  info,
  notice,
  saveState,
  setOutput,
  setSecret,
  warning
} from '../common/runner.js';
import type { BuildPlan } from './args.js';
import { builderName, chooseBuilder, createBuilderArgs, isMadeBuilder } from './builder.js';
import { atLeast, buildxCall, OLDEST_SUPPORTED, SINCE } from './buildx.js';
import {
  detectEngine,
  findBuildx,
  readBuildxVersion,
  readCliConfig,
  type EngineFacts,
  type EngineProbes
} from './engine.js';
import type { BuildInputs } from './inputs.js';
import {
  checkLocalPaths,
  planForAnyVersion,
  pushLoads,
  resolveBuild,
  resolvePush,
  type MetaValues,
  type Resolved
} from './plan.js';
import type { HttpGet } from '../common/http-get.js';
import { eventTrust } from '../common/trust.js';
import { hostArch } from './platforms.js';
import { destinations, preflight } from './preflight.js';
import { countSteps, type StepCount } from './progress.js';
import { emulatorsNeeded, installArgs, readHandlers, runnableArches } from './qemu.js';
import { executeBuild, pushedDigest, Superseded } from './run.js';
import { checkPackagesPublic } from './package-visibility.js';
import { maskSecrets } from './secrets.js';
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
  cwd?: string;
  /** Where binfmt_misc is mounted (tests point it elsewhere). */
  binfmtDir?: string;
  /** Where the engine facts come from (tests point them elsewhere). */
  probes?: Pick<EngineProbes, 'pluginDirs' | 'daemonInfo'>;
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
  env: NodeJS.ProcessEnv,
  plugin: string | undefined
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
  saveState(BUILDER_STATE, name, env);
  await group(`Creating builder ${name}`, () =>
    run(...buildxCall(plugin, createBuilderArgs(name).slice(1)), { env, stream: true })
  ).catch((err: unknown) => {
    const line = err instanceof ExecError ? errorLine(err.result.stderr) || errorLine(err.result.stdout) : '';
    const instead = engine.containerdStore ? '' : 'enable the containerd image store, or ';
    throw new Error(
      `Creating builder ${name} (${choice.reason}) failed: ${line || String(err)}. Instead, ` +
        `${instead}name a builder that can build these platforms in "builder"`,
      { cause: err }
    );
  });
  return name;
}

export async function runBuild(
  inputs: BuildInputs & Partial<AttestInputs>,
  meta: MetaValues = {},
  deps: BuildDeps = {}
): Promise<BuildResult> {
  const run = deps.run ?? exec;
  const env = deps.env ?? process.env;
  maskSecrets(inputs, env);
  setSecret(inputs.githubToken ?? '');
  const started = performance.now();
  // performance.now() counts from the process's start: this much went to starting Node and loading.
  const timings: Record<string, number> = { start: started };
  const since = (t0: number) => Math.round(performance.now() - t0);
  checkAttestable(inputs.attest ?? 'false', env);
  checkAttestable(inputs.sign ?? 'false', env, 'sign');

  checkLocalPaths(inputs, deps.cwd ?? process.cwd());
  // buildx's version, the engine and the registries (read-only) are asked at once, about 0.1 s each.
  // buildx waits for the engine and the registries; the version probe starts first, so that it is
  // mostly done before buildx starts rather than competing with it for the CPU.
  const t0 = performance.now();
  const trust = eventTrust(env);
  const early = resolvePush(inputs, meta, trust);
  if (!early.build) return notBuilt(inputs, early.tags, early.reason, started);
  if (early.warning) warning(early.warning);
  prepareAttest(inputs, early.push, env);
  // config.json, read once: where the CLI finds buildx, and which engine it talks to.
  const probes = { config: readCliConfig(env), ...deps.probes };
  const plugin = findBuildx(env, probes);
  const version = readBuildxVersion(run, plugin, env).then(v => ((timings.version = since(t0)), v));
  version.catch(() => {}); // awaited below; a failure is reported there
  const facts = detectEngine(run, plugin, inputs.builder, env, {
    ...probes,
    binfmtDir: deps.binfmtDir,
    inspect: inputs.platforms.length > 0 || (inputs.load && early.push)
  });
  const checked = early.push
    ? preflight(destinations(early.tags, inputs.cacheTo), env, deps.get).then(
        () => void (timings.preflight = since(t0)),
        (err: unknown) => err
      )
    : Promise.resolve(undefined);
  let engine = await facts;
  timings.engine = since(t0);
  const ctx = { containerdStore: engine.containerdStore, env, trust };
  // Where every supported buildx gets the same plan, buildx starts before its version is known.
  const any = planForAnyVersion(inputs, meta, ctx);
  const r = any ?? resolveBuild(inputs, meta, { ...ctx, buildxVersion: await version });
  info(`${r.decision.push ? 'pushing' : 'not pushing'} (${r.decision.reason}); cache: ${r.cache.note}`);
  for (const message of r.warnings) warning(message);
  const problem = await checked;
  if (problem) throw problem;
  timings.checked = since(t0);
  engine = await ensureEmulation(run, r, engine, env, deps.binfmtDir);
  const builder = await selectBuilder(run, inputs, r, engine, env, plugin);
  timings.ready = since(started);

  const planned = (resolved: Resolved): BuildPlan => ({
    inputs,
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
      inputs.load,
      resolved.decision.push,
      builder === inputs.builder ? engine.builder.driver : 'docker-container'
    )
  });
  // The version confirms the plan: a buildx older than the supported ones may need another.
  const confirmed = version.then(
    v => {
      info(`buildx ${v}`);
      if (atLeast(v, OLDEST_SUPPORTED)) return true;
      warning(`buildx ${v} is older than ${OLDEST_SUPPORTED}, the oldest this action is tested with`);
      return !any;
    },
    () => false
  );
  let plan = planned(r);
  let executed;
  try {
    executed = await executeBuild(run, plan, env, { plugin, confirmed });
  } catch (err) {
    if (!(err instanceof Superseded)) throw err;
    const exact = resolveBuild(inputs, meta, { ...ctx, buildxVersion: await version });
    for (const message of exact.warnings) warning(message);
    plan = planned(exact);
    executed = await executeBuild(run, plan, env, { plugin });
  }
  const { buildxMs, metadata, log, retried } = executed;
  const buildxVersion = await version;
  const ids = r.evaluates ? { digest: '', imageid: '' } : resultIds(metadata);
  if (!ids.digest && !r.evaluates && !plan.metadataFile && plan.push) {
    ids.digest = ids.imageid = await pushedDigest(run, plan.tags[0], env, plugin);
  }
  const attestation = await attestBuild(inputs, { pushed: plan.push, digest: ids.digest, tags: r.tags, env });
  if (plan.push) await checkPackagesPublic(r.tags, ids.digest, env);
  return {
    ...ids,
    attestation,
    buildxVersion,
    buildRecord: buildRecord(metadata, buildxVersion),
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
    buildxMs,
    timings
  };
}

/** The result of a run that builds nothing (`push: auto` on an event that builds no code): says why once. */
function notBuilt(inputs: BuildInputs, tags: string[], reason: string, started: number): BuildResult {
  notice(reason);
  return {
    imageid: '',
    digest: '',
    buildxVersion: '',
    buildRecord: '',
    metadata: {},
    tags,
    platforms: inputs.platforms,
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

export function writeBuildOutputs(result: BuildResult, opts: { summary?: boolean } = {}): void {
  setOutput('imageid', result.imageid);
  setOutput('digest', result.digest);
  setOutput('metadata', JSON.stringify(result.metadata));
  if (opts.summary !== false) appendSummary(buildSummary(result));
  debug(`timings ${JSON.stringify(result.timings)}`);
  writeAttestOutputs(result.attestation, opts);
}

/** Removes the builder the main step created, if any: only a name as builderName makes them. */
export async function postBuild(deps: BuildDeps = {}): Promise<void> {
  const env = deps.env ?? process.env;
  const name = getState(BUILDER_STATE, env);
  if (!name) return;
  if (!isMadeBuilder(name, env)) {
    warning(`Ignoring the state entry "${BUILDER_STATE}": not the name of a builder the main step creates`);
    return;
  }
  const run = deps.run ?? exec;
  const plugin = findBuildx(env, deps.probes);
  const result = await run(...buildxCall(plugin, ['rm', name]), { env, allowFailure: true });
  if (result.code === 0) info(`Removed builder ${name}`);
  else warning(`Removing builder ${name} failed: ${errorLine(result.stderr) || `exit code ${result.code}`}`);
}
