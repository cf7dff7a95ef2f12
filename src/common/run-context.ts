/**
 * The GitHub run context, read and checked once: the repository, the event and its payload, the
 * commit, the run, the server and API URLs, the runner's temporary folder and command files, and
 * whether the job can mint an OIDC token. This is the only module that reads the runner's
 * `GITHUB_*`, `RUNNER_*` and `ACTIONS_*` variables; every other module is handed what it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { errorMessage, InputError } from './errors.js';

/** An event payload as the runner writes it (GITHUB_EVENT_PATH). */
export type Payload = Record<string, unknown>;

/** The runner's own files and settings for this step: where the runner protocol writes. */
export interface RunnerFiles {
  /** Command files ('' outside the runner): outputs, environment, state, job summary, PATH. */
  output: string;
  env: string;
  state: string;
  summary: string;
  path: string;
  /** The runner's artifacts file (GITHUB_ARTIFACTS): what the job published; '' where the runner has none. */
  artifacts: string;
  /** The job's temporary folder (RUNNER_TEMP, else the OS's), absolute. */
  temp: string;
  /** The step's id (GITHUB_ACTION): the same for a step's main and post parts. */
  action: string;
  /** RUNNER_DEBUG is 1: the run was re-run with debug logging. */
  debug: boolean;
}

export interface RunContext {
  /** The repository the workflow runs in: `owner/repo` ('' outside a run), and its two parts. */
  repository: string;
  owner: string;
  repo: string;
  /** GITHUB_REPOSITORY_OWNER ('' when unset). */
  repositoryOwner: string;
  /** The repository's visibility as the payload gives it (public, private, internal; '' when it does not). */
  visibility: string;
  eventName: string;
  /** GITHUB_EVENT_PATH ('' when unset). */
  eventPath: string;
  /** The event payload, parsed once ({} without one). */
  payload: Payload;
  ref: string;
  sha: string;
  /** The run's id and attempt: digits, or '' outside a run. */
  runId: string;
  runAttempt: string;
  actor: string;
  /** GITHUB_ACTION: the step's id. */
  action: string;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/file.yml@ref`. */
  workflowRef: string;
  /** The GitHub server and its REST API, without trailing slashes. */
  serverUrl: string;
  apiUrl: string;
  /** The server is a GitHub Enterprise Server (neither github.com, a *.ghe.com tenant, nor *.localhost). */
  ghes: boolean;
  /** The job's temporary folder, emptied by the runner for every job. */
  runnerTemp: string;
  /** The job can ask for an OIDC token (`permissions: id-token: write`). */
  canMintIdToken: boolean;
  /** The GitHub Actions cache service is reachable (what buildx's `type=gha` cache needs). */
  actionsCache: { runtimeToken: boolean; cacheUrl: boolean; resultsUrl: boolean };
  files: RunnerFiles;
  /** Problems met while reading that do not stop the step (a payload file that does not exist). */
  warnings: string[];
}

export const DEFAULT_SERVER_URL = 'https://github.com';
export const DEFAULT_API_URL = 'https://api.github.com';

const trimSlashes = (url: string) => url.replace(/\/+$/, '');

/** The runner's files and settings, read now (a step's environment may change while it runs). */
export function runnerFiles(env: NodeJS.ProcessEnv = process.env): RunnerFiles {
  return {
    output: env.GITHUB_OUTPUT ?? '',
    env: env.GITHUB_ENV ?? '',
    state: env.GITHUB_STATE ?? '',
    summary: env.GITHUB_STEP_SUMMARY ?? '',
    path: env.GITHUB_PATH ?? '',
    artifacts: env.GITHUB_ARTIFACTS ?? '',
    temp: resolve(env.RUNNER_TEMP || tmpdir()),
    action: env.GITHUB_ACTION ?? '',
    debug: env.RUNNER_DEBUG === '1'
  };
}

/**
 * The runner's OIDC token service for this job (URL and bearer), read at the moment of the request
 * (the bearer is short-lived); undefined where the job cannot mint (`permissions: id-token: write`).
 */
export function idTokenService(
  env: NodeJS.ProcessEnv = process.env
): { url: string; token: string } | undefined {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  return url && token ? { url, token } : undefined;
}

/** True for a GitHub Enterprise Server, from its URL. */
export function isGhes(serverUrl: string): boolean {
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

/**
 * The REST API's URL: GITHUB_API_URL when set, else derived from the server's, as the runner
 * sets it: api.github.com, `api.<tenant>.ghe.com`, or `<server>/api/v3` on an Enterprise Server.
 */
export function apiUrlOf(serverUrl: string, given = ''): string {
  if (given) return trimSlashes(given);
  if (serverUrl === DEFAULT_SERVER_URL) return DEFAULT_API_URL;
  const url = new URL(serverUrl);
  if (url.hostname.toLowerCase().endsWith('.ghe.com')) return `${url.protocol}//api.${url.host}`;
  return isGhes(serverUrl) ? `${serverUrl}/api/v3` : DEFAULT_API_URL;
}

export interface RunEvent {
  name: string;
  path: string;
  payload: Payload;
  /** A GITHUB_EVENT_PATH that names no file. */
  warning?: string;
  /** A payload that is not JSON (or not readable). */
  error?: string;
}

/** The event: its name and payload; a missing or unreadable payload is reported, never thrown. */
export function readEvent(env: NodeJS.ProcessEnv = process.env): RunEvent {
  const name = env.GITHUB_EVENT_NAME ?? '';
  const path = env.GITHUB_EVENT_PATH ?? '';
  if (!path) return { name, path, payload: {} };
  if (!existsSync(path)) {
    return {
      name,
      path,
      payload: {},
      warning: `GITHUB_EVENT_PATH ${path} does not exist: the event payload is empty`
    };
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const payload = parsed !== null && typeof parsed === 'object' ? (parsed as Payload) : {};
    return { name, path, payload };
  } catch (err) {
    return {
      name,
      path,
      payload: {},
      error: `GITHUB_EVENT_PATH ${path} is not valid JSON: ${errorMessage(err)}`
    };
  }
}

const obj = (v: unknown): Payload | undefined =>
  v !== null && typeof v === 'object' ? (v as Payload) : undefined;

/** Owner and name: GITHUB_REPOSITORY, else the payload's repository. */
function ownerRepo(given: string, payload: Payload): { owner: string; repo: string } {
  if (given) {
    const [owner = '', repo = '', ...rest] = given.split('/');
    if (!owner || !repo || rest.length) {
      throw new InputError(`GITHUB_REPOSITORY must be owner/repo, got "${given}"`, []);
    }
    return { owner, repo };
  }
  const repository = obj(payload.repository);
  const login = obj(repository?.owner)?.login;
  return repository && typeof login === 'string' && typeof repository.name === 'string'
    ? { owner: login, repo: repository.name }
    : { owner: '', repo: '' };
}

/** The repository's visibility from the payload: `visibility`, else public when `private` is false. */
function visibilityOf(payload: Payload): string {
  const repository = obj(payload.repository);
  if (typeof repository?.visibility === 'string' && repository.visibility) return repository.visibility;
  return repository?.private === false ? 'public' : '';
}

/** A run number: digits, or '' when unset; anything else names the variable. */
function runNumber(env: NodeJS.ProcessEnv, name: 'GITHUB_RUN_ID' | 'GITHUB_RUN_ATTEMPT'): string {
  const value = env[name] ?? '';
  if (value !== '' && !/^\d+$/.test(value))
    throw new InputError(`${name} must be a number, got "${value}"`, []);
  return value;
}

/** Reads and checks the run context; throws for a payload that is not JSON and for malformed run variables. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const event = readEvent(env);
  if (event.error) throw new InputError(event.error, []);
  const { owner, repo } = ownerRepo(env.GITHUB_REPOSITORY ?? '', event.payload);
  const serverUrl = trimSlashes(env.GITHUB_SERVER_URL || DEFAULT_SERVER_URL);
  const files = runnerFiles(env);
  return {
    repository: owner && repo ? `${owner}/${repo}` : '',
    owner,
    repo,
    repositoryOwner: env.GITHUB_REPOSITORY_OWNER ?? '',
    visibility: visibilityOf(event.payload),
    eventName: event.name,
    eventPath: event.path,
    payload: event.payload,
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    runId: runNumber(env, 'GITHUB_RUN_ID'),
    runAttempt: runNumber(env, 'GITHUB_RUN_ATTEMPT'),
    actor: env.GITHUB_ACTOR ?? '',
    action: files.action,
    workflowRef: env.GITHUB_WORKFLOW_REF ?? '',
    serverUrl,
    apiUrl: apiUrlOf(serverUrl, env.GITHUB_API_URL),
    ghes: isGhes(serverUrl),
    runnerTemp: files.temp,
    canMintIdToken: idTokenService(env) !== undefined,
    actionsCache: {
      runtimeToken: Boolean(env.ACTIONS_RUNTIME_TOKEN),
      cacheUrl: Boolean(env.ACTIONS_CACHE_URL),
      resultsUrl: Boolean(env.ACTIONS_RESULTS_URL)
    },
    files,
    warnings: event.warning ? [event.warning] : []
  };
}
