/**
 * The global expressions of `tags` attributes, `labels` and `annotations`: {{branch}}, {{tag}},
 * {{sha}}, {{base_ref}}, {{is_default_branch}}, {{is_not_default_branch}}, {{date}} and
 * {{commit_date}}, with metadata-action's semantics.
 */
import { InputError } from '../common/runner.js';
import type { Payload, RunContext } from '../common/run-context.js';
import { formatDate } from './date/format.js';
import { isKnownTimeZone } from './date/zoned-time.js';
import { TemplateError } from './template/ast.js';
import type { Helper } from './template/render.js';

/** The run's event, with the ref and commit the tags are made for. */
export interface ExpressionScope extends Pick<RunContext, 'eventName' | 'ref' | 'sha' | 'payload'> {
  now: Date;
  commitDate: Date;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH as set (checked when a short SHA is needed). */
  shortShaLength?: string;
  warn(message: string): void;
}

const DEFAULT_SHORT_SHA_LENGTH = 7;

export function shortSha(sha: string, lengthSetting: string | undefined): string {
  let length = DEFAULT_SHORT_SHA_LENGTH;
  if (lengthSetting) {
    if (isNaN(Number(lengthSetting))) {
      throw new InputError(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${lengthSetting}`, []);
    }
    length = Number(lengthSetting);
  }
  return length >= sha.length ? sha : sha.substring(0, length);
}

function get(obj: unknown, ...path: string[]): unknown {
  let value = obj;
  for (const key of path)
    value = value !== null && typeof value === 'object' ? (value as Payload)[key] : undefined;
  return value;
}

/** `{{date 'format' tz='Zone'}}` for one instant; moment format, UTC unless tz says otherwise. */
export function dateHelper(date: Date, warn: (message: string) => void): Helper {
  return (params, hash) => {
    let tz = 'UTC';
    for (const [key, value] of Object.entries(hash)) {
      if (key !== 'tz') throw new TemplateError(`Unknown ${key} attribute (expected tz='Area/City')`);
      tz = String(value);
    }
    if (params.length === 0) throw new TemplateError(`a date needs a format, e.g. {{date 'YYYYMMDD'}}`);
    const format = params[0];
    if (format !== undefined && typeof format !== 'string') {
      throw new TemplateError(`the date format must be a quoted string, got ${String(format)}`);
    }
    if (!isKnownTimeZone(tz) || /^[+-]/.test(tz)) {
      warn(`Unknown time zone "${tz}": dates are rendered in UTC`);
      tz = 'UTC';
    }
    return formatDate(date, format, tz);
  };
}

function isDefaultBranch(scope: ExpressionScope): boolean {
  const branch = scope.ref.replace(/^refs\/heads\//g, '');
  if (branch.length === 0) return false;
  if (get(scope.payload, 'repository', 'default_branch') == branch) return true;
  return /create|discussion|issues|schedule/.test(scope.eventName);
}

/** The context `{{...}}` in tag attributes, labels and annotations renders against. */
export function globalContext(scope: ExpressionScope): Record<string, Helper> {
  const { ref } = scope;
  return {
    branch: () => (/^refs\/heads\//.test(ref) ? ref.replace(/^refs\/heads\//g, '') : ''),
    tag: () => (/^refs\/tags\//.test(ref) ? ref.replace(/^refs\/tags\//g, '') : ''),
    sha: () => shortSha(scope.sha, scope.shortShaLength),
    base_ref: () => {
      const baseRef = get(scope.payload, 'base_ref');
      if (/^refs\/tags\//.test(ref) && baseRef != undefined)
        return String(baseRef).replace(/^refs\/heads\//g, '');
      const prBase = get(scope.payload, 'pull_request', 'base', 'ref');
      if (/^refs\/pull\//.test(ref) && prBase != undefined) return prBase;
      return '';
    },
    commit_date: dateHelper(scope.commitDate, scope.warn),
    is_default_branch: () => String(isDefaultBranch(scope)),
    is_not_default_branch: () => String(!isDefaultBranch(scope)),
    date: dateHelper(scope.now, scope.warn)
  };
}
