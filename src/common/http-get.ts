/**
 * A bare GET through node:http(s) and the environment's proxy: status, headers and body, at a
 * fraction of fetch's start-up cost (fetch loads undici: tens of milliseconds on every step, about
 * 0.25 s on a busy runner). Redirects are not followed; the body is read up to `maxBytes` (16 MiB
 * by default, see answer-size.ts).
 */
import { ANSWER_MAX_BYTES, endpointOf, readAtMost } from './answer-size.js';
import { Routes } from './proxy.js';

export interface Answer {
  status: number;
  statusText: string;
  /** A response header, '' when absent. */
  header(name: string): string;
  body: string;
}

/** GETs `url`; rejects with an error whose `code` names a connection failure (ETIMEDOUT on timeout). */
export type HttpGet = (
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  maxBytes?: number
) => Promise<Answer>;

let routes: Routes | undefined;

export const httpGet: HttpGet = (url, headers, timeoutMs, maxBytes = ANSWER_MAX_BYTES) =>
  new Promise((resolve, reject) => {
    routes ??= new Routes();
    const req = routes.request(new URL(url), { method: 'GET', headers, timeout: timeoutMs }, res => {
      readAtMost(res, maxBytes, endpointOf('GET', url), res.headers['content-length']).then(
        bytes =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            header: name => {
              const value = res.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(', ') : (value ?? '');
            },
            body: bytes.toString('utf8')
          }),
        reject
      );
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }))
    );
    req.on('error', reject);
    req.end();
  });
