/** What the runner's Docker engine and buildx offer, asked in parallel (about 0.2 s on an idle runner). */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorLine, exec } from '../common/exec.js';
import { InputError } from '../common/runner.js';
import { parseInspect, type BuilderInfo } from './builder.js';
import { parseBuildxVersion } from './buildx.js';
import { readHandlers } from './qemu.js';

export interface EngineFacts {
  buildxVersion: string;
  builder: BuilderInfo;
  containerdStore: boolean;
  /** Enabled binfmt handlers (qemu-aarch64, ...). */
  handlers: Set<string>;
}

/** One `docker info` answers both: the buildx plugin's version (client side) and the image store. */
export const INFO_FORMAT =
  '{{range .ClientInfo.Plugins}}plugin {{.Name}} {{.Version}}{{"\\n"}}{{end}}{{json .DriverStatus}}';

/** Reads INFO_FORMAT output; the containerd snapshotter in DriverStatus means the containerd image store. */
export function parseInfo(output: string): { buildxVersion?: string; containerdStore: boolean } {
  const plugin = /^plugin buildx (\S+)$/m.exec(output);
  return {
    buildxVersion: plugin ? parseBuildxVersion(plugin[1]) : undefined,
    containerdStore: /io\.containerd\.snapshotter/.test(output)
  };
}

/** The current builder, not inspected: any builder builds for its own platform. */
const CURRENT: BuilderInfo = { name: 'current', driver: '', status: '', platforms: new Set() };
/** The Docker context's own builder: the docker driver, building what the engine runs. */
const DEFAULT: BuilderInfo = { name: 'default', driver: 'docker', status: 'running', platforms: new Set() };

export function buildxCurrentFile(env: NodeJS.ProcessEnv): string {
  const dockerConfig = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  return join(env.BUILDX_CONFIG || join(dockerConfig, 'buildx'), 'current');
}

/**
 * Whether buildx uses the Docker context's default builder: nobody chose another one with
 * BUILDX_BUILDER or `docker buildx use` (buildx's `current` file names no builder).
 */
export function usesDefaultBuilder(env: NodeJS.ProcessEnv, currentFile: string | undefined): boolean {
  if (env.BUILDX_BUILDER && env.BUILDX_BUILDER !== 'default') return false;
  if (currentFile === undefined) return true;
  try {
    const name = (JSON.parse(currentFile) as { Name?: string }).Name ?? '';
    return name === '' || name === 'default';
  } catch {
    return false;
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Two docker calls in parallel (a third only when `docker info` cannot name the buildx version).
 * The builder is inspected (the slowest call) only when there is something to learn: platforms were
 * asked for and a builder other than the context's default one is in use, or one was named.
 */
export async function detectEngine(
  run: typeof exec,
  builder: string,
  env: NodeJS.ProcessEnv,
  opts: { binfmtDir?: string; inspect?: boolean } = {}
): Promise<EngineFacts> {
  const skipped = { code: 0, stdout: '', stderr: '' };
  let assumed: BuilderInfo | undefined;
  if (!builder && opts.inspect === false) assumed = CURRENT;
  else if (!builder && usesDefaultBuilder(env, readOptional(buildxCurrentFile(env)))) assumed = DEFAULT;
  const [inspect, info] = await Promise.all([
    assumed
      ? skipped
      : run('docker', ['buildx', 'inspect', ...(builder ? [builder] : [])], { env, allowFailure: true }),
    run('docker', ['info', '--format', INFO_FORMAT], { env, allowFailure: true })
  ]);
  if (inspect.code !== 0) {
    const line = errorLine(inspect.stderr) || `exit code ${inspect.code}`;
    if (builder) throw new InputError(`Input "builder": "${builder}" cannot be used: ${line}`);
    throw new Error(`docker buildx inspect failed: ${line}`);
  }
  const facts = info.code === 0 ? parseInfo(info.stdout) : { containerdStore: false };
  const buildxVersion =
    facts.buildxVersion ?? parseBuildxVersion((await run('docker', ['buildx', 'version'], { env })).stdout);
  return {
    buildxVersion,
    builder: assumed ?? parseInspect(inspect.stdout),
    containerdStore: facts.containerdStore,
    handlers: readHandlers(opts.binfmtDir)
  };
}
