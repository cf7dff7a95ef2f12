/** type=sha: the commit SHA, short (DOCKER_METADATA_SHORT_SHA_LENGTH, default 7) or long. */
import { shortSha } from '../expressions.js';
import { affix, type TagProcessor } from './env.js';

export const shaTag: TagProcessor = (tag, env) => {
  if (!env.sha) return undefined;
  const value = tag.attrs.format === 'short' ? shortSha(env.sha, env.shortShaLength) : env.sha;
  return { value: affix(value, tag, env), autoLatest: false };
};
