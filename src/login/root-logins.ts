/**
 * The registries the root action logs in to: the ones the user listed (registry/username/password or
 * registry-auth), GHCR with the github-token when an image lives there, and Docker Hub with the
 * dockerhub-* inputs (dhi.io beside it with a Docker OIDC connection), with the checks that
 * belong to each. Pure.
 */
import { InputError } from '../common/errors.js';
import { authKey, registryOf } from '../common/reference.js';
import type { RootLoginInputs } from './inputs.js';
import type { LoginForm } from './targets.js';

/** Every login the root action would make for a push, in order: listed, single, then the ones it adds. */
export function loginEntries(inputs: RootLoginInputs, images: readonly string[]): LoginForm[] {
  const entries: LoginForm[] = [...inputs.listed];
  if (inputs.single) entries.push({ ...inputs.single, registry: inputs.single.registry || 'docker.io' });
  const listed = new Set(entries.map(e => authKey(e.registry)));
  const registries = new Set(images.map(registryOf));
  if (registries.has('ghcr.io') && !listed.has(authKey('ghcr.io'))) entries.push({ registry: 'ghcr.io' });
  const hub = inputs.dockerHub;
  if (hub.username && !listed.has(authKey('docker.io'))) {
    entries.push({ registry: 'docker.io', username: hub.username, password: hub.token });
  }
  // Docker Hardened Images take the same organization and OIDC connection as Docker Hub.
  if (hub.username && dockerConnection(inputs) && registries.has('dhi.io') && !listed.has('dhi.io')) {
    entries.push({ registry: 'dhi.io', username: hub.username });
  }
  return entries;
}

/** The Docker OIDC connection: `dockerhub-oidc-connection-id`, else DOCKERHUB_OIDC_CONNECTIONID. */
export function dockerConnection(inputs: Pick<RootLoginInputs, 'oidc'>): string {
  return inputs.oidc.input || inputs.oidc.env;
}

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
 * The GHCR login the root action adds on its own uses `github-token`: an empty one is named as such,
 * not as an item of a list the user never wrote.
 */
export function checkAddedLogins(entries: readonly LoginForm[], githubToken: string, actor: string): void {
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
