/** type=match: a regular expression (`pattern`, or `/re/flags`) on the pushed tag or value=, keeping `group`. */
import { affix, versionSource } from './env.js';
import { regExp } from './match-group.js';
import type { TagProcessor } from './types.js';

export const matchTag: TagProcessor = (tag, env) => {
  const vraw = versionSource(tag, env);
  if (vraw === undefined) return undefined;
  const { pattern, group } = tag.attrs;
  const literal = pattern.match(/^\/(.+)\/(.*)$/);
  const found = literal
    ? vraw.match(regExp(literal[1], literal[2], tag))
    : vraw.match(regExp(pattern, undefined, tag));
  if (!found) {
    env.warn(`${pattern} does not match ${vraw}.`);
    return undefined;
  }
  const value = (found as unknown as Record<string, string | undefined>)[group];
  if (typeof value === 'undefined') {
    env.warn(`Group ${group} does not exist for ${pattern} pattern.`);
    return undefined;
  }
  return { value: affix(value, tag, env), autoLatest: true };
};
