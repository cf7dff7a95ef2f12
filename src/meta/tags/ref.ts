/** type=ref: the branch name, the tag name or the pull request number of the pushed ref. */
import { affix, BRANCH_REF, PULL_REF, TAG_REF, tagName } from './env.js';
import type { TagProcessor } from './types.js';

export const refTag: TagProcessor = (tag, env) => {
  const { ref } = env;
  switch (tag.attrs.event) {
    case 'branch':
      if (!BRANCH_REF.test(ref)) return undefined;
      return { value: affix(ref.replace(/^refs\/heads\//g, ''), tag, env), autoLatest: false };
    case 'tag':
      return TAG_REF.test(ref) ? { value: affix(tagName(ref), tag, env), autoLatest: true } : undefined;
    case 'pr': {
      if (!PULL_REF.test(ref)) return undefined;
      const pr = ref.replace(/^refs\/pull\//g, '').replace(/\/merge$/g, '');
      return { value: affix(pr, tag, env), autoLatest: false };
    }
    default:
      return undefined;
  }
};
