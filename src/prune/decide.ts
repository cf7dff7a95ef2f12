/**
 * What a prune does, decided from its inputs, what an earlier stage pushed and the run context (pure):
 * which packages, with which credentials for the registry, through which API.
 */
import { authKey, parseReference, registryHost } from '../common/reference.js';
import type { RunContext } from '../common/run-context.js';
import { InputError } from '../common/runner.js';
import { githubContainerHost, packageName, type PruneInputs } from './inputs.js';
import type { Policy } from './model.js';

/** What an earlier stage of this run gives the prune; {} when it runs alone. */
export interface PruneUpstream {
  /** The images this run pushed (`ghcr.io/octo/app`): their packages are pruned unless `packages` names others. */
  images?: readonly string[];
  /** Registries this run logs in to with credentials of their own, for a registry other than GitHub's. */
  logins?: readonly string[];
}

/** A package to prune and its repository in the registry (`octo-org/app`). */
export interface PruneTarget {
  name: string;
  repository: string;
}

export interface PrunePlanDecision {
  token: string;
  owner: string;
  registry: string;
  /** The token (GitHub's own container registry), or the Docker config's credentials at run time. */
  registryLogin: 'token' | 'docker-config';
  /** The user name the token goes with to the registry. */
  registryUser: string;
  /** The GitHub REST API. */
  apiUrl: string;
  /** [] with `skip`. */
  packages: PruneTarget[];
  policy: Policy;
  dryRun: boolean;
  maxDeletions: number;
  /** Why nothing is pruned: none of the pushed images is a package of the owner on the registry. */
  skip?: string;
}

/**
 * The packages of `owner` that these images are on `registry`: `ghcr.io/octo/app/worker` is the
 * package `app/worker` of `octo`.
 */
export function packagesOf(images: readonly string[], registry: string, owner: string): string[] {
  const host = registryHost(registry);
  const namespace = `${owner.toLowerCase()}/`;
  const names = images
    .map(image => parseReference(image.toLowerCase(), 'images'))
    .filter(ref => registryHost(ref.registry) === host && ref.path.startsWith(namespace))
    .map(ref => ref.path.slice(namespace.length));
  return [...new Set(names)];
}

/**
 * The packages: the `packages` input as given, else those of the images this run pushed (none of
 * them on the registry is a skip, with the reason), else the repository's own package.
 */
function packages(
  inputs: PruneInputs,
  upstream: PruneUpstream,
  ctx: RunContext
): { names: string[]; skip?: string } {
  if (inputs.packages.length) return { names: inputs.packages };
  if (upstream.images) {
    const names = packagesOf(upstream.images, inputs.registry, inputs.owner);
    if (names.length) return { names };
    return {
      names: [],
      skip:
        `Prune skipped: none of the pushed images (${upstream.images.join(', ')}) is a package of ` +
        `${inputs.owner} on ${inputs.registry}; set prune-packages to prune other packages`
    };
  }
  if (!ctx.repo)
    throw new InputError('Input "packages" is empty and GITHUB_REPOSITORY names no repository', ['packages']);
  return { names: [packageName(ctx.repo)] };
}

/**
 * The token goes only to GitHub's own container registry; any other registry needs credentials
 * given for it (in the Docker config, or by a login of this run), or the input that names it is refused.
 */
function registryLogin(
  inputs: PruneInputs,
  upstream: PruneUpstream,
  ctx: RunContext
): PrunePlanDecision['registryLogin'] {
  if (inputs.registryLogin) return inputs.registryLogin;
  const host = registryHost(inputs.registry);
  if (upstream.logins?.some(registry => authKey(registry) === authKey(host))) return 'docker-config';
  throw new InputError(
    `Input "registry" is "${host}", which is not GitHub's container registry ` +
      `(${githubContainerHost(ctx.serverUrl)}): the token goes only there, so log in to ${host} first ` +
      '(the login stage, registry-auth, or docker login)',
    ['registry']
  );
}

export function decidePrune(
  inputs: PruneInputs,
  upstream: PruneUpstream,
  ctx: RunContext
): PrunePlanDecision {
  const login = registryLogin(inputs, upstream, ctx);
  const { names, skip } = packages(inputs, upstream, ctx);
  const owner = inputs.owner.toLowerCase();
  return {
    token: inputs.token,
    owner: inputs.owner,
    registry: inputs.registry,
    registryLogin: login,
    registryUser: ctx.actor || 'github-actions',
    apiUrl: ctx.apiUrl,
    packages: names.map(name => ({ name, repository: `${owner}/${name}` })),
    policy: inputs.policy,
    dryRun: inputs.dryRun,
    maxDeletions: inputs.maxDeletions,
    ...(skip ? { skip } : {})
  };
}
