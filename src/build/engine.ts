/**
 * What the runner's Docker engine and buildx offer, read in parallel without the docker CLI where it
 * can be: buildx is run as its plugin binary (one process instead of the CLI's three: the CLI first
 * runs the plugin once to read its metadata), and a local engine's socket answers GET /info (no
 * process at all). The docker CLI is the fallback for remote engines, contexts and plugins it would
 * find elsewhere.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { configDir, configPath, readConfig } from '../common/docker-config.js';
import { errorLine, exec } from '../common/exec.js';
import { InputError } from '../common/runner.js';
import { parseInspect, type BuilderInfo } from './builder.js';
import { buildxCall, parseBuildxVersion } from './buildx.js';
import { readHandlers } from './qemu.js';

export interface EngineFacts {
  builder: BuilderInfo;
  containerdStore: boolean;
  /** Enabled binfmt handlers (qemu-aarch64, ...). */
  handlers: Set<string>;
}

/** The current builder, not inspected: any builder builds for its own platform. */
const CURRENT: BuilderInfo = { name: 'current', driver: '', status: '', platforms: new Set() };
/** The Docker context's own builder: the docker driver, building what the engine runs. */
const DEFAULT: BuilderInfo = { name: 'default', driver: 'docker', status: 'running', platforms: new Set() };

export function buildxCurrentFile(env: NodeJS.ProcessEnv): string {
  return join(env.BUILDX_CONFIG || join(configDir(env), 'buildx'), 'current');
}

/** The parts of the docker CLI's config.json that say where it finds plugins and the engine. */
export interface CliConfig {
  cliPluginsExtraDirs?: string[];
  currentContext?: string;
}

const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins'
];

/** The docker CLI's plugin folders in its order: the config folder's, config.json's extra ones, the system's. */
export function pluginDirs(env: NodeJS.ProcessEnv, config: CliConfig): string[] {
  const extra = Array.isArray(config.cliPluginsExtraDirs) ? config.cliPluginsExtraDirs : [];
  return [join(configDir(env), 'cli-plugins'), ...extra, ...SYSTEM_PLUGIN_DIRS];
}

/**
 * The socket of the engine the docker CLI talks to, when it is a local one: DOCKER_HOST=unix://...,
 * or neither DOCKER_HOST nor a context other than the default. undefined: ask the CLI.
 */
export function localSocket(env: NodeJS.ProcessEnv, config: CliConfig): string | undefined {
  if (env.DOCKER_HOST) return /^unix:\/\//.test(env.DOCKER_HOST) ? env.DOCKER_HOST.slice(7) : undefined;
  const context = env.DOCKER_CONTEXT || config.currentContext || 'default';
  return context === 'default' ? '/var/run/docker.sock' : undefined;
}

/** The containerd snapshotter in the daemon's DriverStatus means the containerd image store. */
export function containerdStore(driverStatus: unknown): boolean {
  return /io\.containerd\.snapshotter/.test(JSON.stringify(driverStatus ?? null));
}

/** GET /info on the engine's socket: its DriverStatus. */
export function socketInfo(socketPath: string, timeoutMs = 5000): Promise<{ DriverStatus?: unknown }> {
  return new Promise((resolve, reject) => {
    // Straight to the socket, without an agent (which would work out a TLS server name first).
    const req = request(
      {
        createConnection: () => connect(socketPath),
        path: '/info',
        headers: { host: 'docker' },
        timeout: timeoutMs
      },
      res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`GET /info: ${res.statusCode}`));
          try {
            resolve(JSON.parse(body) as { DriverStatus?: unknown });
          } catch (err) {
            reject(err as Error);
          }
        });
      }
    );
    req.on('timeout', () => req.destroy(new Error(`GET /info: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function findExecutable(dirs: string[], name: string): string | undefined {
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where the engine facts come from (tests point them elsewhere). */
export interface EngineProbes {
  binfmtDir?: string;
  /** false: no platforms were asked, the current builder is not inspected. */
  inspect?: boolean;
  /** The docker CLI's plugin folders (default: pluginDirs()). */
  pluginDirs?: string[];
  /** The docker CLI's config.json, when the caller has read it already (default: readCliConfig()). */
  config?: CliConfig;
  /** GET /info on a local engine socket (default: socketInfo). */
  daemonInfo?: (socket: string) => Promise<{ DriverStatus?: unknown }>;
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

/** The docker CLI's config.json ({} when it is missing or unreadable: the CLI's defaults apply). */
export function readCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  try {
    return readConfig(configPath(env)) as CliConfig;
  } catch {
    return {};
  }
}

/** The buildx plugin binary, where the docker CLI would find it (undefined: leave it to `docker buildx`). */
export function findBuildx(
  env: NodeJS.ProcessEnv,
  probes: Pick<EngineProbes, 'pluginDirs' | 'config'> = {}
): string | undefined {
  const dirs = probes.pluginDirs ?? pluginDirs(env, probes.config ?? readCliConfig(env));
  return findExecutable(dirs, 'docker-buildx');
}

/** buildx's version: from the plugin binary, else from `docker buildx version`. */
export async function readBuildxVersion(
  run: typeof exec,
  plugin: string | undefined,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const [command, args] = buildxCall(plugin, ['version']);
  const answer = await run(command, args, { env, allowFailure: true });
  const version = answer.code === 0 ? tryVersion(answer.stdout) : undefined;
  if (version) return version;
  if (plugin) return readBuildxVersion(run, undefined, env);
  const line = errorLine(answer.stderr) || errorLine(answer.stdout) || `exit code ${answer.code}`;
  throw new Error(`docker buildx version failed: ${line}`);
}

/**
 * At most two questions, at once: the local engine's /info, and (only when there is something to
 * learn: platforms were asked and a builder other than the context's default one is in use, or one
 * was named) `buildx inspect`. `docker info` answers what the socket could not.
 */
export async function detectEngine(
  run: typeof exec,
  plugin: string | undefined,
  builder: string,
  env: NodeJS.ProcessEnv,
  opts: EngineProbes = {}
): Promise<EngineFacts> {
  const skipped = { code: 0, stdout: '', stderr: '' };
  let assumed: BuilderInfo | undefined;
  if (!builder && opts.inspect === false) assumed = CURRENT;
  else if (!builder && usesDefaultBuilder(env, readOptional(buildxCurrentFile(env)))) assumed = DEFAULT;
  const socket = localSocket(env, opts.config ?? readCliConfig(env));
  const [inspect, daemon] = await Promise.all([
    assumed
      ? skipped
      : run(...buildxCall(plugin, ['inspect', ...(builder ? ['--', builder] : [])]), {
          env,
          allowFailure: true
        }),
    socket ? (opts.daemonInfo ?? socketInfo)(socket).catch(() => undefined) : undefined
  ]);
  if (inspect.code !== 0) {
    const line = errorLine(inspect.stderr) || `exit code ${inspect.code}`;
    if (builder) throw new InputError(`Input "builder": "${builder}" cannot be used: ${line}`, ['builder']);
    throw new Error(`docker buildx inspect failed: ${line}`);
  }
  let store = daemon ? containerdStore(daemon.DriverStatus) : undefined;
  if (store === undefined) {
    const info = await run('docker', ['info', '--format', '{{json .DriverStatus}}'], {
      env,
      allowFailure: true
    });
    store = info.code === 0 && containerdStore(info.stdout);
  }
  return {
    builder: assumed ?? parseInspect(inspect.stdout),
    containerdStore: store,
    handlers: readHandlers(opts.binfmtDir)
  };
}

function tryVersion(output: string): string | undefined {
  try {
    return parseBuildxVersion(output);
  } catch {
    return undefined;
  }
}
