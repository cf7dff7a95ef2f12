/**
 * GHCR creates a new package private, even for a public repository, and GitHub has no API to make
 * it public. After a push from a public repository, each GHCR image is asked for anonymously (an
 * anonymous token from ghcr.io's token service, then a HEAD of the pushed manifest); where that is
 * refused, a warning and a summary line name the package's settings page. Rules pure, one thin edge.
 */
import type { RunContext } from '../common/run-context.js';
import { appendSummary, warning } from '../common/runner.js';
import { isGhcr, parseReference } from '../common/reference.js';
import { RegistryClient } from '../common/registry/client.js';
import type { FetchLike } from '../common/transport.js';

export interface RepositoryFacts {
  /** The repository is public (payload `repository.visibility`, else `repository.private`). */
  public: boolean;
  owner: string;
  ownerType: 'User' | 'Organization' | '';
}

export interface GhcrPackage {
  image: string;
  owner: string;
  /** The package name: the path under the owner (`app`, `app/worker`). */
  name: string;
}

/** What the event payload says of the repository (pure, but for reading the file). */
export function repositoryFacts(ctx: RunContext): RepositoryFacts {
  const repo = (ctx.payload.repository ?? {}) as {
    owner?: { login?: unknown; type?: unknown };
  };
  const type = repo.owner?.type;
  return {
    public: ctx.visibility === 'public',
    owner: typeof repo.owner?.login === 'string' ? repo.owner.login : ctx.repositoryOwner,
    ownerType: type === 'User' || type === 'Organization' ? type : ''
  };
}

/** The GHCR packages among the pushed images (pure). */
export function ghcrPackages(images: string[]): GhcrPackage[] {
  const seen = new Set<string>();
  const found: GhcrPackage[] = [];
  for (const image of images) {
    const { registry, path } = parseReference(image, 'images');
    if (!isGhcr(registry) || seen.has(path)) continue;
    seen.add(path);
    const [owner, ...rest] = path.split('/');
    if (rest.length > 0) found.push({ image: `${registry}/${path}`, owner, name: rest.join('/') });
  }
  return found;
}

/** The package's settings page; users and organizations have their own paths (pure). */
export function packageSettingsUrl(pkg: GhcrPackage, ownerType: RepositoryFacts['ownerType']): string {
  const kind = ownerType === 'User' ? 'users' : 'orgs';
  return `https://github.com/${kind}/${pkg.owner}/packages/container/${encodeURIComponent(pkg.name)}/settings`;
}

/** The warning for a package nobody can pull anonymously (pure). */
export function privatePackageWarning(pkg: GhcrPackage, repo: RepositoryFacts): string {
  const ownerType = pkg.owner.toLowerCase() === repo.owner.toLowerCase() ? repo.ownerType : '';
  const orgDefault =
    ownerType === 'User'
      ? ''
      : ` For packages created later, an organization owner can set the default visibility of new packages: https://github.com/organizations/${pkg.owner}/settings/packages.`;
  return (
    `The GHCR package ${pkg.owner}/${pkg.name} is private: the image was pushed from a public repository, ` +
    `but ${pkg.image} cannot be pulled without credentials (GHCR creates new packages private). ` +
    `Make it public under "Danger Zone" on ${packageSettingsUrl(pkg, ownerType)}; GitHub has no API ` +
    `for a package's visibility.${orgDefault}`
  );
}

/** Whether `image@digest` can be pulled anonymously; undefined when the registry did not say. */
export async function anonymouslyPullable(
  image: string,
  digest: string,
  fetcher?: FetchLike
): Promise<boolean | undefined> {
  const { registry, path } = parseReference(image, 'images');
  const client = new RegistryClient({
    registry,
    retries: 1,
    timeoutMs: 15_000,
    ...(fetcher ? { fetch: fetcher } : {})
  });
  try {
    const res = await client.request('HEAD', path, `manifests/${digest}`, {
      headers: {
        accept: [
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
          'application/vnd.docker.distribution.manifest.v2+json'
        ].join(', ')
      }
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return true;
    return [401, 403, 404].includes(res.status) ? false : undefined;
  } catch (err) {
    // An anonymous token refused for the scope says the same as a refused manifest.
    return /token request .* failed: 40[13]\b/.test((err as Error).message) ? false : undefined;
  }
}

/**
 * After a push from a public repository: asks GHCR anonymously for each pushed package; a warning
 * and a summary line for each that is private. Returns the packages found private.
 */
export async function checkPackagesPublic(
  images: string[],
  digest: string,
  ctx: RunContext,
  probe: typeof anonymouslyPullable = anonymouslyPullable
): Promise<GhcrPackage[]> {
  const repo = repositoryFacts(ctx);
  if (!repo.public || !digest) return [];
  const packages = ghcrPackages(images);
  const answers = await Promise.all(packages.map(p => probe(p.image, digest)));
  const closed = packages.filter((_, i) => answers[i] === false);
  for (const pkg of closed) {
    const message = privatePackageWarning(pkg, repo);
    warning(message);
    appendSummary(`> [!WARNING]\n> ${message}\n`);
  }
  return closed;
}
