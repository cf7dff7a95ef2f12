/**
 * The repository's Git tags for `floating-tags: highest`, read only when a release can be tagged;
 * when they cannot be read, a warning says why and the tags float as `always`.
 */
import { fetchTagNames, repoUrl, type ApiTarget } from './github-api.js';
import type { MetaInputs } from './inputs.js';
import { TAG_REF } from './tags/env.js';
import { errorMessage } from '../common/errors.js';

/** On a tag push, or with a semver/pep440 rule that takes its version from value=. */
export function wantsGitTags(inputs: MetaInputs, ref: string): boolean {
  if (inputs.floatingTags !== 'highest') return false;
  return (
    TAG_REF.test(ref) ||
    inputs.tags.some(t => (t.type === 'semver' || t.type === 'pep440') && t.attrs.value.length > 0)
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
      warning: `Cannot read the repository's Git tags (${url}): ${errorMessage(err)}; ${fallback}`
    };
  }
}
