/**
 * A fetch over node:http(s) with keep-alive agents and the environment's proxy (see proxy.ts).
 * Node's built-in fetch ignores HTTPS_PROXY and opens a new connection after every HEAD request,
 * which against a TLS registry means a handshake per HEAD; this one reuses connections for every
 * method. Redirects are followed as fetch follows them (303, and 301/302 after a POST, become a GET),
 * and the `authorization` header never goes to another origin. A body is read up to a limit
 * (answer-size.ts): `maxBytes` of the request, else the fetch's own.
 */
import type http from 'node:http';
import { Readable } from 'node:stream';
import { ANSWER_MAX_BYTES, endpointOf, readAtMost } from './answer-size.js';
import { Routes } from './proxy.js';

/**
 * A fetch's options, plus the most bytes of the answer's body to read, or `stream` for a body the
 * caller reads itself (a blob copied on to another registry); a request body may be a stream.
 */
export type FetchInit = Omit<RequestInit, 'body'> & {
  body?: RequestInit['body'] | Readable;
  maxBytes?: number;
  stream?: boolean;
};

export type FetchLike = (url: string, init?: FetchInit) => Promise<Response>;

const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of [value ?? []].flat()) headers.append(name, v);
  }
  return headers;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  return Object.fromEntries(new Headers(headers ?? {}).entries());
}

type Body = string | Buffer | Uint8Array | Readable | undefined;

function bodyOf(init: FetchInit): Body {
  const body = init.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('request bodies are strings or bytes');
}

/**
 * A fetch with one pool of `maxSockets` connections per route; bodies are read up to `maxBytes`
 * (default 16 MiB) unless a request asks for less or more.
 */
export function keepAliveFetch(
  maxSockets: number,
  env: NodeJS.ProcessEnv = process.env,
  maxBytes = ANSWER_MAX_BYTES
): FetchLike {
  const routes = new Routes({ keepAlive: true, maxSockets }, env);
  const once = (
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Body,
    limit: number,
    signal?: AbortSignal | null,
    stream = false
  ) =>
    new Promise<Response>((resolve, reject) => {
      const req = routes.request(url, { method, headers, signal: signal ?? undefined }, res => {
        const status = res.statusCode ?? 502;
        const empty = method === 'HEAD' || NULL_BODY.has(status);
        if (stream && !empty && status < 300) {
          const response = new Response(Readable.toWeb(res) as ReadableStream, {
            status,
            statusText: res.statusMessage,
            headers: toHeaders(res.headers)
          });
          Object.defineProperty(response, 'url', { value: url.href });
          resolve(response);
          return;
        }
        readAtMost(
          res,
          empty ? Infinity : limit,
          endpointOf(method, url),
          res.headers['content-length']
        ).then(bytes => {
          const response = new Response(empty ? null : bytes, {
            status,
            statusText: res.statusMessage,
            headers: toHeaders(res.headers)
          });
          Object.defineProperty(response, 'url', { value: url.href });
          resolve(response);
        }, reject);
      });
      req.on('error', reject);
      if (body instanceof Readable) {
        body.on('error', err => req.destroy(err));
        body.pipe(req);
      } else req.end(body);
    });
  return async (input, init = {}) => {
    let url = new URL(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let headers = plainHeaders(init.headers);
    let body = bodyOf(init);
    for (let hops = 0; ; hops++) {
      const res = await once(url, method, headers, body, init.maxBytes ?? maxBytes, init.signal, init.stream);
      const location = res.headers.get('location');
      if (!REDIRECT.has(res.status) || !location || init.redirect === 'manual' || hops >= MAX_REDIRECTS)
        return res;
      await res.arrayBuffer().catch(() => undefined);
      const next = new URL(location, url);
      if (
        (res.status === 303 && method !== 'HEAD') ||
        ((res.status === 301 || res.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/.test(name)));
      }
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
      }
      url = next;
    }
  };
}
