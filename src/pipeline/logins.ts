/**
 * The registries the pipeline logs in to: the ones the user listed (registry/username/password or
 * registry-auth), GHCR with the github-token when an image lives there, and Docker Hub with the
 * dockerhub-* inputs. Expressed as one registry-auth list so the login stage checks them all alike.
 */
import { booleanFrom, InputError, type InputSource } from '../common/runner.js';
import { parseRegistryAuth, readLoginInputs } from '../login/inputs.js';
import { authKey, checkRegistry, registryOf } from '../common/reference.js';
import { checkConnectionId } from '../login/docker-oidc.js';

export interface AuthEntry {
  registry: string;
  username?: string;
  password?: string;
  'oidc-connection-id'?: string;
}

export interface LoginSources {
  images: string[];
  registry: string;
  username: string;
  password: string;
  registryAuth: string;
  dockerhubUsername: string;
  dockerhubToken: string;
  /** The Docker OIDC connection (`dockerhub-oidc-connection-id` or DOCKERHUB_OIDC_CONNECTIONID). */
  dockerConnection?: string;
}

export function loginEntries(s: LoginSources): AuthEntry[] {
  const entries: AuthEntry[] = parseRegistryAuth(s.registryAuth || '[]');
  if (s.registry || s.username || s.password) {
    entries.push({ registry: s.registry || 'docker.io', username: s.username, password: s.password });
  }
  const listed = new Set(entries.map(e => authKey(e.registry)));
  const registries = new Set(s.images.map(registryOf));
  if (registries.has('ghcr.io') && !listed.has(authKey('ghcr.io'))) entries.push({ registry: 'ghcr.io' });
  if (s.dockerhubUsername && !listed.has(authKey('docker.io'))) {
    entries.push({ registry: 'docker.io', username: s.dockerhubUsername, password: s.dockerhubToken });
  }
  // Docker Hardened Images take the same organization and OIDC connection as Docker Hub.
  if (s.dockerhubUsername && s.dockerConnection && registries.has('dhi.io') && !listed.has('dhi.io')) {
    entries.push({ registry: 'dhi.io', username: s.dockerhubUsername });
  }
  return entries;
}

const SINGLE = ['registry', 'username', 'password'] as const;

/**
 * The Docker Hub login needs both inputs. Checked only when the run logs in: a fork's pull request
 * gets the username (a variable) but no token (a secret), and logs in nowhere. With a Docker OIDC
 * connection, the username (the organization) needs no token.
 */
export function checkDockerHubPair(username: string, token: string, connection = ''): void {
  if (connection && username && !token) return;
  if (Boolean(username) === Boolean(token)) return;
  const only = username ? '"dockerhub-username"' : '"dockerhub-token"';
  throw new InputError(`Inputs "dockerhub-username" and "dockerhub-token" go together: got only ${only}`, [
    'dockerhub-username',
    'dockerhub-token'
  ]);
}

/**
 * What is wrong with the Docker OIDC inputs whatever the event: both a token and a connection, or
 * a connection id that is no UUID (neither is a secret worth hiding: the token is not quoted).
 */
export function checkDockerConnection(token: string, input: string, fromEnv: string): void {
  if (token && input) {
    throw new InputError(
      'Inputs "dockerhub-token" and "dockerhub-oidc-connection-id" both give the Docker Hub login: a token or an OIDC connection, not both',
      ['dockerhub-token', 'dockerhub-oidc-connection-id']
    );
  }
  if (input)
    checkConnectionId(input, 'Input "dockerhub-oidc-connection-id"', ['dockerhub-oidc-connection-id']);
  else if (fromEnv && !token) checkConnectionId(fromEnv, 'DOCKERHUB_OIDC_CONNECTIONID');
}

/**
 * Checks the login inputs the user set, each form under its own names: the single registry inputs
 * as the login stage reads them (errors name `registry`, `username`, `password` and which of them
 * were set), `registry-auth` with its own item numbers. The root action may combine both forms, but
 * not for the same registry; the Docker Hub pair goes together. Without a push (a pull request) only
 * the registries and the YAML are checked: no login happens, and a fork's pull request gets no
 * secrets.
 */
export function checkUserLogins(root: InputSource, env: NodeJS.ProcessEnv, pushing: boolean): void {
  const set = SINGLE.filter(name => root(name) !== '');
  const registryAuth = root('registry-auth');
  // The root action logs in for its own pushes and merges, which read the main Docker config.
  parseRegistryAuth(registryAuth || '[]').forEach((e, i) => {
    if (e.scope)
      throw new InputError(
        `Input "registry-auth" item ${i + 1} has a scope, which only the login stage takes: the root action's pushes and merges read the main Docker config`,
        ['registry-auth']
      );
  });
  if (!pushing) {
    booleanFrom(root, 'logout', true);
    if (set.length > 0) checkRegistry(root('registry'), 'registry');
    if (registryAuth)
      parseRegistryAuth(registryAuth).forEach(e => checkRegistry(e.registry, 'registry-auth'));
    return;
  }
  checkDockerHubPair(
    root('dockerhub-username'),
    root('dockerhub-token'),
    root('dockerhub-oidc-connection-id') || (env.DOCKERHUB_OIDC_CONNECTIONID ?? '').trim()
  );
  const keys = new Set<string>();
  if (registryAuth) {
    const only = readLoginInputs(
      name => ((SINGLE as readonly string[]).includes(name) ? '' : root(name)),
      env
    );
    only.logins.forEach(l => keys.add(authKey(l.registry)));
  }
  if (set.length === 0) return;
  let registry: string;
  try {
    registry = readLoginInputs(name => (name === 'registry-auth' ? '' : root(name)), env).logins[0].registry;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const given = set.map(name => `"${name}"`).join(' and ');
    const hub = root('registry') ? '' : ', and "registry" is empty, which means Docker Hub';
    throw new InputError(`${err.message} (set: ${given}${hub})`, [
      ...err.inputs,
      ...set,
      ...(hub ? ['registry'] : [])
    ]);
  }
  if (keys.has(authKey(registry))) {
    throw new InputError(`Inputs "registry" and "registry-auth" both log in to ${registry}: list it once`, [
      'registry',
      'registry-auth'
    ]);
  }
}

/**
 * The GHCR login the pipeline adds on its own uses `github-token`: an empty one is named as such,
 * not as an item of a list the user never wrote.
 */
export function checkAddedLogins(entries: AuthEntry[], githubToken: string, actor: string): void {
  for (const entry of entries) {
    if (entry.username !== undefined || entry.password !== undefined) continue;
    if (!githubToken) {
      throw new InputError(
        `Input "github-token" is empty, and it is the password for ${entry.registry}, where the images are pushed ` +
          '(set it, or list the registry in "registry-auth")',
        ['github-token', 'registry-auth']
      );
    }
    if (!actor) {
      throw new InputError(
        `GITHUB_ACTOR is not set, and it is the username for ${entry.registry} (list the registry in "registry-auth")`,
        ['registry-auth']
      );
    }
  }
}
