/** Which images the pipeline pushes by default. */
import type { RunContext } from '../common/run-context.js';

/** `ghcr.io/<owner>/<repo>`, plus `docker.io/<user>/<repo>` with Docker Hub credentials; lowercased. */
export function defaultImages(
  run: Pick<RunContext, 'owner' | 'repo' | 'repository'>,
  dockerhubUsername: string
): string[] {
  const { owner, repo } = run;
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY must be owner/repo, got "${run.repository}"`);
  const images = [`ghcr.io/${owner}/${repo}`.toLowerCase()];
  if (dockerhubUsername) images.push(`docker.io/${dockerhubUsername}/${repo}`.toLowerCase());
  return images;
}
