/**
 * The GitHub Actions runner protocol: inputs from INPUT_* variables, outputs, environment and state
 * through the runner's files, workflow commands for logs and masking, and the job summary.
 * Written against the documented protocol rather than @actions/core: that package also loads an HTTP
 * client for OIDC that no stage uses, which costs every step about 75 ms and 0.5 MB of bundle.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { EOL } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { stopRecorded } from './processes.js';
import { fenced } from './log-fence.js';
import { InputError } from './errors.js';
import { runnerFiles } from './run-context.js';
import { mainKey, postKey, sign, verify } from './state.js';

export { InputError } from './errors.js';

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The raw value of an input, trimmed; '' when unset. */
export function getInput(name: string, opts: { required?: boolean; trim?: boolean } = {}): string {
  const raw = process.env[inputVariable(name)] ?? '';
  if (opts.required && !raw) throw new InputError(`Input required and not supplied: ${name}`, [name]);
  return opts.trim === false ? raw : raw.trim();
}

/** An input set to something, as opposed to left at ''. */
export function hasInput(name: string): boolean {
  return getInput(name) !== '';
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** A boolean input in the YAML 1.2 core schema; `fallback` when it is empty. */
export function getBooleanInput(name: string, fallback = false): boolean {
  return booleanFrom(stepInputs, name, fallback);
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Writes a workflow command (`::name key=value::message`). */
export function issueCommand(
  command: string,
  message: string,
  properties: Record<string, string> = {}
): void {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  process.stdout.write(`::${command}${props ? ' ' + props : ''}::${escapeData(message)}${EOL}`);
}

/** Appends `key` and `value` to one of the runner's command files; false outside the runner. */
function fileCommand(file: string, key: string, value: string): boolean {
  if (!file) return false;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: name or value contains the delimiter ${delimiter}`);
  }
  appendFileSync(file, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
  return true;
}

export function setOutput(name: string, value: string | number | boolean | object): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (!fileCommand(runnerFiles().output, name, text)) {
    process.stdout.write(EOL);
    issueCommand('set-output', text, { name });
  }
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  if (!fileCommand(runnerFiles().env, name, value)) issueCommand('set-env', value, { name });
}

/**
 * State handed from the main step to the post step, signed with this step's key (see state.ts);
 * `env` places the key file (RUNNER_TEMP, GITHUB_ACTION).
 */
export function saveState(name: string, value: string | object, env: NodeJS.ProcessEnv = process.env): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const signed = sign(mainKey(env), name, text);
  if (!fileCommand(runnerFiles().state, name, signed)) issueCommand('save-state', signed, { name });
}

/** State entries already reported as not written by the main step: one warning each. */
const ignoredState = new Set<string>();

/**
 * A state entry the main step saved; '' when unset, and '' with one warning naming the entry when
 * its main step did not write it (a `save-state` that other text printed into the log).
 */
export function getState(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const text = process.env[`STATE_${name}`] ?? '';
  if (!text) return '';
  const value = verify(postKey(env), name, text);
  if (value !== undefined) return value;
  if (!ignoredState.has(name)) {
    ignoredState.add(name);
    warning(`Ignoring the state entry "${name}": it was not written by this step's main step`);
  }
  return '';
}

/** What this process has masked already: a value is masked once, however many stages hand it on. */
const masked = new Set<string>();

/**
 * Masks a secret in every later log line; a multi-line one (a key file, JSON) also line by line,
 * each line of four or more characters trimmed (output shows a value's lines apart, indented anew;
 * the runner itself masks the shorter ones, `{` and the like, from the whole value). Every secret
 * input is masked as soon as it is read, before the step prints anything else.
 */
export function setSecret(secret: string): void {
  if (!secret) return;
  const lines = /[\r\n]/.test(secret) ? secret.split(/\r\n|\r|\n/).map(l => l.trim()) : [];
  for (const part of [secret, ...lines.filter(l => l.length > 3)]) {
    if (!part || masked.has(part)) continue;
    masked.add(part);
    issueCommand('add-mask', part);
  }
}

/**
 * Writes text to the log so that the runner reads no command in it (see log-fence.ts): as it is when
 * it is inert, else fenced, in one write. Text and buffers of whole lines; a line break is added
 * where the text lacks one.
 */
export function writeLog(text: string | Buffer): void {
  if (text.length === 0) return;
  process.stdout.write(typeof text === 'string' ? fenced(text) : fenced(text));
}

/** A line for the log; whatever it quotes (inputs, the event, a registry's answer) stays text. */
export function info(message: string): void {
  writeLog(message + EOL);
}

export function isDebug(): boolean {
  return runnerFiles().debug;
}

export function debug(message: string): void {
  issueCommand('debug', message);
}

export function notice(message: string): void {
  issueCommand('notice', message);
}

export function warning(message: string): void {
  issueCommand('warning', message);
}

export function error(message: string): void {
  issueCommand('error', message);
}

export function startGroup(title: string): void {
  issueCommand('group', title);
}

export function endGroup(): void {
  issueCommand('endgroup', '');
}

export async function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  startGroup(title);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

/** Appends Markdown to the job summary; a no-op outside the runner. */
export function appendSummary(markdown: string): void {
  const file = runnerFiles().summary;
  if (file) appendFileSync(file, markdown.endsWith(EOL) ? markdown : markdown + EOL, 'utf8');
}

const POST_STATE = 'isPost';

/**
 * True in the post step of an action whose main step called `markMainDone`. Unsigned: the runner
 * gives state only to post steps, so it tells a post step from a main step, and nothing more.
 */
export function isPost(): boolean {
  return process.env[`STATE_${POST_STATE}`] === 'true';
}

export function markMainDone(): void {
  if (!fileCommand(runnerFiles().state, POST_STATE, 'true')) {
    issueCommand('save-state', 'true', { name: POST_STATE });
  }
}

/** What a cancelled step does before it exits: stop its children, remove its files. */
const cancelHooks = new Set<() => void | Promise<void>>();

/** Runs `hook` when the step is cancelled (SIGINT, SIGTERM); returns a function that unregisters it. */
export function onCancel(hook: () => void | Promise<void>): () => void {
  cancelHooks.add(hook);
  return () => cancelHooks.delete(hook);
}

const TEMP_STATE = 'temp-folders';
const tempFolders: string[] = [];

function removeTempFolders(folders: string[]): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}

/**
 * A new private folder under RUNNER_TEMP for what the step writes there (secret files, bake files,
 * buildx's metadata). Its name goes into the step's state before it exists: a cancelled step removes
 * it before exiting, and the post step removes it after a main step that was killed outright.
 */
export function tempFolder(prefix: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = runnerFiles(env).temp;
  mkdirSync(root, { recursive: true });
  const folder = join(root, `${prefix}${randomBytes(6).toString('hex')}`);
  if (tempFolders.length === 0) onCancel(() => removeTempFolders(tempFolders));
  tempFolders.push(folder);
  saveState(TEMP_STATE, tempFolders, env);
  mkdirSync(folder, { mode: 0o700 });
  return folder;
}

/** The name tempFolder gives: a prefix and 12 random hex digits. */
const TEMP_NAME = /^[a-z][a-z-]*-[0-9a-f]{12}$/;

/** The folders a main step named in its state, as tempFolder names them: in RUNNER_TEMP, nowhere else. */
function recordedTempFolders(env: NodeJS.ProcessEnv): string[] {
  let listed: unknown;
  try {
    listed = JSON.parse(getState(TEMP_STATE, env) || '[]');
  } catch {
    return [];
  }
  const root = runnerFiles(env).temp;
  return (Array.isArray(listed) ? listed : []).filter(
    (f): f is string =>
      typeof f === 'string' && isAbsolute(f) && dirname(f) === root && TEMP_NAME.test(basename(f))
  );
}

/**
 * The post step's cleanup, first thing: takes the main step's state key off the disk (state.ts),
 * then, after a main step that was killed (SIGKILL, a lost runner), stops the commands it left
 * running (recorded in `*.pid` files) and removes the folders it named in its state.
 */
export async function removeLeftovers(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  postKey(env);
  const folders = recordedTempFolders(env);
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).filter(n => n.endsWith('.pid'));
    } catch {
      continue;
    }
    for (const name of names) {
      if (await stopRecorded(readFileSync(join(folder, name), 'utf8'))) {
        info(`Stopped a command the main step left running (process group ${name.slice(0, -4)})`);
      }
    }
    info(`Removing ${folder} (written by the main step)`);
  }
  removeTempFolders(folders);
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
let cancelled: NodeJS.Signals | undefined;

/**
 * On SIGINT or SIGTERM (a cancelled workflow, a timeout) the step stops its children, removes its
 * files and exits with 128 + the signal number; Node's default would exit at once and leave both
 * behind. A second signal while it does so is ignored: the runner's own SIGKILL comes seconds later.
 */
function handleSignals(): void {
  for (const [signal, number] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
    process.on(signal, () => {
      if (cancelled) return;
      cancelled = signal;
      process.exitCode = 128 + number;
      error(`Cancelled (${signal}): stopping the running commands and removing this step's files`);
      void Promise.allSettled([...cancelHooks].map(async hook => hook())).finally(() => {
        // Again, for anything a command wrote while it was being stopped.
        removeTempFolders(tempFolders);
        process.exit(128 + number);
      });
    });
  }
}

/**
 * Runs a step's body: any error becomes one `::error::` line and a failed step, never a stack trace
 * (unless RUNNER_DEBUG is on). A post step first cleans up after a main step that was killed.
 */
export async function runStep(body: () => Promise<void>): Promise<void> {
  handleSignals();
  try {
    if (isPost()) await removeLeftovers();
    await body();
  } catch (err) {
    // After a signal, the body fails because its commands were stopped: that is not news.
    if (cancelled) return;
    const e = err instanceof Error ? err : new Error(String(err));
    if (isDebug() && e.stack) debug(e.stack);
    error(e.message);
    process.exitCode = 1;
  }
}

/**
 * Where a stage reads its inputs from: by default the step's own INPUT_* variables; the root action
 * passes a source that maps a stage's input names onto its own (e.g. `prune-keep-n-tagged`).
 */
export type InputSource = (name: string) => string;

export const stepInputs: InputSource = name => getInput(name);

/** A boolean from an input source, in the YAML 1.2 core schema; `fallback` when empty. */
export function booleanFrom(source: InputSource, name: string, fallback = false): boolean {
  const value = source(name);
  if (value === '') return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(`Input "${name}" must be true or false, got "${value}"`, [name]);
}
