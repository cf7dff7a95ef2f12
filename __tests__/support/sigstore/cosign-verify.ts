/**
 * cosign 3 (forky's, see cosign.ts) checking any of what the action signs, against the stand-in's
 * trusted root: `cosign verify` for the signature on an image, `cosign verify-attestation --type T`
 * for an attestation. Run without blocking this process (a registry served from it must answer).
 */
import { execFile } from 'node:child_process';
import { COSIGN, type CosignResult } from './cosign.js';
import { ISSUER } from './oidc.js';

export interface CosignCheck {
  trustedRoot: string;
  /** A regular expression the certificate's identity must match. */
  identity: string;
  dockerConfig: string;
  /** verify-attestation's --type; absent: `cosign verify`. */
  type?: string;
  signedTimestamps?: boolean;
}

export function cosignArgs(ref: string, c: CosignCheck): string[] {
  return [
    c.type ? 'verify-attestation' : 'verify',
    '--trusted-root',
    c.trustedRoot,
    '--certificate-identity-regexp',
    c.identity,
    '--certificate-oidc-issuer',
    ISSUER,
    ...(c.type ? ['--type', c.type] : []),
    '--allow-http-registry',
    '--allow-insecure-registry',
    ...(c.signedTimestamps ? ['--use-signed-timestamps', '--insecure-ignore-tlog'] : []),
    ref
  ];
}

export function cosignCheck(ref: string, c: CosignCheck): Promise<CosignResult & { args: string[] }> {
  const args = cosignArgs(ref, c);
  return new Promise(resolve => {
    execFile(
      COSIGN,
      args,
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: c.dockerConfig },
        timeout: 60_000
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}`, args });
      }
    );
  });
}
