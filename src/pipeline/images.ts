/** Which images the pipeline pushes by default, and which GHCR packages they are. */

/** `ghcr.io/<owner>/<repo>`, plus `docker.io/<user>/<repo>` with Docker Hub credentials; lowercased. */
export function defaultImages(env: NodeJS.ProcessEnv, dockerhubUsername: string): string[] {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY must be owner/repo, got "${repository}"`);
  const images = [`ghcr.io/${owner}/${repo}`.toLowerCase()];
  if (dockerhubUsername) images.push(`docker.io/${dockerhubUsername}/${repo}`.toLowerCase());
  return images;
}

/**
 * The packages of `owner` that these images are on `registry`: `ghcr.io/octo/app/worker` is the
 * package `app/worker` of `octo`.
 */
export function packagesOf(images: string[], registry: string, owner: string): string[] {
  const prefix = `${registry}/${owner}/`.toLowerCase();
  const names = images
    .map(i => i.toLowerCase())
    .filter(i => i.startsWith(prefix))
    .map(i => i.slice(prefix.length));
  return [...new Set(names)];
}

/**
 * What the root action prunes: an explicit `prune-packages` as given, else the packages of the
 * images this run pushed to `registry`; none of them there is a skip, with the reason.
 */
export function pruneSelection(
  images: string[],
  registry: string,
  owner: string,
  explicit: string
): { packages?: string[]; skip?: string } {
  if (explicit) return {};
  const packages = packagesOf(images, registry, owner);
  if (packages.length) return { packages };
  return {
    skip:
      `Prune skipped: none of the pushed images (${images.join(', ')}) is a package of ` +
      `${owner} on ${registry}; set prune-packages to prune other packages`
  };
}
