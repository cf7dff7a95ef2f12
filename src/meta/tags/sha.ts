/** type=sha: the commit SHA, short (DOCKER_METADATA_SHORT_SHA_LENGTH, default 7) or long. */
import { shortSha } from '../expressions.js';
import { affix } from './env.js';
import type { TagProcessor } from './types.js';

export const shaTag: TagProcessor = (tag, env) => {
  if (!env.sha) return undefined;
  const value = tag.attrs.format === 'short' ? shortSha(env.sha, env.shortShaLength) : env.sha;
  return { value: affix(value, tag, env), autoLatest: false };
};
