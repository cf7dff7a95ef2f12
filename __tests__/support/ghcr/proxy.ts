/**
 * The registry's front door: counts requests, adds latency and injected failures, then hands the
 * request on: to an in-process handler (the memory registry) or over HTTP (a registry process).
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { sleep, takeFault, type Faults } from './faults.js';

export interface RegistryStats {
  requests: number;
  byMethod: Record<string, number>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Forwards to a registry listening at `target`. */
export function forwardTo(target: string): Handler {
  const upstream = new URL(target);
  return async (req, res) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }
    );
    out.on('error', err => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
    req.pipe(out);
  };
}

export function frontDoor(next: Handler, faults: Faults, stats: RegistryStats): Handler {
  return async (req, res) => {
    const method = req.method ?? 'GET';
    stats.requests++;
    stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
    const latency = faults.registryLatencyMs ?? faults.latencyMs;
    if (latency) await sleep(latency);
    if (faults.registryAnswer?.(req, res)) return;
    const fault = takeFault(faults.registry, method, req.url ?? '/');
    if (!fault) return next(req, res);
    req.resume();
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(JSON.stringify(fault.body ?? { errors: [{ code: 'UNKNOWN', message: 'injected failure' }] }));
  };
}
