/**
 * OSV (api.osv.dev) standing in on loopback under its real host name, over HTTPS with a local CA:
 * `POST /v1/querybatch` and `GET /v1/vulns/{id}`. Every request and answer is checked against OSV's
 * API description and every record served against the OSV schema (spec.ts); violations are
 * collected. A query matches a record when its purl, without version, is the record's affected
 * package purl and its version is one of the affected versions. Answers page after `pageSize`
 * vulnerabilities per query, with `next_page_token` as OSV's API describes.
 *
 *   const osv = await startOsv([osvRecord({...}), ...]);
 *   runAction({ ..., hostsFile: osv.hostsFile, env: { ...osv.env } })
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeLocalTls } from '../sigstore/tls.js';
import { OsvSpec } from './spec.js';

export const OSV_HOST = 'api.osv.dev';

export interface OsvRequest {
  method: string;
  path: string;
  /** Queries of a batch request. */
  queries?: number;
  pageTokens?: number;
}

export interface OsvStandIn {
  address: string;
  hostsFile: string;
  caPath: string;
  /** NODE_EXTRA_CA_CERTS for the action. */
  env: Record<string, string>;
  requests: OsvRequest[];
  violations: string[];
  /** Answer every request with this status, or drop the connection ('down'). */
  fault?: number | 'down';
  /** Delay before each answer, in ms. */
  latencyMs: number;
  /** Vulnerabilities per query per page. */
  pageSize: number;
  close(): Promise<void>;
}

type Rec = Record<string, unknown> & {
  id: string;
  affected: { package: { purl: string }; versions: string[] }[];
};

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', c => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

async function listenOnLoopback(server: Server): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const ok = await new Promise<boolean>(resolve => {
      server.once('error', () => resolve(false));
      server.listen(443, address, () => resolve(true));
    });
    if (ok) return address;
  }
  throw new Error('no free loopback address with port 443');
}

/** `pkg:type/ns/name@version?q#s` -> [purl without version, version]. */
function splitPurl(purl: string): [string, string] {
  const bare = purl.replace(/[?#].*$/, '');
  const at = bare.lastIndexOf('@');
  return at > bare.lastIndexOf('/')
    ? [bare.slice(0, at), decodeURIComponent(bare.slice(at + 1))]
    : [bare, ''];
}

export async function startOsv(
  records: Record<string, unknown>[],
  opts: { pageSize?: number } = {}
): Promise<OsvStandIn> {
  const spec = new OsvSpec();
  const violations: string[] = [];
  for (const r of records) violations.push(...spec.checkRecord(r).map(v => `${String(r.id)}: ${v}`));
  const byId = new Map(records.map(r => [String(r.id), r as Rec]));
  const tls = makeLocalTls([OSV_HOST]);

  const matching = (purl: string): Rec[] => {
    const [bare, version] = splitPurl(purl);
    return [...byId.values()].filter(r =>
      r.affected.some(a => a.package.purl === bare && a.versions.includes(version))
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `https://${OSV_HOST}`);
    const text = await body(req);
    const entry: OsvRequest = { method: req.method ?? '', path: url.pathname };
    stand.requests.push(entry);
    if (stand.latencyMs > 0) await new Promise(r => setTimeout(r, stand.latencyMs));
    if (stand.fault === 'down') return req.socket.destroy();
    const send = (status: number, answer: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    const fail = (status: number, message: string) => {
      const answer = { code: status === 400 ? 3 : status === 404 ? 5 : 14, message };
      violations.push(...spec.checkError(answer));
      send(status, answer);
    };
    if (stand.fault !== undefined) return fail(stand.fault, 'injected failure');
    if ((req.headers.host ?? '').replace(/:\d+$/, '') !== OSV_HOST)
      violations.push(`Host ${req.headers.host}`);

    if (req.method === 'POST' && url.pathname === '/v1/querybatch') {
      let query: { queries?: { package?: { purl?: string }; version?: string; page_token?: string }[] };
      try {
        query = JSON.parse(text);
      } catch {
        violations.push('querybatch: the body is not JSON');
        return fail(400, 'Invalid JSON');
      }
      violations.push(...spec.checkBatchRequest(query));
      const queries = query.queries ?? [];
      entry.queries = queries.length;
      entry.pageTokens = queries.filter(q => q.page_token).length;
      if (queries.length > 1000) {
        violations.push(`querybatch: ${queries.length} queries (at most 1,000)`);
        return fail(400, 'Too many queries.');
      }
      const results = queries.map(q => {
        const purl = q.package?.purl ?? '';
        if (!purl.startsWith('pkg:'))
          violations.push(`querybatch: a query without a purl: ${JSON.stringify(q)}`);
        if (q.version && splitPurl(purl)[1])
          violations.push(`querybatch: version given twice in ${JSON.stringify(q)}`);
        const all = matching(purl);
        const offset = q.page_token
          ? Number(Buffer.from(q.page_token, 'base64url').toString().split('|')[1])
          : 0;
        if (q.page_token && Buffer.from(q.page_token, 'base64url').toString().split('|')[0] !== purl) {
          violations.push(`querybatch: page token of another query for ${purl}`);
        }
        const page = all.slice(offset, offset + stand.pageSize);
        const next =
          offset + stand.pageSize < all.length
            ? Buffer.from(`${purl}|${offset + stand.pageSize}`).toString('base64url')
            : '';
        return {
          ...(page.length ? { vulns: page.map(r => ({ id: r.id, modified: r.modified })) } : {}),
          ...(next ? { next_page_token: next } : {})
        };
      });
      const answer = { results };
      violations.push(...spec.checkBatchAnswer(answer));
      return send(200, answer);
    }
    const vuln = /^\/v1\/vulns\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && vuln) {
      const record = byId.get(decodeURIComponent(vuln[1]));
      if (!record) return fail(404, 'Bug not found.');
      violations.push(...spec.checkVulnAnswer(record));
      return send(200, record);
    }
    violations.push(`no such operation: ${req.method} ${url.pathname}`);
    return fail(404, 'Not Found');
  };

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(err => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  const address = await listenOnLoopback(server);
  const hostsFile = join(tls.dir, 'hosts');
  writeFileSync(hostsFile, `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n${address} ${OSV_HOST}\n`);
  const stand: OsvStandIn = {
    address,
    hostsFile,
    caPath: tls.caPath,
    env: { NODE_EXTRA_CA_CERTS: tls.caPath },
    requests: [],
    violations,
    latencyMs: 0,
    pageSize: opts.pageSize ?? 1000,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
  return stand;
}
