/**
 * The repository's Git tags for `floating-tags: highest`, read only when a semver or pep440 rule can
 * make a release tag; when they cannot be read, a warning says why and the tags float as `always`.
 */
import { fetchTagNames, repoUrl, type ApiTarget } from './github-api.js';
import type { MetaInputs } from './inputs.js';
import { TAG_REF } from './tags/env.js';

export function wantsGitTags(inputs: MetaInputs, ref: string): boolean {
  return (
    inputs.floatingTags === 'highest' &&
    inputs.tags.some(
      t => (t.type === 'semver' || t.type === 'pep440') && (TAG_REF.test(ref) || t.attrs.value.length > 0)
    )
  );
}

/** The tag names, or a warning that says why they cannot be read. */
export async function loadGitTags(
  target: ApiTarget | undefined
): Promise<{ names: string[] } | { warning: string }> {
  const fallback = 'floating tags move as with floating-tags: always';
  if (!target) {
    return { warning: `Cannot read the repository's Git tags: GITHUB_REPOSITORY is not set; ${fallback}` };
  }
  try {
    return { names: await fetchTagNames(target) };
  } catch (err) {
    const url = `${repoUrl(target)}/git/matching-refs/tags`;
    return {
      warning: `Cannot read the repository's Git tags (${url}): ${(err as Error).message}; ${fallback}`
    };
  }
}
