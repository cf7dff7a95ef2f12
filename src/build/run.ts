/** Runs `docker buildx build` for a plan: private temp files, one retry of a transient push error, metadata. */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, exec, ExecError } from '../common/exec.js';
import { info, tempFolder, warning } from '../common/runner.js';
import { deniedHint } from '../common/denied-hints.js';
import { buildArgv, commandLine, type BuildPlan } from './args.js';
import { buildxCall } from './buildx.js';
import { isTransientPushError } from './progress.js';
import { parseReference } from '../common/reference.js';
import { writeSecretFiles } from './secrets.js';

export interface Executed {
  buildxMs: number;
  metadata: Record<string, unknown>;
  /** buildx's progress output (of the run that built), for counting cached steps. */
  log: string;
  /** buildx ran again after a transient registry error. */
  retried: boolean;
}

function failure(line: string, tags: string[], event: string): Error {
  const registries = [...new Set(tags.map(t => parseReference(t).registry))];
  const hint = registries.map(registry => deniedHint({ registry, message: line, event })).find(Boolean);
  return new Error(`buildx build failed: ${line || 'no error line'}${hint ? ` ${hint}` : ''}`);
}

/** A failed `--call check`: its verdict line and the first rule broken ('' when it did not run). */
export function checkResult(output: string): string {
  const verdict = /^Check complete.*$/m.exec(output)?.[0];
  if (!verdict) return '';
  const rule = /^WARNING: .*$/m.exec(output)?.[0];
  return rule ? `${verdict.trim()} ${rule.trim()}` : verdict.trim();
}

/**
 * buildx's environment: its metadata file (the `metadata` output) leaves out the build provenance,
 * whose `min` mode, buildx's default, lists every build-arg's value; a value the user set wins.
 */
export function buildxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.BUILDX_METADATA_PROVENANCE ? env : { ...env, BUILDX_METADATA_PROVENANCE: 'disabled' };
}

/** Transient registry errors while pushing are worth this many more runs (from cache, so quick). */
const RETRIES = 2;

/** How buildx is run: its plugin binary (else `docker buildx`), and whether its start is provisional. */
export interface BuildxRun {
  plugin?: string;
  /** The event that runs the build (its name), for the hint of a refused push. */
  event?: string;
  /**
   * Resolves (never rejects) with true once the plan is known to fit this buildx; until then buildx's
   * output is held back. false stops buildx, drops its output, and executeBuild throws Superseded.
   */
  confirmed?: Promise<boolean>;
}

/** buildx was stopped before its output was shown: the plan did not fit it. */
export class Superseded extends Error {
  constructor(options?: ErrorOptions) {
    super('buildx was stopped: the build plan did not fit its version', options);
    this.name = 'Superseded';
  }
}

/**
 * A build the system refused to start, its command line and environment being over the system's
 * limit (spawn E2BIG): the error names the input that makes the command line long.
 */
export function tooLong(plan: Pick<BuildPlan, 'tags' | 'labels' | 'annotations'>, cause: Error): Error {
  return new Error(
    `The system refused to start docker buildx build: its command line is too long (E2BIG) with ` +
      `${plan.tags.length} tags from input "tags" (and ${plan.labels.length} labels, ` +
      `${plan.annotations.length} annotations). Give fewer tags, or push the others in another step`,
    { cause }
  );
}

/** Runs buildx; runs it again (from cache) after a transient registry error while pushing. */
async function runBuildx(
  run: typeof exec,
  argv: string[],
  plan: BuildPlan,
  env: NodeJS.ProcessEnv,
  pidFile: string,
  how: BuildxRun
) {
  let firstLog = '';
  const [command, args] = buildxCall(how.plugin, argv.slice(1));
  info(commandLine([command, ...args]));
  const stopped = new AbortController();
  const hold = how.confirmed?.then(ok => void (ok || stopped.abort()));
  const options = { env: buildxEnv(env), stream: true, pidFile, hold, signal: stopped.signal };
  for (let attempt = 0; ; attempt++) {
    let result;
    try {
      result = await run(command, args, options);
    } catch (err) {
      await hold;
      if (stopped.signal.aborted) throw new Superseded({ cause: err });
      if (!(err instanceof ExecError)) throw err;
      if (/\bE2BIG\b/.test(err.message)) throw tooLong(plan, err);
      const line = errorLine(err.result.stderr) || errorLine(err.result.stdout);
      const check = plan.inputs.call ? checkResult(err.result.stdout + err.result.stderr) : '';
      if (check) {
        throw new Error(`buildx build --call ${plan.inputs.call} found problems: ${check}`, { cause: err });
      }
      if (attempt < RETRIES && plan.push && isTransientPushError(line)) {
        warning(`The registry failed transiently (${line}); building again, from cache`);
        // The first run did the building: its log tells which steps came from cache.
        firstLog ||= err.result.stderr + err.result.stdout;
        continue;
      }
      throw failure(line, plan.tags, how.event ?? '');
    }
    await hold;
    if (stopped.signal.aborted) throw new Superseded();
    return { result, firstLog, retries: attempt };
  }
}

function readMetadata(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Without --metadata-file (old buildx), the digest of what was pushed, read back from the registry. */
export async function pushedDigest(
  run: typeof exec,
  tag: string,
  env: NodeJS.ProcessEnv,
  plugin?: string
): Promise<string> {
  const [command, args] = buildxCall(plugin, ['imagetools', 'inspect', '--raw', '--', tag]);
  const raw = await run(command, args, { env, bytes: true });
  // The digest is of the manifest's bytes as the registry serves them, not of their decoded text.
  return `sha256:${createHash('sha256')
    .update(raw.stdoutBytes ?? Buffer.from(raw.stdout))
    .digest('hex')}`;
}

/**
 * Writes the secret values to private files and points the metadata file into the same private
 * folder (plan.metadataFile is only a name here), runs buildx, and removes the folder. The folder is
 * named in the step's state before it exists and everything is written inside the `try` that removes
 * it; buildx's process group is recorded there too, for the post step of a killed main step.
 */
export async function executeBuild(
  run: typeof exec,
  plan: BuildPlan,
  env: NodeJS.ProcessEnv,
  how: BuildxRun = {}
): Promise<Executed> {
  const temp = tempFolder('build-', env);
  try {
    const secrets = writeSecretFiles(plan.inputs, temp);
    const metadataFile = plan.metadataFile ? join(temp, plan.metadataFile) : '';
    const argv = buildArgv({ ...plan, secrets, metadataFile });
    const t0 = performance.now();
    const { result, firstLog, retries } = await runBuildx(
      run,
      argv,
      plan,
      env,
      join(temp, 'buildx.pid'),
      how
    );
    const buildxMs = performance.now() - t0;
    info(`buildx took ${(buildxMs / 1000).toFixed(3)} s`);
    return {
      buildxMs,
      metadata: metadataFile ? readMetadata(metadataFile) : {},
      log: firstLog || result.stderr + result.stdout,
      retried: retries > 0
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
