/**
 * GitHub's attestation store standing in on loopback (`POST /repos/{owner}/{repo}/attestations`):
 * requests and responses are checked against the OpenAPI description (`@octokit/openapi`), and each
 * stored bundle must parse as a Sigstore bundle v0.3 holding a DSSE envelope.
 */
import { Ajv } from 'ajv';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OpenApi } from '../ghcr/openapi.js';

const ROUTE = '/repos/{owner}/{repo}/attestations';

/** GitHub's answer for a user-owned private repository (403, as actions/attest users report it). */
export const NOT_OFFERED_USER_PRIVATE =
  'Feature not available for user-owned private repositories. To enable this feature, please make this repository public.';

export interface StoredAttestation {
  id: number;
  owner: string;
  repo: string;
  bundle: {
    mediaType: string;
    dsseEnvelope: { payload: string; payloadType: string; signatures: unknown[] };
    verificationMaterial: Record<string, unknown>;
  };
}

export interface AttestationsApi {
  url: string;
  stored: StoredAttestation[];
  /** Statuses to answer the next requests with (a 5xx, or 403 for a token without the permission). */
  faults: number[];
  /**
   * While set, every store request gets GitHub's refusal where the store is not part of the plan
   * (403, this message), e.g. NOT_OFFERED_USER_PRIVATE.
   */
  notOffered?: string;
  /** Requests to the attestations endpoint. */
  requests: number;
  violations: string[];
  /** Artifact storage records created (`POST /orgs/{org}/artifacts/metadata/storage-record`). */
  records: { org: string; body: Record<string, unknown> }[];
  /** The answer to storage record requests: 200, or 403 for a job without `artifact-metadata: write`. */
  recordStatus: number;
  close(): Promise<void>;
}

const RECORD_ROUTE = '/orgs/{org}/artifacts/metadata/storage-record';
let recordValidator: (((value: unknown) => boolean) & { errors?: unknown }) | undefined;
function recordBodyValidator() {
  if (!recordValidator) {
    const require = createRequire(import.meta.url);
    const doc = JSON.parse(
      readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
    );
    const schema = { ...doc.paths[RECORD_ROUTE].post.requestBody.content['application/json'].schema };
    delete schema.examples;
    recordValidator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  }
  return recordValidator;
}

let bodyValidator: (((value: unknown) => boolean) & { errors?: unknown }) | undefined;
function requestBodyValidator() {
  if (!bodyValidator) {
    const require = createRequire(import.meta.url);
    const doc = JSON.parse(
      readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
    );
    const schema = doc.paths[ROUTE].post.requestBody.content['application/json'].schema;
    const plain = { ...schema };
    delete plain.examples;
    bodyValidator = new Ajv({ strict: false, allErrors: true }).compile(plain);
  }
  return bodyValidator;
}

export async function startAttestationsApi(token: string): Promise<AttestationsApi> {
  const api = OpenApi.load();
  const validate = requestBodyValidator();
  const stored: StoredAttestation[] = [];
  const faults: number[] = [];
  const violations: string[] = [];
  const state = { requests: 0, recordStatus: 200 };
  const records: AttestationsApi['records'] = [];
  const result: AttestationsApi = {
    url: '',
    stored,
    faults,
    get requests() {
      return state.requests;
    },
    violations,
    records,
    get recordStatus() {
      return state.recordStatus;
    },
    set recordStatus(status: number) {
      state.recordStatus = status;
    },
    close: async () => undefined
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', c => (text += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: object, injected = false) => {
        violations.push(...api.checkResponse(ROUTE, 'POST', status, body, injected));
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const org = /^\/orgs\/([^/]+)\/artifacts\/metadata\/storage-record$/.exec(url.pathname);
      if (org && req.method === 'POST') {
        const answer = (status: number, body: object) => {
          violations.push(...api.checkResponse(RECORD_ROUTE, 'POST', status, body));
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        violations.push(...api.checkRequest(RECORD_ROUTE, 'POST', { org: org[1] }, url.searchParams));
        const auth = req.headers.authorization ?? '';
        if (auth !== `token ${token}` && auth !== `Bearer ${token}`)
          violations.push('storage record: bad credentials');
        if (state.recordStatus !== 200) {
          return answer(state.recordStatus, {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest'
          });
        }
        const body = JSON.parse(text || '{}') as Record<string, unknown>;
        const validate = recordBodyValidator();
        if (!validate(body)) violations.push(`storage record body: ${JSON.stringify(validate.errors)}`);
        records.push({ org: org[1], body });
        return answer(200, { total_count: 0 });
      }
      const m = /^\/repos\/([^/]+)\/([^/]+)\/attestations$/.exec(url.pathname);
      if (!m || req.method !== 'POST') {
        // Other endpoints (meta reads the repository) are not served here: GitHub's 404.
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
        return;
      }
      state.requests++;
      violations.push(...api.checkRequest(ROUTE, 'POST', { owner: m[1], repo: m[2] }, url.searchParams));
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
        return send(
          401,
          { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
          true
        );
      }
      if (result.notOffered) {
        return send(403, {
          message: result.notOffered,
          documentation_url: 'https://docs.github.com/rest/repos/attestations#create-an-attestation'
        });
      }
      const fault = faults.shift();
      if (fault === 403) {
        return send(403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest'
        });
      }
      if (fault)
        return send(
          fault,
          { message: 'injected failure', documentation_url: 'https://docs.github.com/rest' },
          true
        );
      let body: { bundle?: StoredAttestation['bundle'] };
      try {
        body = JSON.parse(text);
      } catch {
        violations.push('request body is not JSON');
        return send(422, { message: 'Invalid request', documentation_url: 'https://docs.github.com/rest' });
      }
      if (!validate(body)) violations.push(`request body: ${JSON.stringify(validate.errors)}`);
      const bundle = body.bundle;
      if (bundle?.mediaType !== 'application/vnd.dev.sigstore.bundle.v0.3+json') {
        violations.push(`bundle media type ${bundle?.mediaType}`);
      }
      if (bundle?.dsseEnvelope?.payloadType !== 'application/vnd.in-toto+json') {
        violations.push(`DSSE payload type ${bundle?.dsseEnvelope?.payloadType}`);
      }
      const id = 1000 + stored.length;
      stored.push({ id, owner: m[1], repo: m[2], bundle: bundle! });
      send(201, { id });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  Object.assign(result, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  });
  return result;
}
