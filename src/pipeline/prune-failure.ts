/** The error of a prune that fails after the push: the image is out, then what failed and where (pure). */
import { errorMessage } from '../common/errors.js';

/** The API call an error from the GitHub client was answering (`GET /orgs/o/packages/...`), or ''. */
function apiCall(err: unknown): string {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const request = (e as { request?: { method?: unknown; url?: unknown } }).request;
    if (typeof request?.method === 'string' && typeof request.url === 'string') {
      const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
      return `${request.method} ${url ? url.pathname + url.search : request.url}`;
    }
  }
  return '';
}

/** A prune that fails after the push: the image is out, and the error says so before what failed. */
export function pruneFailed(pushed: string, failure: unknown): string {
  const text = errorMessage(failure);
  const call = apiCall(failure);
  return `The image was pushed (${pushed}), but pruning failed${call ? ` at ${call}` : ''}: ${text}`;
}
