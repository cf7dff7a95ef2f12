/** Fault injection shared by the stand-in's servers: latency, failing answers, hooks. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Fault {
  method?: string;
  /** Matched against the request path (and query). */
  path?: RegExp;
  status: number;
  body?: object;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Matching requests let through before failing. */
  skip?: number;
}

export interface Faults {
  /** Added to every API and registry request. */
  latencyMs: number;
  /** Added to every registry request instead of `latencyMs`, when set. */
  registryLatencyMs?: number;
  api: Fault[];
  registry: Fault[];
  /** List versions from the snapshot taken by `snapshot()` instead of the registry's content now. */
  staleList: boolean;
  /** Digests whose DELETE is refused as for a public version with more than 5000 downloads. */
  popular: Set<string>;
  /**
   * GitHub's secondary rate limit on writes (DELETE, POST): points a rolling minute allows, what a
   * write costs (default 5), and the answer beyond it (default 403 with `retry-after`). GitHub
   * documents 900 points a minute per endpoint; a stricter, unknown limit is modelled with fewer.
   */
  writeLimit?: { pointsPerMinute: number; writePoints?: number; status?: 403 | 429; windowMs?: number };
  /** Runs after a version's manifest is deleted (e.g. a concurrent push). */
  onDelete?: (repository: string, digest: string) => Promise<void>;
  /**
   * A broken or hostile version list: the `Link` header of each page instead of GitHub's (endless
   * `next`, a huge `last`, a page that names itself), from the page's number and the list's URL.
   */
  listLink?: (page: number, listUrl: string) => string;
  /** A broken or hostile version list: every page streamed as this many bytes of JSON white space. */
  listBytes?: number;
  /** A broken or hostile registry: answers a request itself when it returns true. */
  registryAnswer?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Streams `bytes` bytes of white space (valid inside JSON), as fast as the reader takes them. */
export function streamBytes(res: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  res.on('close', () => (sent = bytes));
  const more = () => {
    while (sent < bytes) {
      const n = Math.min(chunk.length, bytes - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

export function noFaults(): Faults {
  return { latencyMs: 0, api: [], registry: [], staleList: false, popular: new Set() };
}

/** The fault that applies to a request, consuming one of its `times`. */
export function takeFault(list: Fault[], method: string, path: string): Fault | undefined {
  for (const f of list) {
    if ((f.method && f.method !== method) || (f.path && !f.path.test(path))) continue;
    if (f.skip && f.skip > 0) {
      f.skip--;
      continue;
    }
    const times = f.times ?? 1;
    if (times <= 0) continue;
    f.times = times - 1;
    return f;
  }
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
