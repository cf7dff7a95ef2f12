/**
 * type=semver: the pushed tag (or value=), optionally narrowed by match=, rendered through `pattern`
 * ({{version}}, {{major}}, {{minor}}, {{patch}}, {{raw}}). A pre-release only yields {{version}}
 * (or {{raw}} when the pattern is exactly that) and never `latest`.
 */
import parse from 'semver/functions/parse.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';
import { isRawStatement } from '../template/render.js';
import { affix, versionSource } from './env.js';
import { applyMatch } from './match-group.js';
import { renderScoped, semverReader, semverRelease } from './releases.js';
import type { TagProcessor } from './types.js';

export const semverTag: TagProcessor = (tag, env) => {
  const source = versionSource(tag, env);
  if (source === undefined) return undefined;
  const vraw = applyMatch(source, tag, env).replace(/\//g, '-');
  if (!valid(vraw)) {
    env.warn(`${vraw} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const parsed = parse(vraw, { loose: true })!;
  if (prerelease(vraw) !== null) {
    const pattern = isRawStatement(tag.attrs.pattern) ? tag.attrs.pattern : '{{version}}';
    return { value: affix(env.templates.with(pattern, parsed, tag.entry), tag, env), autoLatest: false };
  }
  const { value, scope } = renderScoped(env.templates, tag.attrs.pattern, parsed, tag);
  return {
    value: affix(value, tag, env),
    autoLatest: true,
    release: { release: semverRelease(parsed), read: semverReader(tag.attrs.match), scope }
  };
};
