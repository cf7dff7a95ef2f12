/**
 * A bare GET through node:http(s): status, headers and body, at a fraction of fetch's start-up cost
 * (fetch loads undici: tens of milliseconds on every step, about 0.25 s on a busy runner).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  statusText: string;
  /** A response header, '' when absent. */
  header(name: string): string;
  body: string;
}

/** GETs `url`; rejects with an error whose `code` names a connection failure (ETIMEDOUT on timeout). */
export type HttpGet = (url: string, headers: Record<string, string>, timeoutMs: number) => Promise<Answer>;

export const httpGet: HttpGet = (url, headers, timeoutMs) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'GET', headers, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          header: name => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : (value ?? '');
          },
          body: Buffer.concat(chunks).toString('utf8')
        })
      );
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }))
    );
    req.on('error', reject);
    req.end();
  });
