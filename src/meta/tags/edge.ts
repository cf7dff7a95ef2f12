/** type=edge: `edge` for a push to the default branch (or the branch given by branch=). */
import { affix, BRANCH_REF } from './env.js';
import type { TagProcessor } from './types.js';

export const edgeTag: TagProcessor = (tag, env) => {
  if (!BRANCH_REF.test(env.ref)) return undefined;
  const branch = tag.attrs.branch.length === 0 ? env.defaultBranch : tag.attrs.branch;
  if (branch != env.ref.replace(/^refs\/heads\//g, '')) return undefined;
  return { value: affix('edge', tag, env), autoLatest: false };
};
