/**
 * Runs a built action the way the GitHub runner does: every declared input as INPUT_* (with its
 * default), GITHUB_EVENT_PATH, GITHUB_OUTPUT/GITHUB_ENV/GITHUB_STATE/GITHUB_STEP_SUMMARY files, and
 * the post step with the state the main step saved. Node is ACTION_NODE (Node 24 in CI) or this one.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

/** The project root (ACTION_ROOT where this module is bundled elsewhere, as in the demo). */
export const ROOT =
  process.env.ACTION_ROOT ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/**
 * The private test engine (scripts/e2e/env.sh, chosen by E2E_ENGINE and E2E_STORE): its DOCKER_HOST,
 * a default DOCKER_CONFIG, PATH with its docker CLI (which links its buildx into any DOCKER_CONFIG)
 * and the registry ports. Set on this process, so the tests' own docker calls use it as well.
 */
export function engineEnv(overrides: NodeJS.ProcessEnv = {}): Record<string, string> {
  const out = execFileSync('bash', [join(ROOT, 'scripts/e2e/env.sh'), '--env0'], {
    env: { ...process.env, ...overrides },
    encoding: 'utf8'
  });
  const pairs = out.split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map(p => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}
Object.assign(process.env, engineEnv());

/**
 * The docker CLI (and the build stage, which reads the buildx version from the plugin's binary)
 * looks for buildx in $DOCKER_CONFIG/cli-plugins before the system's folders: every DOCKER_CONFIG a
 * step gets has the engine's plugins linked in, so it uses the engine's buildx whatever else the
 * machine has. (The engine's docker CLI on PATH does the same for the tests' own docker calls.)
 */
export function linkPlugins(dockerConfig: string | undefined): void {
  const plugins = process.env.E2E_PLUGINS;
  if (!dockerConfig || !plugins || existsSync(join(dockerConfig, 'cli-plugins'))) return;
  mkdirSync(dockerConfig, { recursive: true });
  try {
    symlinkSync(plugins, join(dockerConfig, 'cli-plugins'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

interface ActionYaml {
  inputs?: Record<string, { default?: string | boolean | number }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

export interface RunOptions {
  /** Path of the action.yml, relative to the project root. */
  action: string;
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: object;
  /** A work folder shared between main and post (and between steps); made when absent. */
  workdir?: string;
  /** Extra defaults for `${{ github.token }}` and friends in input defaults. */
  githubToken?: string;
  timeoutMs?: number;
  /**
   * A hosts file the step resolves names with: the step runs in a private mount namespace
   * (`unshare -m`) with this file bind-mounted over /etc/hosts; the machine's own stays untouched.
   */
  hostsFile?: string;
  /** Sends the step a signal, as a cancelled workflow does: `afterMs` after the start, once its
   * output matches `whenOutput` (when given). */
  signal?: { name: NodeJS.Signals; afterMs: number; whenOutput?: RegExp };
  /**
   * State entries set by `::save-state name=<name>::<value>` lines that text the step did not write
   * (a label, a `RUN` step) put into the main step's log: the runner hands them to the post step
   * like the entries the main step saved, over those of the same name.
   */
  injectedState?: Record<string, string>;
}

/** A process seen under the step (from /proc). */
export interface ProcessSeen {
  pid: number;
  pgrp: number;
  /** Start time (clock ticks since boot): with the pid, tells it from a later process. */
  start: string;
  cmdline: string;
}

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  exported: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Messages of `::error::`, `::warning::` and `::notice::` lines. */
  errors: string[];
  warnings: string[];
  notices: string[];
  /** Values registered with ::add-mask::. */
  masked: string[];
  workdir: string;
  /** The step's node process. */
  pid: number;
  /** When a signal was sent: the step's descendants just before, else []. */
  descendants: ProcessSeen[];
  /** When a signal was sent: how long the step took to exit after it, in ms. */
  exitAfterSignalMs?: number;
}

/** Parses a runner file command file (`name<<DELIM` heredocs, or legacy `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`unterminated heredoc for ${name}`);
      out[name] = value.join('\n');
    } else {
      const at = line.indexOf('=');
      if (at < 0) throw new Error(`malformed file command line: ${line}`);
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/**
 * The values of a step's state as the main step meant them: each entry without the proof the step
 * saves it with (`<HMAC>:`, see src/common/state.ts). An entry without one is left as it is.
 */
export function stateValues(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.replace(/^[0-9a-f]{64}:/, '')]));
}

function unescape(value: string): string {
  return value.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
}

function commands(stdout: string, name: string): string[] {
  const re = new RegExp(`^::${name}(?: [^:]*)?::(.*)$`, 'gm');
  return [...stdout.matchAll(re)].map(m => unescape(m[1]));
}

function defaultValue(value: string | boolean | number | undefined, token: string): string {
  if (value === undefined) return '';
  return String(value)
    .replace(/\$\{\{\s*github\.token\s*\}\}/g, token)
    .replace(/\$\{\{[^}]*\}\}/g, '');
}

function node(): string {
  return process.env.ACTION_NODE || process.execPath;
}

/** The command that runs `script`: node, or node inside a mount namespace with its own /etc/hosts. */
function command(script: string, hostsFile?: string): [string, string[]] {
  if (!hostsFile) return [node(), [script]];
  const wrapper = join(ROOT, '__tests__/support/with-hosts.mjs');
  return ['unshare', ['-m', '--propagation', 'private', node(), wrapper, hostsFile, script]];
}

function procStat(pid: string): { ppid: number; pgrp: number; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined;
    return { ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] };
  } catch {
    return undefined;
  }
}

/** The live descendants of `root` (children, their children, ...). */
export function descendantsOf(root: number): ProcessSeen[] {
  const all = readdirSync('/proc')
    .filter(n => /^\d+$/.test(n))
    .map(n => ({ pid: Number(n), stat: procStat(n) }))
    .filter(p => p.stat !== undefined);
  const found: ProcessSeen[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.pid) || !parents.has(p.stat!.ppid)) continue;
      parents.add(p.pid);
      grew = true;
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        continue;
      }
      found.push({ pid: p.pid, pgrp: p.stat!.pgrp, start: p.stat!.start, cmdline });
    }
  }
  return found;
}

/** Whether a process seen earlier still runs (same pid and start time, not a zombie). */
export function stillRunning(p: ProcessSeen): boolean {
  return procStat(String(p.pid))?.start === p.start;
}

async function spawnStep(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  signal?: RunOptions['signal'],
  hostsFile?: string
) {
  return new Promise<{
    code: number;
    stdout: string;
    stderr: string;
    pid: number;
    descendants: ProcessSeen[];
    exitAfterSignalMs?: number;
  }>((res, rej) => {
    const [file, args] = command(script, hostsFile);
    const child = spawn(file, args, {
      env,
      cwd: env.GITHUB_WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const started = Date.now();
    let stdout = '';
    let stderr = '';
    let descendants: ProcessSeen[] = [];
    let signalledAt = 0;
    child.stdout.on('data', c => (stdout += c));
    child.stderr.on('data', c => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const poll = signal
      ? setInterval(() => {
          if (Date.now() - started < signal.afterMs) return;
          if (signal.whenOutput && !signal.whenOutput.test(stdout)) return;
          clearInterval(poll);
          if (child.exitCode !== null || child.pid === undefined) return;
          descendants = descendantsOf(child.pid);
          signalledAt = Date.now();
          child.kill(signal.name);
        }, 20)
      : undefined;
    child.on('error', rej);
    child.on('close', code => {
      clearTimeout(timer);
      clearInterval(poll);
      const exitAfterSignalMs = signalledAt ? Date.now() - signalledAt : undefined;
      res({ code: code ?? -1, stdout, stderr, pid: child.pid ?? -1, descendants, exitAfterSignalMs });
    });
  });
}

function baseEnv(opts: RunOptions, workdir: string): NodeJS.ProcessEnv {
  const eventPath = join(workdir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(opts.event ?? {}));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_CONFIG: process.env.DOCKER_CONFIG,
    DOCKER_HOST: process.env.DOCKER_HOST,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: join(workdir, 'runner-temp'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_WORKSPACE: process.env.GITHUB_WORKSPACE ?? workdir,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/hello-world',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'mona',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9/',
    GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    GITHUB_JOB: 'build',
    GITHUB_WORKFLOW: 'ci',
    // The runner's name for the step, the same for its main and post parts: here one per action.
    GITHUB_ACTION: `__octo-org_push-to-image${dirname(opts.action) === '.' ? '' : `_${dirname(opts.action)}`}`
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  linkPlugins(env.DOCKER_CONFIG);
  return env;
}

/** Runs `runs.main` of the action, then (when the action has one) `runs.post` with the saved state. */
export async function runAction(
  opts: RunOptions & { post?: boolean }
): Promise<StepResult & { post?: StepResult }> {
  const main = await runStep(opts, 'main');
  if (opts.post === false) return main;
  const yaml = load(readFileSync(join(ROOT, opts.action), 'utf8')) as ActionYaml;
  if (!yaml.runs.post) return main;
  const post = await runStep({ ...opts, workdir: main.workdir }, 'post', {
    ...main.state,
    ...opts.injectedState
  });
  return { ...main, post };
}

export async function runStep(
  opts: RunOptions,
  phase: 'main' | 'post' = 'main',
  state: Record<string, string> = {}
): Promise<StepResult> {
  const actionPath = join(ROOT, opts.action);
  const yaml = load(readFileSync(actionPath, 'utf8')) as ActionYaml;
  if (yaml.runs.using !== 'node24') throw new Error(`${opts.action}: runs.using is ${yaml.runs.using}`);
  const script = yaml.runs[phase];
  if (!script) throw new Error(`${opts.action} has no runs.${phase}`);
  const workdir = opts.workdir ?? mkdtempSync(join(tmpdir(), 'action-'));
  const env = baseEnv(opts, workdir);
  const token = opts.githubToken ?? 'ghs_testtoken';
  for (const [name, spec] of Object.entries(yaml.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = defaultValue(spec?.default, token);
  }
  for (const [name, value] of Object.entries(opts.inputs ?? {})) {
    if (!(name in (yaml.inputs ?? {}))) throw new Error(`${opts.action} declares no input "${name}"`);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
  const files = {
    GITHUB_OUTPUT: join(workdir, `${phase}-output`),
    GITHUB_ENV: join(workdir, `${phase}-env`),
    GITHUB_STATE: join(workdir, `${phase}-state`),
    GITHUB_STEP_SUMMARY: join(workdir, `${phase}-summary.md`)
  };
  for (const [k, f] of Object.entries(files)) {
    writeFileSync(f, '');
    env[k] = f;
  }
  const run = await spawnStep(
    join(dirname(actionPath), script),
    env,
    opts.timeoutMs ?? 120_000,
    phase === 'main' ? opts.signal : undefined,
    opts.hostsFile
  );
  const read = (f: string) => readFileSync(f, 'utf8');
  return {
    ...run,
    outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
    exported: parseFileCommands(read(files.GITHUB_ENV)),
    state: parseFileCommands(read(files.GITHUB_STATE)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    errors: commands(run.stdout, 'error'),
    warnings: commands(run.stdout, 'warning'),
    notices: commands(run.stdout, 'notice'),
    masked: commands(run.stdout, 'add-mask'),
    workdir
  };
}
