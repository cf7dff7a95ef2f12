/**
 * Whose code an event builds. `push: auto`, `attest: auto` and the logins for pushing act only where
 * the code is the repository's own; the rule is pure (event name and payload in, a verdict out), with
 * one thin edge that reads the payload the runner wrote.
 */
import { readEvent } from './run-context.js';

export type Trust =
  | { trusted: true; event: string }
  | {
      trusted: false;
      event: string;
      /** Why the code may not be the repository's own, for the log. */
      why: string;
      /**
       * With `auto`, still build (without pushing). Only where the runner itself keeps the run from
       * the repository's secrets and write token for code from a fork (`pull_request`); elsewhere the
       * build would run that code with them, so `auto` builds nothing.
       */
      builds: boolean;
    };

/** Events whose run checks out a pull request's merge commit, with a fork's read-only token. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);

/** Events a pull request sets off that run with the base repository's secrets and write token. */
const PULL_REQUEST_TRIGGERS = new Set([...PULL_REQUEST_EVENTS, 'pull_request_target']);

interface Payload {
  repository?: { full_name?: unknown };
  pull_request?: { head?: { repo?: { full_name?: unknown } | null } };
  workflow_run?: {
    event?: unknown;
    head_repository?: { full_name?: unknown } | null;
  };
  issue?: { pull_request?: unknown };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** ' from the fork owner/name' when `head` is another repository than `base` ('' when unknown or the same). */
function fromFork(head: unknown, base: unknown): string {
  const h = text(head);
  return h && h !== text(base) ? ` from the fork ${h}` : '';
}

export function judgeEvent(event: string, payload: unknown): Trust {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Payload;
  const repo = p.repository?.full_name;
  if (PULL_REQUEST_EVENTS.has(event)) {
    return { trusted: false, event, why: `${event} event`, builds: true };
  }
  if (event === 'pull_request_target') {
    const fork = fromFork(p.pull_request?.head?.repo?.full_name, repo);
    return {
      trusted: false,
      event,
      why:
        `pull_request_target runs with the repository's secrets and write token, and the code in the ` +
        `workspace may be the pull request's${fork}`,
      builds: false
    };
  }
  if (event === 'workflow_run') {
    const trigger = text(p.workflow_run?.event);
    if (!trigger) {
      return {
        trusted: false,
        event,
        why: 'the workflow_run payload does not say which event set the run off',
        builds: false
      };
    }
    if (PULL_REQUEST_TRIGGERS.has(trigger)) {
      const fork = fromFork(p.workflow_run?.head_repository?.full_name, repo);
      return {
        trusted: false,
        event,
        why:
          `workflow_run was set off by a ${trigger} run${fork}: it runs with the repository's secrets and ` +
          `write token, and builds what that pull request's run left`,
        builds: false
      };
    }
    return { trusted: true, event };
  }
  if (event === 'issue_comment') {
    const on = p.issue?.pull_request ? 'a pull request' : 'an issue';
    return {
      trusted: false,
      event,
      why:
        `issue_comment runs for anyone's comment on ${on}, with the repository's secrets and write ` +
        `token, and the code in the workspace may be a pull request's`,
      builds: false
    };
  }
  return { trusted: true, event };
}

/** The verdict for this run: GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH (empty if unreadable). */
export function eventTrust(env: NodeJS.ProcessEnv): Trust {
  const event = readEvent(env);
  return judgeEvent(event.name, event.payload);
}
