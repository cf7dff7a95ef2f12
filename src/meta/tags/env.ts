/** The prefix/suffix rule every tag type shares, the kinds of refs, and the version source. */
import type { TagEntry } from './parse.js';
import type { TagEnv } from './types.js';

const has = (attrs: Record<string, string>, key: string) => Object.prototype.hasOwnProperty.call(attrs, key);

/** The entry's own prefix/suffix (even empty) win; otherwise the flavor's, when set. */
export function affix(value: string, tag: TagEntry, env: TagEnv): string {
  const render = (text: string) => env.templates.global(text, tag.entry);
  let out = value;
  if (has(tag.attrs, 'prefix')) out = `${render(tag.attrs.prefix)}${out}`;
  else if (env.flavor.prefix.length > 0) out = `${render(env.flavor.prefix)}${out}`;
  if (has(tag.attrs, 'suffix')) out = `${out}${render(tag.attrs.suffix)}`;
  else if (env.flavor.suffix.length > 0) out = `${out}${render(env.flavor.suffix)}`;
  return out;
}

export const TAG_REF = /^refs\/tags\//;
export const BRANCH_REF = /^refs\/heads\//;
export const PULL_REF = /^refs\/pull\//;

/** The tag name of a tag ref (slashes kept). */
export const tagName = (ref: string) => ref.replace(/^refs\/tags\//g, '');

/** The version source of semver/pep440/match entries: value= (rendered) or the pushed tag. */
export function versionSource(tag: TagEntry, env: TagEnv): string | undefined {
  if (!TAG_REF.test(env.ref) && tag.attrs.value.length === 0) return undefined;
  return tag.attrs.value.length > 0 ? env.templates.global(tag.attrs.value, tag.entry) : tagName(env.ref);
}
