/**
 * Logins scoped to a repository or to push/pull, as docker/login-action writes them: a Docker
 * config of their own under buildx's config folder, `<buildx config>/config/<host>[/<repository>][@<actions>]`.
 * Only buildx (0.31 or newer) reads them, for the requests of that scope; the Docker CLI and the
 * engine keep using the main config. Pure.
 */
import { join } from 'node:path';
import { configDir } from '../common/docker-config.js';
import { InputError } from '../common/runner.js';
import { apiHost } from '../common/reference.js';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** `org/app`, `org/app@push`, `@push`, `@push,pull`: a repository path, actions, or both. */
const SCOPE = new RegExp(`^(?:${COMPONENT}(?:/${COMPONENT})*)?(?:@[a-z]+(?:,[a-z]+)*)?$`);

/** Refuses what is no scope (and so never a path outside the folder: no `..`, no leading `/`). */
export function checkScope(scope: string, where: string, inputs: readonly string[]): void {
  if (scope === '' || SCOPE.test(scope)) return;
  throw new InputError(
    `${where} must be a repository, @actions or both (e.g. myorg/myimage@push or @push), got "${scope}"`,
    inputs
  );
}

/** buildx's config folder: BUILDX_CONFIG, else `buildx` in the Docker config folder. */
function buildxConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BUILDX_CONFIG || join(configDir(env), 'buildx');
}

/**
 * The config folder of a scoped login; '' without a scope, or when DOCKER_LOGIN_SCOPE_DISABLED is
 * true (docker/login-action's switch to log in to the main config whatever the scope says).
 */
export function scopedConfigDir(registry: string, scope: string | undefined, env: NodeJS.ProcessEnv): string {
  if (!scope || /^(true|1)$/i.test(env.DOCKER_LOGIN_SCOPE_DISABLED ?? '')) return '';
  const hostDir = join(buildxConfigDir(env), 'config', apiHost(registry));
  return scope.startsWith('@') ? hostDir + scope : join(hostDir, scope);
}
