/** type=raw: value=, with global expressions. */
import { affix, type TagProcessor } from './env.js';

export const rawTag: TagProcessor = (tag, env) => ({
  value: affix(env.templates.global(tag.attrs.value, tag.entry), tag, env),
  autoLatest: false
});
