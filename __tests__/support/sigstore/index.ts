/**
 * Sigstore standing in on loopback under its real host names: Fulcio, Rekor and a timestamp
 * authority built from the Sigstore project's own test doubles (`@sigstore/mock` handlers), GitHub's
 * OIDC issuer and the runner's token endpoint, all over HTTPS with a local CA. The action reaches
 * them through a hosts file (bind-mounted over /etc/hosts in a private mount namespace, see
 * action-runner's `hostsFile`) and NODE_EXTRA_CA_CERTS; verifiers read `trustedRootPath`.
 *
 *   const sigstore = await startSigstore();
 *   runAction({ ..., hostsFile: sigstore.hostsFile, env: { ...sigstore.env } })
 */
import { generateKeyPairSync, createHash, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import mock from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { ISSUER, OidcIssuer } from './oidc.js';
import { makeLocalTls } from './tls.js';
import { trustAnchorRoutes } from './trust-anchors.js';
import { canonicalEntry } from './rekor-canonical.js';

export const FULCIO = 'fulcio.sigstore.dev';
export const REKOR = 'rekor.sigstore.dev';
export const GITHUB_FULCIO = 'fulcio.githubapp.com';
export const GITHUB_TSA = 'timestamp.githubapp.com';
export const TOKEN_HOST = 'token.actions.githubusercontent.com';
/** Where the runner's token endpoint stands in (the runner gives it on its own host). */
export const RUNNER_TOKEN_HOST = 'pipelines.actions.githubusercontent.com';
const HOSTS = [FULCIO, REKOR, GITHUB_FULCIO, GITHUB_TSA, TOKEN_HOST, RUNNER_TOKEN_HOST];

/** An injected answer for a host: an HTTP status, or 'down' (the connection is dropped). */
export type HostFault = number | 'down';

export interface Sigstore {
  /** The loopback address the host names resolve to. */
  address: string;
  hostsFile: string;
  caPath: string;
  /** trusted_root.json for the public-good stand-in (Fulcio, CT log, Rekor). */
  trustedRootPath: string;
  /** trusted_root.json for GitHub's instance stand-in (Fulcio, timestamp authority). */
  githubTrustedRootPath: string;
  oidc: OidcIssuer;
  /** Environment for the action: the token endpoint and the local CA. */
  env: Record<string, string>;
  /** Requests per host (method path). */
  requests: { host: string; method: string; path: string }[];
  /** Faults per host name; each request to a faulted host takes the fault. */
  faults: Map<string, HostFault>;
  close(): Promise<void>;
}

type Reply = { statusCode: number; response: string | ArrayBufferView; contentType?: string };

function ecKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function der(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', c => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** A free address in 127.0.0.0/8 with port 443 open to bind, so that runs in parallel do not collide. */
export async function listenOnLoopback(server: Server): Promise<string> {
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

export async function startSigstore(): Promise<Sigstore> {
  const tls = makeLocalTls(HOSTS);
  const start = new Date(Date.now() - 60_000);
  const [ctKeys, caKeys, tlogKeys, tsaKeys, ghCaKeys] = [
    ecKeyPair(),
    ecKeyPair(),
    ecKeyPair(),
    ecKeyPair(),
    ecKeyPair()
  ];
  const ctLog = await mock.initializeCTLog(ctKeys);
  const ca = await mock.initializeCA(caKeys, ctLog);
  const ghCa = await mock.initializeCA(ghCaKeys, ctLog);
  const tlog = await mock.initializeTLog(`https://${REKOR}`, tlogKeys);
  const tsa = await mock.initializeTSA(tsaKeys);
  // Real Fulcio names the workflow (https://github.com/ + job_workflow_ref); the mock takes one claim.
  const fulcio = mock.fulcioHandler(ca, { subjectClaim: 'job_workflow_ref' });
  const ghFulcio = mock.fulcioHandler(ghCa, { subjectClaim: 'job_workflow_ref' });
  const rekor = mock.rekorHandler(tlog);
  const timestamp = mock.tsaHandler(tsa);
  const oidc = new OidcIssuer();

  // What each service publishes for verifiers: Fulcio's trust bundle, Rekor's key, the TSA's chain.
  const anchors = trustAnchorRoutes({ ca, ghCa, tsa, tlogKey: tlogKeys.publicKey });
  const routes: Record<string, Record<string, (text: string) => Promise<Reply>>> = {
    [FULCIO]: { [`POST ${fulcio.path}`]: fulcio.fn, ...anchors.fulcio },
    [GITHUB_FULCIO]: { [`POST ${ghFulcio.path}`]: ghFulcio.fn, ...anchors.githubFulcio },
    [REKOR]: { [`POST ${rekor.path}`]: text => rekor.fn(canonicalEntry(text)), ...anchors.rekor },
    [GITHUB_TSA]: { [`POST ${timestamp.path}`]: timestamp.fn, ...anchors.tsa },
    [TOKEN_HOST]: {
      'GET /.well-known/openid-configuration': async () => json(oidc.discovery()),
      'GET /.well-known/jwks': async () => json(oidc.jwks())
    }
  };
  function json(value: object, statusCode = 200): Reply {
    return { statusCode, response: JSON.stringify(value), contentType: 'application/json' };
  }

  const requests: Sigstore['requests'] = [];
  const faults = new Map<string, HostFault>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    requests.push({ host, method: req.method ?? '', path: url.pathname });
    const text = await body(req);
    const fault = faults.get(host);
    if (fault === 'down') return req.socket.destroy();
    if (fault !== undefined) {
      res.writeHead(fault, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ code: fault, message: 'injected failure' }));
    }
    let reply: Reply;
    if (host === RUNNER_TOKEN_HOST && req.method === 'GET' && url.pathname === '/token') {
      const answer = oidc.answerTokenRequest(url, req.headers.authorization);
      reply = json(answer.body, answer.status);
    } else {
      const route = routes[host]?.[`${req.method} ${url.pathname}`];
      reply = route
        ? await route(text)
        : json({ message: `no route ${req.method} ${host}${url.pathname}` }, 404);
    }
    res.writeHead(reply.statusCode, { 'content-type': reply.contentType ?? 'text/plain' });
    const out = reply.response;
    res.end(typeof out === 'string' ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  };
  const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(err => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  const address = await listenOnLoopback(server);

  const hostsFile = join(tls.dir, 'hosts');
  writeFileSync(
    hostsFile,
    `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n${address} ${HOSTS.join(' ')}\n`
  );

  const range = { start, end: undefined };
  const ctlog = {
    baseUrl: 'https://ctfe.sigstore.dev/test',
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: {
      rawBytes: der(ctKeys.publicKey),
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: range
    },
    logId: { keyId: createHash('sha256').update(der(ctKeys.publicKey)).digest() }
  };
  const authority = (uri: string, chain: ArrayBufferView[], commonName: string) => ({
    subject: { organization: 'sigstore.mock', commonName },
    uri,
    certChain: {
      certificates: chain.map(c => ({ rawBytes: Buffer.from(c.buffer, c.byteOffset, c.byteLength) }))
    },
    validFor: range
  });
  const publicGood = TrustedRoot.fromJSON(
    TrustedRoot.toJSON({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: `https://${REKOR}`,
          hashAlgorithm: HashAlgorithm.SHA2_256,
          publicKey: {
            rawBytes: der(tlogKeys.publicKey),
            keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
            validFor: range
          },
          logId: { keyId: createHash('sha256').update(der(tlogKeys.publicKey)).digest() }
        }
      ],
      ctlogs: [ctlog],
      certificateAuthorities: [authority(`https://${FULCIO}`, [ca.rootCertificate], 'sigstore')],
      timestampAuthorities: []
    } as unknown as TrustedRoot)
  );
  const github = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: [ctlog],
    certificateAuthorities: [authority(`https://${GITHUB_FULCIO}`, [ghCa.rootCertificate], 'fulcio')],
    timestampAuthorities: [
      authority(`https://${GITHUB_TSA}`, [tsa.intCertificate, tsa.rootCertificate], 'tsa')
    ]
  } as unknown as TrustedRoot;
  const trustedRootPath = join(tls.dir, 'trusted_root.json');
  const githubTrustedRootPath = join(tls.dir, 'github_trusted_root.json');
  writeFileSync(trustedRootPath, JSON.stringify(TrustedRoot.toJSON(publicGood), null, 2));
  writeFileSync(githubTrustedRootPath, JSON.stringify(TrustedRoot.toJSON(github), null, 2));

  return {
    address,
    hostsFile,
    caPath: tls.caPath,
    trustedRootPath,
    githubTrustedRootPath,
    oidc,
    env: {
      NODE_EXTRA_CA_CERTS: tls.caPath,
      ACTIONS_ID_TOKEN_REQUEST_URL: `https://${RUNNER_TOKEN_HOST}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
    },
    requests,
    faults,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

export { ISSUER };
