/** Whether to push: `auto` pushes except on pull_request events, whose fork tokens cannot write. */
import { InputError } from '../common/runner.js';
import type { PushMode } from './inputs.js';

export interface PushDecision {
  push: boolean;
  reason: string;
}

export function decidePush(mode: PushMode, event: string, tags: string[]): PushDecision {
  if (mode === false) return { push: false, reason: 'push: false' };
  if (mode === true) {
    if (tags.length === 0)
      throw new InputError('Input "push" is true but there are no tags to push (set "tags")');
    return { push: true, reason: 'push: true' };
  }
  if (event === 'pull_request') return { push: false, reason: 'pull_request event' };
  if (tags.length === 0) return { push: false, reason: 'no tags' };
  return { push: true, reason: `push: auto on a ${event || 'local'} event` };
}
