/**
 * type=pep440: like semver for Python versions. Pre, post and dev releases only yield the
 * normalized version (or the raw tag when the pattern is exactly {{raw}}) and never `latest`.
 */
import * as pep440 from '../pep440.js';
import { isRawStatement } from '../template/render.js';
import { affix, versionSource } from './env.js';
import { applyMatch } from './match-group.js';
import { pep440Reader, pep440Release, renderScoped } from './releases.js';
import type { TagProcessor } from './types.js';

export const pep440Tag: TagProcessor = (tag, env) => {
  const source = versionSource(tag, env);
  if (source === undefined) return undefined;
  const vraw = applyMatch(source, tag, env).replace(/\//g, '-');
  if (!pep440.valid(vraw)) {
    env.warn(`${vraw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
    return undefined;
  }
  const release = pep440Release(vraw);
  if (!release) {
    const value = isRawStatement(tag.attrs.pattern) ? vraw : (pep440.clean(vraw) ?? vraw);
    return { value: affix(value, tag, env), autoLatest: false };
  }
  const context = {
    raw: () => vraw,
    version: () => pep440.clean(vraw),
    major: () => pep440.major(vraw),
    minor: () => pep440.minor(vraw),
    patch: () => pep440.patch(vraw)
  };
  const { value, scope } = renderScoped(env.templates, tag.attrs.pattern, context, tag);
  return {
    value: affix(value, tag, env),
    autoLatest: true,
    release: { release, read: pep440Reader(tag.attrs.match), scope }
  };
};
