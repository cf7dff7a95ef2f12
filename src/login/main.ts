/**
 * The login stage's I/O: `docker login --password-stdin` per registry decided, the outputs, and the
 * post step, which logs out of exactly those and puts back the credentials they replaced.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';
import { errorLine, exec, ExecError } from '../common/exec.js';
import { getState, info, saveState, setOutput, setSecret, warning } from '../common/runner.js';
import {
  basicAuth,
  configPath,
  inlineEntry,
  readConfig,
  restorable,
  withEntries,
  writeConfig,
  type AuthEntry
} from '../common/docker-config.js';
import { deniedHint, tokenKind } from '../common/denied-hints.js';
import { authKey, isDockerHub } from '../common/reference.js';
import type { LoginDecision } from './decide.js';
import { mintDockerToken, type OidcConnection } from './docker-oidc.js';
import { scopedConfigDir } from './scope.js';
import type { LoginTarget } from './targets.js';

const LOGIN_STATE = 'login';

interface LoggedIn {
  registry: string;
  /** The state entry holding the credentials the config held for this registry before. */
  restore?: string;
  /** The config folder of a scoped login (DOCKER_CONFIG for its login and logout). */
  configDir?: string;
  /** The scoped config file did not exist before: the post step removes it once it holds no login. */
  created?: boolean;
}

export interface LoginResult {
  registries: string[];
}

export interface LoginDeps {
  run?: typeof exec;
  /** The environment of the docker commands (DOCKER_CONFIG, BUILDX_CONFIG) and of the post step's state. */
  env?: NodeJS.ProcessEnv;
  /** Mints the password of a login through a Docker OIDC connection (default: mintDockerToken). */
  mint?: typeof mintDockerToken;
}

/** The error for a failed login: names the registry and user, never the secret. */
export function loginFailure(target: LoginTarget, output: string, event?: string): string {
  const reason = output.replace(/^Error response from daemon:\s*/, '') || 'unknown error';
  const hint =
    deniedHint({
      registry: target.registry,
      message: reason,
      kind: tokenKind(target.password, target.githubToken),
      event,
      login: true
    }) ||
    (/\b401\b|unauthorized|incorrect username or password/i.test(reason)
      ? `Check the username and password (or token) for ${target.registry}.`
      : '');
  return `Login to ${target.registry} as ${target.username} failed: ${reason}${hint ? ` ${hint}` : ''}`;
}

function masked(entry: AuthEntry | undefined): AuthEntry | undefined {
  if (entry?.auth) setSecret(entry.auth);
  if (entry?.identitytoken) setSecret(entry.identitytoken);
  return entry;
}

/** Logs in to each registry of the decision, in order; the post step's state is saved after each. */
export async function runLogin(decision: LoginDecision, deps: LoginDeps = {}): Promise<LoginResult> {
  for (const skipped of decision.skipped ?? []) info(`Not logging in to ${skipped}`);
  if (decision.pullsOnly && decision.logins.length)
    info('Logging in for pulls only: this run pushes nothing');
  for (const login of decision.logins) {
    setSecret(login.password);
    setSecret(basicAuth(login.username, login.password));
  }
  const done: LoggedIn[] = [];
  for (const [n, login] of decision.logins.entries()) {
    done.push(await loginTo(login, n, decision, deps));
    // Saved after each login, so that the post step also logs out when a later login fails.
    if (decision.logout) saveState(LOGIN_STATE, { registries: done }, deps.env ?? process.env);
  }
  return { registries: done.map(d => d.registry) };
}

/** One `docker login --password-stdin`, into a scoped config when the login has a scope. */
async function loginTo(
  login: LoginTarget,
  n: number,
  decision: LoginDecision,
  deps: LoginDeps
): Promise<LoggedIn> {
  const env = deps.env ?? process.env;
  const scoped = scopedConfigDir(login.registry, login.scope, env);
  const loginEnv = scoped ? { ...env, DOCKER_CONFIG: scoped } : env;
  const file = configPath(loginEnv);
  const created = scoped !== '' && !existsSync(file);
  if (scoped) mkdirSync(scoped, { recursive: true, mode: 0o700 });
  // The state keeps only what the post step needs to put back the credentials this login
  // replaces (their `auth`/`identitytoken`, no other field), each written once under its own key;
  // the list saved after every login names registries and those keys, never credentials.
  const earlier = decision.logout
    ? masked(restorable(inlineEntry(readConfig(file), authKey(login.registry))))
    : undefined;
  const restore = earlier ? `${LOGIN_STATE}-restore-${n}` : undefined;
  if (earlier && restore) saveState(restore, earlier, env);
  const where = isDockerHub(login.registry) ? 'Docker Hub' : login.registry;
  const scopeNote = scoped
    ? ` for ${login.scope} (scoped credentials in ${scoped}, read by buildx 0.31 or newer)`
    : '';
  const password = login.oidc ? await mintPassword(login, login.oidc, deps) : login.password;
  info(`Logging in to ${where} as ${login.username}${scopeNote}`);
  try {
    await (deps.run ?? exec)(
      'docker',
      ['login', '--username', login.username, '--password-stdin', '--', login.registry],
      { input: password, env: loginEnv }
    );
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    const line = errorLine(err.result.stderr) || errorLine(err.result.stdout);
    throw new Error(loginFailure(login, line, decision.event), { cause: err });
  }
  return {
    registry: login.registry,
    ...(restore ? { restore } : {}),
    ...(scoped ? { configDir: scoped } : {}),
    ...(created ? { created } : {})
  };
}

/** The password of a Docker OIDC login, minted just before the login that uses it: its lifetime starts now. */
async function mintPassword(login: LoginTarget, oidc: OidcConnection, deps: LoginDeps): Promise<string> {
  const started = performance.now();
  const password = await (deps.mint ?? mintDockerToken)(oidc, { env: deps.env ?? process.env });
  setSecret(basicAuth(login.username, password));
  const took = ((performance.now() - started) / 1000).toFixed(2);
  info(
    `Minted a Docker access token through OIDC connection ${oidc.connectionId} ` +
      `(valid ${oidc.lifetime} s) in ${took} s`
  );
  return password;
}

export function writeLoginOutputs(result: LoginResult): void {
  setOutput('registries', result.registries.join('\n'));
}

const RESTORE_NAME = new RegExp(`^${LOGIN_STATE}-restore-\\d+$`);

/** A logged-in entry as runLogin writes it: a registry (never a flag) and its restore entry's name. */
function isLoggedIn(entry: unknown): entry is LoggedIn {
  const { registry, restore, configDir, created } = (entry ?? {}) as Partial<Record<keyof LoggedIn, unknown>>;
  return (
    typeof registry === 'string' &&
    /^[^\s-]\S*$/.test(registry) &&
    (restore === undefined || (typeof restore === 'string' && RESTORE_NAME.test(restore))) &&
    (configDir === undefined ||
      (typeof configDir === 'string' && isAbsolute(configDir) && !configDir.split(sep).includes('..'))) &&
    (created === undefined || typeof created === 'boolean')
  );
}

/** The registries of the login state ([] when there is none); undefined for what runLogin does not write. */
export function parseLoginState(text: string): LoggedIn[] | undefined {
  if (!text) return [];
  let parsed: { registries?: unknown } | null;
  try {
    parsed = JSON.parse(text) as { registries?: unknown } | null;
  } catch {
    return undefined;
  }
  const listed = parsed?.registries;
  return Array.isArray(listed) && listed.every(isLoggedIn) ? listed : undefined;
}

function parseEntry(text: string): AuthEntry | undefined {
  try {
    return text ? (JSON.parse(text) as AuthEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Logs out of the registries the main step logged in to and puts back the credentials it replaced. */
export async function postLogin(deps: LoginDeps = {}): Promise<void> {
  const run = deps.run ?? exec;
  const env = deps.env ?? process.env;
  const logged = parseLoginState(getState(LOGIN_STATE, env));
  if (!logged) {
    warning(`Ignoring the state entry "${LOGIN_STATE}": it does not list registries as the main step does`);
    return;
  }
  const envOf = (dir?: string) => (dir ? { ...env, DOCKER_CONFIG: dir } : env);
  // Earlier credentials are read (and masked) before anything is printed; they go back into the
  // config file they came from.
  const restores = new Map<string, Record<string, AuthEntry>>();
  for (const { registry, restore, configDir } of logged) {
    const entry = restore ? masked(restorable(parseEntry(getState(restore, env)))) : undefined;
    if (!entry) continue;
    const file = configPath(envOf(configDir));
    restores.set(file, { ...restores.get(file), [authKey(registry)]: entry });
  }
  for (const { registry, configDir } of logged) {
    const result = await run('docker', ['logout', registry], { env: envOf(configDir), allowFailure: true });
    const scoped = configDir ? ` (scoped, ${configDir})` : '';
    if (result.code === 0) info(`Logged out of ${registry}${scoped}`);
    else
      warning(
        `Logout of ${registry}${scoped} failed: ${errorLine(result.stderr) || `exit code ${result.code}`}`
      );
  }
  for (const [file, entries] of restores) {
    writeConfig(file, withEntries(readConfig(file), entries));
    info(`Restored the earlier credentials for ${Object.keys(entries).join(', ')}`);
  }
  for (const { configDir, created } of logged) {
    if (created && configDir) removeIfEmpty(configPath(envOf(configDir)));
  }
}

/** Removes a scoped config file this step created once no login is left in it. */
function removeIfEmpty(file: string): void {
  const config = readConfig(file);
  const { auths, ...rest } = config;
  if (Object.keys(rest).length === 0 && Object.keys(auths ?? {}).length === 0) rmSync(file, { force: true });
}
