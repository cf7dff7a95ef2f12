/**
 * A fetch over node:http(s) with keep-alive agents. Node's built-in fetch opens a new connection
 * after every HEAD request, which against a TLS registry means a handshake per HEAD; this one
 * reuses connections for every method. Redirects of GET and HEAD are followed (credentials are not
 * sent to another host).
 */
import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from './auth.js';

const NULL_BODY = new Set([101, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of [value ?? []].flat()) headers.append(name, v);
  }
  return headers;
}

export function keepAliveFetch(maxSockets: number): FetchLike {
  const agents: Record<string, http.Agent> = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets })
  };
  const once = (url: URL, init: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const method = (init.method ?? 'GET').toUpperCase();
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        {
          method,
          headers: init.headers as Record<string, string> | undefined,
          agent: agents[url.protocol],
          signal: init.signal ?? undefined
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const body = method === 'HEAD' || NULL_BODY.has(status) ? null : Buffer.concat(chunks);
            resolve(
              new Response(body, { status, statusText: res.statusMessage, headers: toHeaders(res.headers) })
            );
          });
        }
      );
      req.on('error', reject);
      req.end(init.body === undefined || init.body === null ? undefined : (init.body as Buffer));
    });
  return async (input, init = {}) => {
    let url = new URL(input);
    let options = init;
    for (let hops = 0; ; hops++) {
      const res = await once(url, options);
      const location = res.headers.get('location');
      const method = (options.method ?? 'GET').toUpperCase();
      if (!REDIRECT.has(res.status) || !location || hops >= 5 || (method !== 'GET' && method !== 'HEAD'))
        return res;
      const next = new URL(location, url);
      if (next.host !== url.host) {
        const headers = { ...(options.headers as Record<string, string>) };
        delete headers.authorization;
        options = { ...options, headers };
      }
      url = next;
    }
  };
}
