/** type=schedule: on schedule events, `pattern` (default nightly) with {{date}} and {{commit_date}}. */
import { dateHelper } from '../expressions.js';
import { affix } from './env.js';
import type { TagProcessor } from './types.js';

export const schedule: TagProcessor = (tag, env) => {
  if (!/schedule/.test(env.eventName)) return undefined;
  const context = { date: dateHelper(env.now, env.warn), commit_date: dateHelper(env.commitDate, env.warn) };
  const value = env.templates.with(tag.attrs.pattern, context, tag.entry);
  return { value: affix(value, tag, env), autoLatest: false };
};
