/**
 * Turns a failure on the attest path into one message that says the image was pushed and is
 * unsigned, and names the service that failed (pure).
 */
import { PERMISSIONS_HINT } from './mode.js';

export type Phase = 'token' | 'sign' | 'store';

export interface Endpoints {
  fulcioURL: string;
  rekorURL?: string;
  tsaServerURL?: string;
  /** GitHub's REST API (GITHUB_API_URL). */
  apiUrl: string;
}

interface CodedError {
  code?: string;
  message?: string;
  cause?: unknown;
}

/** The messages of an error and its causes, each once. */
export function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const text = typeof e === 'object' ? ((e as CodedError).message ?? String(e)) : String(e);
    if (text && !parts.some(p => p.includes(text))) parts.push(text);
    e = typeof e === 'object' ? (e as CodedError).cause : undefined;
  }
  return parts.join(': ');
}

const TOKEN_SERVICE = 'the OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL and the issuer)';

/** The service that failed, from the phase and (when signing) the Sigstore client's error code. */
export function failedService(err: unknown, phase: Phase, ep: Endpoints): string {
  if (phase === 'token') return TOKEN_SERVICE;
  if (phase === 'store') return `GitHub's attestations API (${ep.apiUrl})`;
  const code = (err as CodedError | undefined)?.code ?? '';
  if (code.startsWith('CA_')) return `Sigstore's Fulcio (${ep.fulcioURL})`;
  if (code.startsWith('TLOG_')) return `Sigstore's Rekor (${ep.rekorURL})`;
  if (code.startsWith('TSA_')) return `Sigstore's timestamp authority (${ep.tsaServerURL})`;
  if (code.startsWith('IDENTITY_TOKEN')) return TOKEN_SERVICE;
  return 'Sigstore';
}

/** Which permission the answer says is missing, if it says so. */
export function permissionHint(text: string, service: string): string {
  if (service === TOKEN_SERVICE && /missing claims|\b40[13]\b|unauthori[sz]ed|forbidden/i.test(text)) {
    return `; the OIDC token needs \`permissions: id-token: write\` (${PERMISSIONS_HINT})`;
  }
  if (service.startsWith("GitHub's attestations API") && /\b403\b|not accessible|forbidden/i.test(text)) {
    return '; the GitHub token needs `permissions: attestations: write`';
  }
  return '';
}

export function attestFailure(err: unknown, phase: Phase, image: string, ep: Endpoints): Error {
  const text = causeChain(err);
  const service = failedService(err, phase, ep);
  return new Error(
    `The image ${image} was pushed and is unsigned: ${service} failed: ${text}${permissionHint(text, service)}`
  );
}
