/**
 * Whether to push, and whether to build at all: `auto` pushes only the repository's own code
 * (common/trust.ts); on pull_request it builds without pushing, on events that would build other
 * code with the repository's secrets it builds nothing. `true` pushes on every event.
 */
import { InputError } from '../common/runner.js';
import type { Trust } from '../common/trust.js';
import type { PushMode } from './inputs.js';

export interface PushDecision {
  push: boolean;
  reason: string;
  /** false: nothing is built either (`reason` says why, as a notice). */
  build: boolean;
  /** Said as a warning: pushing on an event whose code may not be the repository's own. */
  warning?: string;
}

export function decidePush(mode: PushMode, trust: Trust, tags: string[]): PushDecision {
  if (mode === false) return { push: false, reason: 'push: false', build: true };
  if (mode === true) {
    if (tags.length === 0)
      throw new InputError('Input "push" is true but there are no tags to push (set "tags")', [
        'push',
        'tags'
      ]);
    if (!trust.trusted) {
      return {
        push: true,
        reason: 'push: true',
        build: true,
        warning:
          `Pushing on a ${trust.event} event because "push" is true, though ` +
          (trust.builds ? "the code built is a pull request's" : trust.why)
      };
    }
    return { push: true, reason: 'push: true', build: true };
  }
  if (!trust.trusted) {
    if (trust.builds) return { push: false, reason: trust.why, build: true };
    return {
      push: false,
      reason: `Not building or pushing with "push: auto" on ${trust.event}: ${trust.why}. Set "push: true" to build and push anyway`,
      build: false
    };
  }
  if (tags.length === 0) return { push: false, reason: 'no tags', build: true };
  return { push: true, reason: `push: auto on a ${trust.event || 'local'} event`, build: true };
}
