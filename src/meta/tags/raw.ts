/** type=raw: value=, with global expressions. */
import { affix } from './env.js';
import type { TagProcessor } from './types.js';

export const rawTag: TagProcessor = (tag, env) => ({
  value: affix(env.templates.global(tag.attrs.value, tag.entry), tag, env),
  autoLatest: false
});
