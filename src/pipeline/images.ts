/** Which images the pipeline pushes by default. */

/** `ghcr.io/<owner>/<repo>`, plus `docker.io/<user>/<repo>` with Docker Hub credentials; lowercased. */
export function defaultImages(env: NodeJS.ProcessEnv, dockerhubUsername: string): string[] {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY must be owner/repo, got "${repository}"`);
  const images = [`ghcr.io/${owner}/${repo}`.toLowerCase()];
  if (dockerhubUsername) images.push(`docker.io/${dockerhubUsername}/${repo}`.toLowerCase());
  return images;
}
