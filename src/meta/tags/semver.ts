/**
 * type=semver: the pushed tag (or value=), optionally narrowed by match=, rendered through `pattern`
 * ({{version}}, {{major}}, {{minor}}, {{patch}}, {{raw}}). A pre-release only yields {{version}}
 * (or {{raw}} when the pattern is exactly that) and never `latest`.
 */
import parse from 'semver/functions/parse.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';
import { isRawStatement } from '../template/render.js';
import { affix, versionSource, type TagProcessor } from './env.js';
import { applyMatch } from './match-group.js';

export const semverTag: TagProcessor = (tag, env) => {
  const source = versionSource(tag, env);
  if (source === undefined) return undefined;
  const vraw = applyMatch(source, tag, env).replace(/\//g, '-');
  if (!valid(vraw)) {
    env.warn(`${vraw} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const parsed = parse(vraw, { loose: true })!;
  const pre = prerelease(vraw) !== null;
  const pattern = pre && !isRawStatement(tag.attrs.pattern) ? '{{version}}' : tag.attrs.pattern;
  const value = env.templates.with(pattern, parsed, tag.entry);
  return { value: affix(value, tag, env), autoLatest: !pre };
};
