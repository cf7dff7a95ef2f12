/**
 * GitHub's code scanning upload standing in on loopback (`POST /repos/{owner}/{repo}/code-scanning/sarifs`):
 * the request (path, body) and the answer are checked against the OpenAPI description
 * (`@octokit/openapi`), and the SARIF inside (gzip + base64) against the SARIF 2.1.0 schema.
 * `fault` answers 403 (a token without security-events: write) or 404 (code scanning off).
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { OpenApi } from './ghcr/openapi.js';
import { checkSarif } from './osv/spec.js';

const ROUTE = '/repos/{owner}/{repo}/code-scanning/sarifs';
const DOCS = 'https://docs.github.com/rest/code-scanning/code-scanning';

export interface UploadedSarif {
  id: string;
  owner: string;
  repo: string;
  commitSha: string;
  ref: string;
  sarif: {
    runs: {
      automationDetails?: { id?: string };
      results: { ruleId: string; level: string; properties?: Record<string, string> }[];
      tool: { driver: { rules: { id: string; properties?: Record<string, unknown> }[] } };
    }[];
  };
}

export interface CodeScanningApi {
  url: string;
  uploads: UploadedSarif[];
  /** 403 or 404 for every upload. */
  fault?: 403 | 404;
  requests: number;
  violations: string[];
  close(): Promise<void>;
}

/** The description's request body schema for the upload, and the components it refers to. */
function bodySchema(): { components: object; root: object } {
  const require = createRequire(import.meta.url);
  const doc = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
  );
  return {
    components: doc.components,
    root: doc.paths[ROUTE].post.requestBody.content['application/json'].schema
  };
}

export async function startCodeScanningApi(token: string): Promise<CodeScanningApi> {
  const api = OpenApi.load();
  const doc = bodySchema();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ components: doc.components }, 'gh');
  const rebase = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(rebase)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              k === '$ref' && typeof x === 'string' ? `gh${x}` : rebase(x)
            ])
          )
        : v;
  const validate = ajv.compile(rebase(doc.root) as object);
  const state = { requests: 0 };
  const stand: CodeScanningApi = {
    url: '',
    uploads: [],
    requests: 0,
    violations: [],
    close: async () => undefined
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', c => (text += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: object) => {
        stand.violations.push(...api.checkResponse(ROUTE, 'POST', status, body));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const m = /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/sarifs$/.exec(url.pathname);
      if (!m || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
        return;
      }
      state.requests++;
      stand.requests = state.requests;
      stand.violations.push(
        ...api.checkRequest(ROUTE, 'POST', { owner: m[1], repo: m[2] }, url.searchParams)
      );
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`)
        stand.violations.push('upload without the token');
      if (stand.fault === 403) {
        return send(403, { message: 'Resource not accessible by integration', documentation_url: DOCS });
      }
      if (stand.fault === 404) return send(404, { message: 'Not Found', documentation_url: DOCS });
      let body: { commit_sha: string; ref: string; sarif: string };
      try {
        body = JSON.parse(text);
      } catch {
        stand.violations.push('request body is not JSON');
        return send(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
      }
      if (!validate(body)) stand.violations.push(`request body: ${ajv.errorsText(validate.errors)}`);
      let sarif: UploadedSarif['sarif'];
      try {
        sarif = JSON.parse(gunzipSync(Buffer.from(body.sarif, 'base64')).toString('utf8'));
      } catch (err) {
        stand.violations.push(`sarif is not gzip+base64 JSON: ${(err as Error).message}`);
        return send(400, { message: 'Invalid SARIF', documentation_url: DOCS });
      }
      stand.violations.push(...checkSarif(sarif));
      const id = `47177e22-5596-11eb-80a1-c1e54ef945c${stand.uploads.length % 10}`;
      stand.uploads.push({ id, owner: m[1], repo: m[2], commitSha: body.commit_sha, ref: body.ref, sarif });
      send(202, { id, url: `https://api.github.com/repos/${m[1]}/${m[2]}/code-scanning/sarifs/${id}` });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  stand.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  stand.close = () => new Promise(resolve => server.close(() => resolve()));
  return stand;
}
